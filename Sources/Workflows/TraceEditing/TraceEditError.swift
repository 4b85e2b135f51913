import Foundation

/// What can go wrong in splitting or merging trace files, as one line.
public enum TraceEditError: Error, CustomStringConvertible {
    /// The trace is not in the file (nil: no trace named and the file does not hold exactly one trace).
    case noSuchTrace(file: String, trace: String?, available: [String])
    /// Split: the part names are not two different names without "/".
    case invalidNames(String)
    /// Split: the cut leaves no sample on one side.
    case cutOutside(file: String, trace: String, at: Double, first: Double, last: Double)
    /// Merge: a source or the gathered traces are refused.
    case merge(String)
    /// Split at an event: the trace has no such output, or the event never settles in it.
    case event(file: String, trace: String, detail: String)

    public var description: String {
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
        case let .merge(problem):
            return "merge: " + problem
        case let .event(file, trace, detail):
            return "\(file): /traces/\(trace): " + detail
        }
    }
}
