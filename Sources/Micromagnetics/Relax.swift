import ODE

/// Result of `relax` or `minimize`.
public struct RelaxationResult: Sendable {
    /// Iterations (minimize) or accepted time steps (relax).
    public var iterations: Int
    /// Right-hand-side (field) evaluations.
    public var fieldEvaluations: Int
    /// max_i |m_i x B_i| at the end, tesla.
    public var maxTorque: Double
    /// Total energy at the end, joules.
    public var energy: Double
}

extension LLGSystem {
    /// Relaxes m towards the nearest energy minimum by the damping term alone (mumax3 `Relax()`:
    /// precession off, time not physical), dm/dt = -gamma alpha_r/(1 + alpha_r^2) m x (m x B) with
    /// alpha_r = 1 (the fastest damping rate), integrated by Bogacki-Shampine 3(2) adaptive (the RK23
    /// mumax3 relaxes with) until max_i |m_i x B_i| < `torqueTolerance` (tesla). Precession and damping
    /// are restored afterwards.
    /// - Throws: `MicromagneticsError.notConverged` if the torque is still above tolerance after
    ///   `maxTime` seconds of relaxation time.
    @discardableResult
    public func relax(_ m: inout [Double], torqueTolerance: Double = 1e-4, maxTime: Double = 50e-9,
                      rtol: Double = 1e-5, atol: Double = 1e-5) throws -> RelaxationResult {
        let savedPrecession = precession, savedDamping = dampingOverride, savedTolerance = normTolerance
        precession = false
        dampingOverride = 1
        // Relaxation time is only a progress variable and its segments grow to 1 ns, over which a
        // harmless |m| drift accumulates: only a real divergence (|m| far from 1) stops it.
        normTolerance = max(normTolerance, 0.5)
        defer { precession = savedPrecession; dampingOverride = savedDamping; normTolerance = savedTolerance }
        let solver = ODESolver(method: .bogackiShampine32, stepping: .adaptive(rtol: rtol, atol: atol))
        var t = 0.0, segment = 20e-12
        var stats = ODEStatistics()
        var torque = Double.infinity
        while true {
            m.withUnsafeBufferPointer { computeField(t: 0, m: $0.baseAddress!) }
            torque = m.withUnsafeBufferPointer { maxTorque(m: $0.baseAddress!) }
            if torque < torqueTolerance { break }
            if t >= maxTime {
                throw MicromagneticsError.notConverged(method: "relax", iterations: stats.acceptedSteps, residual: torque)
            }
            // Time-independent problem: time is only a progress variable.
            stats = stats + (try run(&m, from: 0, to: segment, solver: solver, renormalizeEvery: segment))
            t += segment
            segment = min(segment * 1.5, 1e-9)
        }
        let e = m.withUnsafeBufferPointer { totalEnergy(m: $0.baseAddress!) }
        return RelaxationResult(iterations: stats.acceptedSteps, fieldEvaluations: stats.rhsEvaluations,
                                maxTorque: torque, energy: e)
    }
}
