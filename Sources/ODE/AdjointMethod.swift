/// A way of computing dL/dtheta and dL/dy0 of a loss on a solve, passed in as a value (as diffrax's
/// adjoint objects): `DiscreteAdjoint` (exact gradient of the computed solution) or
/// `ContinuousAdjoint` (backsolve of the adjoint ODE).
public protocol AdjointMethod: Sendable {
    func gradient<S: DifferentiableODESystem, L: ObservationLoss>(
        solver: ODESolver, system: S, y0: [Double], t0: Double, t1: Double, saveAt: [Double],
        jumpTimes: [Double], loss: L, cache: ODESolverCache) throws -> ODEGradient
}

/// A loss, its gradients and the work done.
public struct ODEGradient: Sendable {
    /// L at the forward solution.
    public var loss: Double
    /// dL/dtheta, length `parameterCount`.
    public var parameterGradient: [Double]
    /// dL/dy0, length `dimension`.
    public var initialStateGradient: [Double]
    /// The forward solution the loss was evaluated on.
    public var solution: ODESolution
    /// Forward pass (steps and f evaluations).
    public var forwardStatistics: ODEStatistics
    /// Backward pass (recomputed f evaluations and vector-Jacobian products; steps of the adjoint ODE
    /// for the continuous adjoint).
    public var backwardStatistics: ODEStatistics
}

extension ODESolver {
    /// The loss on the states saved at `saveAt` and its gradients with respect to the system's
    /// parameters and the initial state.
    ///
    /// - Parameter adjoint: `DiscreteAdjoint()` (default) or `ContinuousAdjoint(...)`.
    /// - Throws: `ODEError` from the forward or backward pass.
    public func gradient<S: DifferentiableODESystem, L: ObservationLoss>(
        _ system: S, y0: [Double], t0: Double, t1: Double, saveAt: [Double], jumpTimes: [Double] = [],
        loss: L, adjoint: some AdjointMethod = DiscreteAdjoint(), cache: ODESolverCache? = nil) throws -> ODEGradient {
        try adjoint.gradient(solver: self, system: system, y0: y0, t0: t0, t1: t1, saveAt: saveAt,
                             jumpTimes: jumpTimes, loss: loss, cache: cache ?? ODESolverCache())
    }
}
