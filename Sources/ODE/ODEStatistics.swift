/// Work done by one solve (or one backward pass).
public struct ODEStatistics: Sendable, Equatable, CustomStringConvertible {
    /// Steps accepted.
    public var acceptedSteps: Int = 0
    /// Steps rejected by the error controller (or for a non-finite trial state).
    public var rejectedSteps: Int = 0
    /// Calls of the system's `evaluate`.
    public var rhsEvaluations: Int = 0
    /// Calls of the system's `vectorJacobianProduct` (backward passes).
    public var vjpEvaluations: Int = 0

    public init() {}

    public static func + (l: ODEStatistics, r: ODEStatistics) -> ODEStatistics {
        var s = l
        s.acceptedSteps += r.acceptedSteps
        s.rejectedSteps += r.rejectedSteps
        s.rhsEvaluations += r.rhsEvaluations
        s.vjpEvaluations += r.vjpEvaluations
        return s
    }

    public var description: String {
        "\(acceptedSteps) accepted, \(rejectedSteps) rejected, \(rhsEvaluations) f, \(vjpEvaluations) vjp"
    }
}
