import ArgumentParser
import Foundation
import TraceIO

/// `spinode merge A.h5 B.h5:train=b-train ... --out C.h5`: gathers traces of several trace files into one, e.g.
/// runs under different drives or parameter values, so that one `spinode fit` trains on all of them.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Gather traces of several trace files into one trace file (e.g. runs under different drives for one fit).",
        discussion: """
        Each source is FILE.h5 (every trace of the file, names kept), FILE.h5:TRACE (one trace) or \
        FILE.h5:TRACE=NAME (one trace, renamed). Samples, names, units, the trace's description and its other \
        attributes are copied unchanged, values bit for bit; each trace's 'provenance' attribute gains a line \
        naming the source file and trace. Two traces with one name are refused. --out is written atomically \
        (schema: docs/trace-format.md).

        Example:
          spinode merge Datasets/skyrmion-disk-reservoir-drive.h5:train=random-train \\
            Datasets/skyrmion-disk-mackey-glass-drive.h5:train=mackey-glass-train --out reservoir-drives.h5
        """
    )

    @Argument(help: "Sources: FILE.h5, FILE.h5:TRACE or FILE.h5:TRACE=NAME.") var sources: [String]
    @Option(help: "Trace file to write (HDF5); replaced atomically.") var out: String

    /// One source argument: the file, the trace (nil: all) and the name it gets.
    struct Source: Equatable {
        var file: String
        var trace: String?
        var name: String?

        init(_ argument: String) throws {
            // The file part ends at the last ".h5:" / ".hdf5:" so paths may contain colons elsewhere.
            let markers = [".h5:", ".hdf5:"].compactMap { argument.range(of: $0, options: .backwards) }
            guard let marker = markers.max(by: { $0.lowerBound < $1.lowerBound }) else {
                file = argument
                return
            }
            file = String(argument[..<argument.index(before: marker.upperBound)])
            let selector = String(argument[marker.upperBound...])
            let parts = selector.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let first = parts.first, !first.isEmpty, parts.count == 1 || !parts[1].isEmpty else {
                throw MergeError("'\(argument)' must be FILE.h5, FILE.h5:TRACE or FILE.h5:TRACE=NAME")
            }
            trace = first
            name = parts.count == 2 ? parts[1] : nil
        }
    }

    func validate() throws {
        guard !sources.isEmpty else { throw MergeError("give at least one source FILE.h5[:TRACE[=NAME]]") }
        for argument in sources {
            let source = try Source(argument)
            if let name = source.name, name.contains("/") || name == "." || name == ".." {
                throw MergeError("'\(argument)': trace name '\(name)' must not contain '/'")
            }
        }
    }

    func run() throws {
        // Each gathered trace with the attributes it carries and where it came from.
        let files = try sources.map { try Source($0).file }
        let locks = try OutputTarget.claim([OutputTarget(out)], inputs: files)
        defer { locks.forEach { $0.release() } }
        var gathered = [(trace: Trace, extra: ExtraTraceAttributes, origin: String)]()
        for argument in sources {
            let source = try Source(argument)
            let file = try TraceFile(path: source.file)
            let names: [String]
            if let trace = source.trace {
                guard file.traceNames.contains(trace) else {
                    throw SplitError.noSuchTrace(file: source.file, trace: trace, available: file.traceNames)
                }
                names = [trace]
            } else {
                names = file.traceNames
            }
            let group = try HDF5File.open(source.file).root.group("traces")
            for name in names {
                var trace = try file.trace(name)
                trace.name = source.name ?? name
                guard !trace.name.contains("/") else { throw MergeError("trace name '\(trace.name)' contains '/'") }
                if let earlier = gathered.first(where: { $0.trace.name == trace.name }) {
                    throw MergeError("two traces named '\(trace.name)' (\(earlier.origin) and trace '\(name)' of \(source.file)); "
                                          + "rename one with FILE.h5:TRACE=NAME")
                }
                gathered.append((trace, try ExtraTraceAttributes(of: group.group(name)), "trace '\(name)' of \(source.file)"))
            }
        }
        guard !gathered.isEmpty else { throw MergeError("the sources hold no traces") }

        try TraceFile.write(gathered.map(\.trace), to: out) { root in
            let traces = try root.group("traces")
            for g in gathered { try g.extra.write(to: traces.group(g.trace.name), note: "spinode merge: \(g.origin)") }
        }
        for g in gathered {
            print(String(format: "%@: trace '%@': %d samples, t = %.9g ... %.9g s (%@)", out, g.trace.name, g.trace.count,
                         g.trace.time(0), g.trace.time(g.trace.count - 1), g.origin))
        }
    }
}

/// What can go wrong in `spinode merge`, as one line.
struct MergeError: Error, CustomStringConvertible {
    var description: String
    init(_ problem: String) { description = "merge: " + problem }
}
