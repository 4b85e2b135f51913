/// Errors of the Surrogate module. Each carries its context (file, trace, channel, sample, value) and
/// reads as one line, so the CLI can print it unchanged.
public enum SurrogateError: Error, CustomStringConvertible, Equatable {
    /// A trace cannot serve the request (no outputs, too short for the embedding, mismatched channels).
    case invalidTrace(String)
    /// A model is internally inconsistent or does not match the data it is asked to run on.
    case invalidModel(String)
    /// An option is out of range or two options contradict each other.
    case invalidOption(String)
    /// Training or prediction produced a non-finite number.
    case nonFinite(String)
    /// A checkpoint cannot be resumed (missing, or written by a run with other settings).
    case checkpoint(String)
    /// A request beyond what this machine can hold or compute (estimated memory or work, with the limit).
    case exceedsResources(String)

    public var description: String {
        switch self {
        case .invalidTrace(let s): return "invalid trace: \(s)"
        case .invalidModel(let s): return "invalid surrogate model: \(s)"
        case .invalidOption(let s): return "invalid option: \(s)"
        case .nonFinite(let s): return "non-finite value: \(s)"
        case .checkpoint(let s): return "checkpoint: \(s)"
        case .exceedsResources(let s): return "too large for this machine: \(s)"
        }
    }
}
