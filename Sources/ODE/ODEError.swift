/// Why a solve failed. Each case carries the time t where it happened; the description reads as
/// one line.
public enum ODEError: Error, CustomStringConvertible, Equatable {
    /// The state became NaN or infinite at time t.
    case nonFiniteState(t: Double)
    /// The right-hand side returned NaN or infinity at time t.
    case nonFiniteDerivative(t: Double)
    /// The error controller asked for a step smaller than allowed (`step`) at time t.
    case stepSizeUnderflow(t: Double, step: Double)
    /// More than `maxSteps` steps were attempted; the solve stopped at time t.
    case maxStepsExceeded(t: Double, maxSteps: Int)
    /// Inconsistent arguments (sizes, times, tolerances).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .nonFiniteState(t): return "ODE: state became non-finite at t = \(t)"
        case let .nonFiniteDerivative(t): return "ODE: right-hand side returned a non-finite value at t = \(t)"
        case let .stepSizeUnderflow(t, step): return "ODE: step size underflow (h = \(step)) at t = \(t)"
        case let .maxStepsExceeded(t, maxSteps): return "ODE: more than \(maxSteps) steps; stopped at t = \(t)"
        case let .invalidArgument(message): return "ODE: invalid argument: \(message)"
        }
    }
}
