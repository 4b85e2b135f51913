/// Why a device refused a drive or a parameter set. Every case carries enough context to read as one
/// line in a log ("macrospin STNO: input of copy 3 at sample 17 is nan").
public enum DeviceError: Error, CustomStringConvertible, Equatable {
    /// A drive value that is not finite (nan or infinity).
    case nonFiniteInput(device: String, copy: Int, sample: Int, value: Double)
    /// A physical parameter outside its meaningful range.
    case invalidParameter(device: String, name: String, value: Double, requirement: String)

    public var description: String {
        switch self {
        case let .nonFiniteInput(device, copy, sample, value):
            return "\(device): input of copy \(copy) at sample \(sample) is \(value); inputs must be finite"
        case let .invalidParameter(device, name, value, requirement):
            return "\(device): parameter \(name) = \(value) is invalid (\(requirement))"
        }
    }
}

/// Checks that every drive value is finite, naming the first offending copy and sample.
func validateInputs(_ inputs: [[Double]], device: String) throws {
    for (b, row) in inputs.enumerated() {
        for (n, u) in row.enumerated() where !u.isFinite {
            throw DeviceError.nonFiniteInput(device: device, copy: b, sample: n, value: u)
        }
    }
}

/// Throws `invalidParameter` unless `condition` holds.
func require(_ condition: Bool, device: String, _ name: String, _ value: Double, _ requirement: String) throws {
    if !condition {
        throw DeviceError.invalidParameter(device: device, name: name, value: value, requirement: requirement)
    }
}
