/// Errors of reservoir computing runs: shapes that do not fit, devices that answer wrongly, tasks
/// configured impossibly. Each reads as one line with its context.
public enum ReservoirError: Error, CustomStringConvertible, Sendable, Equatable {
    /// An input sequence has `got` channels where the feature source expects `expected`.
    case inputChannelMismatch(source: String, expected: Int, got: Int, sequence: Int)
    /// The device returned `got` outputs where `expected` were due: values of sequence `sequence`, or, with
    /// `sequence` = -1, whole sequences.
    case deviceOutputMismatch(device: String, expected: Int, got: Int, sequence: Int)
    /// A device output or generated series value is not finite.
    case nonFiniteValue(what: String, index: Int, value: Double)
    /// Training or test data too short for the task's split.
    case insufficientData(task: String, needed: Int, available: Int)
    /// Features and targets disagree in their number of rows.
    case rowMismatch(what: String, features: Int, targets: Int)
    /// An invalid parameter value, with the parameter's name and the accepted range.
    case invalidParameter(name: String, value: String, expected: String)
    /// A configuration whose estimated memory exceeds what the machine has available (`ReservoirFootprint`).
    case exceedsMemory(String)

    public var description: String {
        switch self {
        case let .inputChannelMismatch(source, expected, got, sequence):
            return "\(source): input sequence \(sequence) has \(got) channels, expected \(expected)"
        case let .deviceOutputMismatch(device, expected, got, sequence):
            if sequence < 0 { return "device '\(device)': returned \(got) sequences, expected \(expected)" }
            return "device '\(device)': returned \(got) values for sequence \(sequence), expected \(expected)"
        case let .nonFiniteValue(what, index, value):
            return "\(what): non-finite value \(value) at index \(index)"
        case let .insufficientData(task, needed, available):
            return "\(task): needs \(needed) samples, only \(available) available"
        case let .rowMismatch(what, features, targets):
            return "\(what): \(features) feature rows but \(targets) target rows"
        case let .invalidParameter(name, value, expected):
            return "invalid \(name) = \(value): expected \(expected)"
        case let .exceedsMemory(detail):
            return "too large for this machine: \(detail)"
        }
    }
}
