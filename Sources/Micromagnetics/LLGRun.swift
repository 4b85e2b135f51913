import ODE

/// Time integration of the LLG equation through the ODE engine (`ODESolver`).
extension LLGSystem {
    /// The default time integrator: Dormand-Prince 5(4) (Dormand and Prince, J. Comput. Appl. Math. 6, 19
    /// (1980)), adaptive, rtol = atol = 1e-6 on the components of m (RMS error norm of the engine).
    public static let defaultSolver = ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: 1e-6, atol: 1e-6))

    /// Heun's method (explicit trapezoidal rule, order 2): the stochastic-LLG integrator of thermal runs
    /// (Stratonovich-consistent, as mumax3 for finite temperature). Fixed steps only.
    public static let heun = try! ButcherTableau(
        name: "Heun", citation: "Heun, Z. Math. Phys. 45, 23 (1900); mumax3 thermal solver",
        a: [[0, 0], [1, 0]], b: [0.5, 0.5], c: [0, 1], order: 2)

    /// Integrates m from t0 to t1 (seconds) with `solver`, renormalising |m| = 1 every `renormalizeEvery`
    /// seconds of simulated time (the engine has no per-step hook, so the solve is split into segments of
    /// that length and m is renormalised between them; the LLG conserves |m|, so within a segment |m|
    /// drifts only by the integration error). `observe(t, m)` is called at each of `sampleTimes` (sorted,
    /// in [t0, t1]; states between steps come from the method's dense output) with the state there.
    /// `jumpTimes` are discontinuities of the drive (steps land on them).
    ///
    /// With a `ThermalField` among the terms the solver must use fixed steps: every step is then its own
    /// segment, the thermal noise is drawn afresh before it and held through its stages (Heun), and m is
    /// renormalised after it, as mumax3 does for finite temperature.
    /// - Returns: the engine's statistics summed over the segments.
    /// Every segment's end state and saved states are checked against `normTolerance` before m is
    /// renormalised, so a diverging integration stops with the time and the cell instead of being
    /// recorded.
    /// - Throws: `MicromagneticsError.integrationFailed` with the engine's reason and time;
    ///   `MicromagneticsError.normDrift` when |m| leaves 1 by more than `normTolerance`.
    @discardableResult
    public func run(_ m: inout [Double], from t0: Double, to t1: Double, solver: ODESolver = LLGSystem.defaultSolver,
                    renormalizeEvery: Double = 10e-12, sampleTimes: [Double] = [], jumpTimes: [Double] = [],
                    observe: ((Double, UnsafePointer<Double>) -> Void)? = nil) throws -> ODEStatistics {
        guard m.count == dimension else { throw MicromagneticsError.stateSize(expected: dimension, got: m.count) }
        let thermal = terms.compactMap { $0 as? ThermalField }
        var segment = renormalizeEvery
        if !thermal.isEmpty {
            guard case let .fixed(step) = solver.stepping else {
                throw MicromagneticsError.integrationFailed(time: t0, reason: "thermal runs need fixed steps (Heun)")
            }
            segment = step
        }
        guard segment > 0, segment.isFinite else {
            throw MicromagneticsError.integrationFailed(time: t0, reason: "segment length \(segment) s")
        }
        var stats = ODEStatistics()
        var current = solver
        var sampleIndex = 0
        while sampleIndex < sampleTimes.count && sampleTimes[sampleIndex] <= t0 {
            if sampleTimes[sampleIndex] == t0 { m.withUnsafeBufferPointer { observe?(t0, $0.baseAddress!) } }
            sampleIndex += 1
        }
        var t = t0
        var k = 0
        while t < t1 {
            k += 1
            var tEnd = min(t0 + Double(k) * segment, t1)
            if t1 - tEnd < 1e-9 * segment { tEnd = t1 }
            var saves: [Double] = []
            while sampleIndex < sampleTimes.count && sampleTimes[sampleIndex] <= tEnd {
                saves.append(sampleTimes[sampleIndex]); sampleIndex += 1
            }
            if !thermal.isEmpty {
                for th in thermal { th.refresh(step: tEnd - t) }
                // Exactly one step per segment, whatever the rounding of t.
                current.stepping = .fixed(step: tEnd - t)
            }
            let solution: ODESolution
            do {
                solution = try current.solve(self, y0: m, t0: t, t1: tEnd, saveAt: saves, jumpTimes: jumpTimes,
                                             cache: solverCache)
            } catch let e as ODEError {
                switch e {
                case let .nonFiniteState(tf), let .nonFiniteDerivative(tf):
                    throw MicromagneticsError.integrationFailed(
                        time: tf, reason: "m became non-finite: the integration diverged; use a smaller step or tighter tolerances")
                default:
                    throw MicromagneticsError.integrationFailed(time: t, reason: e.description)
                }
            }
            stats = stats + solution.statistics
            m = solution.finalState
            // A diverging run is stopped here, before renormalisation hides it: the saved states first
            // (they are what gets recorded), then the segment's end state.
            try solution.states.withUnsafeBufferPointer { s in
                for (j, ts) in saves.enumerated() { try checkNorm(s.baseAddress! + j * dimension, time: ts) }
            }
            try m.withUnsafeBufferPointer { try checkNorm($0.baseAddress!, time: tEnd) }
            m.withUnsafeMutableBufferPointer { normalize($0.baseAddress!) }
            if let observe {
                solution.states.withUnsafeBufferPointer { s in
                    for (j, ts) in saves.enumerated() { observe(ts, s.baseAddress! + j * dimension) }
                }
            }
            // Carry the step size into the next segment (the engine would otherwise re-select it).
            if case var .adaptive(options) = current.stepping, solution.statistics.acceptedSteps > 0 {
                options.initialStep = (tEnd - t) / Double(solution.statistics.acceptedSteps)
                current.stepping = .adaptive(options)
            }
            t = tEnd
        }
        return stats
    }
}
