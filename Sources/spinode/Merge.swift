import ArgumentParser
import Foundation
import TraceIO
import Workflows

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

    func validate() throws {
        guard !sources.isEmpty else { throw TraceEditError.merge("give at least one source FILE.h5[:TRACE[=NAME]]") }
        for argument in sources {
            let source = try TraceMerge.Source(argument)
            if let name = source.name, name.contains("/") || name == "." || name == ".." {
                throw TraceEditError.merge("'\(argument)': trace name '\(name)' must not contain '/'")
            }
        }
    }

    func run() throws {
        let parsed = try sources.map { try TraceMerge.Source($0) }
        let locks = try OutputTarget.claim([OutputTarget(out)], inputs: parsed.map(\.file))
        defer { locks.forEach { $0.release() } }
        for g in try TraceMerge.merge(parsed, out: out) {
            print(String(format: "%@: trace '%@': %d samples, t = %.9g ... %.9g s (%@)", out, g.trace.name, g.trace.count,
                         g.trace.time(0), g.trace.time(g.trace.count - 1), g.origin))
        }
    }
}
