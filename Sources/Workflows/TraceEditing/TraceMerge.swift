import Foundation
import TraceIO

/// `spinode merge`: traces of several trace files gathered into one, e.g. runs under different drives or
/// parameter values for one fit. Values are copied bit for bit with the traces' extra attributes; each trace's
/// `provenance` gains a line naming its source.
public enum TraceMerge {
    /// One source: the file, the trace (nil: every trace of the file) and the name it gets (nil: its own).
    public struct Source: Equatable, Sendable {
        public var file: String
        public var trace: String?
        public var name: String?

        public init(file: String, trace: String? = nil, name: String? = nil) {
            self.file = file; self.trace = trace; self.name = name
        }

        /// FILE.h5, FILE.h5:TRACE or FILE.h5:TRACE=NAME. The file part ends at the last ".h5:" / ".hdf5:", so
        /// paths may contain colons elsewhere.
        public init(_ argument: String) throws {
            let markers = [".h5:", ".hdf5:"].compactMap { argument.range(of: $0, options: .backwards) }
            guard let marker = markers.max(by: { $0.lowerBound < $1.lowerBound }) else {
                file = argument
                return
            }
            file = String(argument[..<argument.index(before: marker.upperBound)])
            let selector = String(argument[marker.upperBound...])
            let parts = selector.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let first = parts.first, !first.isEmpty, parts.count == 1 || !parts[1].isEmpty else {
                throw TraceEditError.merge("'\(argument)' must be FILE.h5, FILE.h5:TRACE or FILE.h5:TRACE=NAME")
            }
            trace = first
            name = parts.count == 2 ? parts[1] : nil
        }
    }

    /// A gathered trace and where it came from ("trace 'NAME' of FILE").
    public struct Gathered {
        public var trace: Trace
        public var origin: String
    }

    /// Gathers the traces of `sources`, in order, and writes them atomically to `out`.
    public static func merge(_ sources: [Source], out: String) throws -> [Gathered] {
        var gathered = [(trace: Trace, extra: ExtraTraceAttributes, origin: String)]()
        for source in sources {
            let file = try TraceFile(path: source.file)
            let names: [String]
            if let trace = source.trace {
                guard file.traceNames.contains(trace) else {
                    throw TraceEditError.noSuchTrace(file: source.file, trace: trace, available: file.traceNames)
                }
                names = [trace]
            } else {
                names = file.traceNames
            }
            for name in names {
                var trace = try file.trace(name)
                trace.name = source.name ?? name
                guard !trace.name.contains("/") else { throw TraceEditError.merge("trace name '\(trace.name)' contains '/'") }
                if let earlier = gathered.first(where: { $0.trace.name == trace.name }) {
                    throw TraceEditError.merge("two traces named '\(trace.name)' (\(earlier.origin) and trace '\(name)' of \(source.file)); "
                                               + "rename one with FILE.h5:TRACE=NAME")
                }
                gathered.append((trace, try file.extraAttributes(of: name), "trace '\(name)' of \(source.file)"))
            }
        }
        guard !gathered.isEmpty else { throw TraceEditError.merge("the sources hold no traces") }
        var extras = [String: ExtraTraceAttributes](), notes = [String: String]()
        for g in gathered {
            extras[g.trace.name] = g.extra
            notes[g.trace.name] = "spinode merge: \(g.origin)"
        }
        try TraceFile.write(gathered.map(\.trace), to: out, rootAttributes: [], extras: extras, notes: notes)
        return gathered.map { Gathered(trace: $0.trace, origin: $0.origin) }
    }
}
