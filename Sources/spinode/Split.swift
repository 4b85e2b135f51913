import ArgumentParser
import Foundation
import TraceIO

/// `spinode split TRACES.h5 --trace NAME --at SECONDS --names train,test --out OUT.h5`: cuts one trace in two
/// at a time, e.g. a training part and a held-out test part of one long run.
struct Split: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Cut one trace of a trace file in two at a time (e.g. a training part and a held-out test part).",
        discussion: """
        Samples with t < --at go to the first part, samples with t >= --at to the second (a cut that lands within \
        1e-6 sample intervals of a sample time counts as that sample's time, so --at 5e-8 on a 5 ps grid cuts at \
        sample 10,000 exactly). Uniform sampling stays uniform: the second part's t0 is the time of its first \
        sample. Inputs, outputs, parameters, names, units, the trace's description and its other attributes are \
        copied unchanged, values bit for bit, so the two parts concatenated are the original trace. Each part gets \
        an attribute 'provenance' recording the split (appended to any provenance it already had). The file's \
        root attributes are copied. --out is written atomically and holds the two parts only (schema: \
        docs/trace-format.md).

        Example:
          spinode split run.h5 --trace run --at 50e-9 --names train,test --out skyrmion-disk.h5
        """
    )

    @Argument(help: "Trace file (HDF5, docs/trace-format.md).") var traces: String
    @Option(help: "Trace to split (default: the file's only trace).") var trace: String?
    @Option(parsing: .unconditional, help: "Cut time in seconds: the second part starts at the first sample with t >= this.")
    var at: Double
    @Option(help: "Names of the two parts, comma-separated.") var names = "train,test"
    @Option(help: "Trace file to write (HDF5); replaced atomically.") var out: String
    @Flag(help: "Print one JSON summary.") var json = false

    func validate() throws {
        guard at.isFinite else { throw OptionValueError("--at must be a finite time in seconds, got \(at)") }
        let parts = partNames
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && !$0.contains("/") && $0 != "." && $0 != ".." }),
              parts[0] != parts[1] else {
            throw SplitError.invalidNames(names)
        }
    }

    var partNames: [String] { names.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }

    func run() throws {
        let parts = partNames
        let locks = try OutputTarget.claim([OutputTarget(out)], inputs: [traces])
        defer { locks.forEach { $0.release() } }
        let file = try TraceFile(path: traces)
        let name: String
        if let trace {
            guard file.traceNames.contains(trace) else {
                throw SplitError.noSuchTrace(file: traces, trace: trace, available: file.traceNames)
            }
            name = trace
        } else {
            guard file.traceNames.count == 1 else {
                throw SplitError.noSuchTrace(file: traces, trace: nil, available: file.traceNames)
            }
            name = file.traceNames[0]
        }
        let source = try file.trace(name)
        let cut = try Self.cutIndex(of: source, at: at, file: traces)
        let command = "spinode split \(traces) --trace \(name) --at \(at) --names \(names)"
        var pieces = [source.window(start: 0, count: cut), source.window(start: cut, count: source.count - cut)]
        pieces[0].name = parts[0]
        pieces[1].name = parts[1]

        // Attributes beyond the schema's, read through the HDF5 layer (TraceFile keeps only the schema).
        let hdf5 = try HDF5File.open(traces)
        let root = try hdf5.root
        let extra = try ExtraTraceAttributes(of: root.group("traces").group(name))
        var rootAttributes = [(String, HDF5AttributeValue)]()
        for attribute in try root.attributeNames() where !["format", "version"].contains(attribute) {
            rootAttributes.append((attribute, try root.attribute(attribute)))
        }
        let ranges = [0..<cut, cut..<source.count]

        try TraceFile.write(pieces, to: out) { writtenRoot in
            do {
                for (attribute, value) in rootAttributes { try writtenRoot.setAttribute(attribute, value) }
                let writtenTraces = try writtenRoot.group("traces")
                for (i, piece) in pieces.enumerated() {
                    let note = String(format: "%@: samples %d ..< %d of %d of trace '%@' of %@ (t = %.9g ... %.9g s)",
                                      command, ranges[i].lowerBound, ranges[i].upperBound, source.count, name, traces,
                                      source.time(ranges[i].lowerBound), source.time(ranges[i].upperBound - 1))
                    try extra.write(to: writtenTraces.group(piece.name), note: note)
                }
            }
        }

        if json {
            print(JSONValue.object([
                ("traces", .string(traces)), ("trace", .string(name)), ("at_s", .number(at)), ("out", .string(out)),
                ("cut_sample", .integer(cut)),
                ("parts", .array(pieces.indices.map { i in
                    .object([("name", .string(pieces[i].name)), ("samples", .integer(pieces[i].count)),
                             ("t_first_s", .number(pieces[i].time(0))), ("t_last_s", .number(pieces[i].time(pieces[i].count - 1)))])
                })),
            ]).rendered())
        } else {
            for piece in pieces {
                print(String(format: "%@: trace '%@': %d samples, t = %.9g ... %.9g s", out, piece.name, piece.count,
                             piece.time(0), piece.time(piece.count - 1)))
            }
        }
    }

    /// Index of the first sample with t >= `at` (within 1e-6 of the local sample interval), which must leave
    /// at least one sample on each side.
    static func cutIndex(of trace: Trace, at: Double, file: String) throws -> Int {
        let n = trace.count
        let index: Int
        switch trace.sampling {
        case .uniform(let t0, let dt):
            let x = (at - t0) / dt
            let nearest = x.rounded()
            let i = abs(x - nearest) <= 1e-6 ? nearest : x.rounded(.up)
            index = i < 0 ? 0 : (i > Double(n) ? n : Int(i))
        case .times(let t):
            var i = 0
            while i < n {
                let interval = i > 0 ? t[i] - t[i - 1] : (n > 1 ? t[1] - t[0] : 0)
                if t[i] >= at - 1e-6 * interval { break }
                i += 1
            }
            index = i
        }
        guard index >= 1 && index <= n - 1 else {
            throw SplitError.cutOutside(file: file, trace: trace.name, at: at, first: trace.time(0), last: trace.time(n - 1))
        }
        return index
    }
}

/// What can go wrong in `spinode split`, as one line.
enum SplitError: Error, CustomStringConvertible {
    /// The trace is not in the file (nil: no --trace given and the file does not hold exactly one trace).
    case noSuchTrace(file: String, trace: String?, available: [String])
    /// --names is not two different names without "/".
    case invalidNames(String)
    /// The cut leaves no sample on one side.
    case cutOutside(file: String, trace: String, at: Double, first: Double, last: Double)

    var description: String {
        switch self {
        case let .noSuchTrace(file, trace?, available):
            return "\(file): no trace '\(trace)' (it has \(available.isEmpty ? "none" : available.joined(separator: ", ")))"
        case let .noSuchTrace(file, nil, available):
            return "\(file): holds \(available.count) traces (\(available.joined(separator: ", "))); choose one with --trace"
        case let .invalidNames(names):
            return "--names must be two different comma-separated trace names without '/', got '\(names)'"
        case let .cutOutside(file, trace, at, first, last):
            return String(format: "%@: /traces/%@: cut at %.9g s leaves an empty part; the trace spans t = %.9g ... %.9g s "
                          + "(the cut must lie after the first sample and at or before the last)", file, trace, at, first, last)
        }
    }
}
