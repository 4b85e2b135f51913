/// The continuous adjoint ("optimise then discretise", backsolve): Chen, Rubanova, Bettencourt and
/// Duvenaud, "Neural Ordinary Differential Equations", NeurIPS 2018, Algorithm 1, as torchdiffeq's
/// `odeint_adjoint` and diffrax's `BacksolveAdjoint`.
///
/// From t1 back to t0 it integrates the augmented system z = [y, a, g] of dimension 2n + p,
///
///     dy/dt = f(t, y),   da/dt = -a^T df/dy,   dg/dt = -a^T df/dtheta,
///
/// starting from y(t1) (the forward solution), a(t1) = dL/dy(t1), g(t1) = 0, and adding the
/// observation cotangent dL/dy(t_i) to a at each save time on the way. Then a(t0) = dL/dy0 and
/// g(t0) = dL/dtheta. y is recomputed backwards, so the gradient is accurate to the tolerances of
/// both passes (not exact for the computed forward solution, unlike `DiscreteAdjoint`), but memory is
/// O(n + p) whatever the number of steps.
///
/// The backward solve uses the forward method with its own rtol/atol (adaptive forward solves) or
/// the forward's fixed step. `seminorm` leaves the p parameter-gradient components out of the error
/// norm (Kidger, Chen and Lyons, "Hey, that's not an ODE", ICML 2021): g never feeds back into the
/// dynamics, so its error need not control the step, which saves steps when p is large.
///
/// Backsolving y is unstable when the forward dynamics contract strongly: errors in the reconstructed
/// y grow like exp(|lambda| t) backwards (NODE-64: at rtol 1e-10 the state reconstructed from t = 20
/// back to 0 is off by O(1)). `resetStateAtSaveTimes` replaces y by the forward solution stored at each
/// save time (free: the forward pass saved it for the loss), so errors grow only between consecutive
/// save times. Off by default, which is the plain backsolve of torchdiffeq and diffrax.
public struct ContinuousAdjoint: AdjointMethod {
    public var rtol: Double
    public var atol: Double
    public var seminorm: Bool
    public var resetStateAtSaveTimes: Bool

    public init(rtol: Double = 1e-8, atol: Double = 1e-8, seminorm: Bool = true, resetStateAtSaveTimes: Bool = false) {
        self.rtol = rtol
        self.atol = atol
        self.seminorm = seminorm
        self.resetStateAtSaveTimes = resetStateAtSaveTimes
    }

    public func gradient<S: DifferentiableODESystem, L: ObservationLoss>(
        solver: ODESolver, system: S, y0: [Double], t0: Double, t1: Double, saveAt: [Double],
        jumpTimes: [Double], loss: L, cache: ODESolverCache) throws -> ODEGradient {
        let n = system.dimension, p = system.parameterCount
        let solution = try solver.solve(system, y0: y0, t0: t0, t1: t1, saveAt: saveAt, jumpTimes: jumpTimes, cache: cache)
        let (value, cotangent) = loss.valueAndCotangent(of: solution)

        // Backward solver over the augmented system in reversed time s = -t.
        var backwardSolver = solver
        if case let .adaptive(options) = solver.stepping {
            var adjointOptions = options
            adjointOptions.rtol = rtol
            adjointOptions.atol = atol
            adjointOptions.initialStep = nil
            backwardSolver.stepping = .adaptive(adjointOptions)
        }
        let augmented = AdjointSystem(system)
        let reversedJumps = jumpTimes.map { -$0 }
        var z = [Double](repeating: 0, count: 2 * n + p)
        var zNext = z
        for q in 0..<n { z[q] = solution.finalState[q] }
        var stats = ODEStatistics()
        var tCurrent = t1
        var step: Double? = nil
        func integrate(to tTarget: Double) throws {
            let outcome = try z.withUnsafeBufferPointer { zp in
                try zNext.withUnsafeMutableBufferPointer { np in
                    try backwardSolver.integrate(augmented, y0: zp.baseAddress!, t0: -tCurrent, t1: -tTarget,
                                                 saveAt: [], jumpTimes: reversedJumps, saved: nil, final: np.baseAddress!,
                                                 cache: cache, normCount: seminorm ? 2 * n : nil, initialStep: step)
                }
            }
            swap(&z, &zNext)
            stats = stats + outcome.statistics
            step = outcome.nextStep > 0 ? outcome.nextStep : nil
            tCurrent = tTarget
        }
        for i in stride(from: saveAt.count - 1, through: 0, by: -1) {
            if saveAt[i] < tCurrent {
                try integrate(to: saveAt[i])
                if resetStateAtSaveTimes { for q in 0..<n { z[q] = solution.states[i * n + q] } }
            }
            for q in 0..<n { z[n + q] += cotangent[i * n + q] }
        }
        if tCurrent > t0 { try integrate(to: t0) }
        stats.vjpEvaluations = stats.rhsEvaluations
        return ODEGradient(loss: value, parameterGradient: Array(z[(2 * n)...]), initialStateGradient: Array(z[n..<(2 * n)]),
                           solution: solution, forwardStatistics: solution.statistics, backwardStatistics: stats)
    }
}

/// The augmented adjoint system of `ContinuousAdjoint` in reversed time s = -t, z = [y, a, g]:
/// dy/ds = -f(t, y), da/ds = a^T df/dy, dg/ds = a^T df/dtheta. Each evaluation is one f and one
/// vector-Jacobian product.
///
/// Time is t = prev(-s), one ulp below -s, so that a step starting at a jump time tau (s = -tau)
/// sees a right-continuous input's value before tau, as the backward integration of the interval
/// below tau must (the forward pass's left-limit convention mirrored).
final class AdjointSystem<Base: DifferentiableODESystem>: ODESystem {
    let base: Base
    let n: Int
    let p: Int
    let dimension: Int

    init(_ base: Base) {
        self.base = base
        n = base.dimension
        p = base.parameterCount
        dimension = 2 * n + p
    }

    func evaluate(t s: Double, y z: UnsafePointer<Double>, dydt dz: UnsafeMutablePointer<Double>) {
        let t = (-s).nextDown
        base.evaluate(t: t, y: z, dydt: dz)
        for q in 0..<n { dz[q] = -dz[q] }
        (dz + n).initialize(repeating: 0, count: n + p)
        base.vectorJacobianProduct(t: t, y: z, cotangent: z + n, stateCotangent: dz + n, parameterCotangent: dz + 2 * n)
    }
}
