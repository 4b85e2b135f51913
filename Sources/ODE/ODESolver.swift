/// An explicit Runge-Kutta solver: a method (a `ButcherTableau`) and a way of stepping.
///
///     let solver = ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: 1e-6, atol: 1e-8))
///     let solution = try solver.solve(system, y0: y0, t0: 0, t1: 50, saveAt: times)
///
/// - Save times (`saveAt`, sorted, inside [t0, t1]) are served by the method's dense output; they
///   never force steps onto them.
/// - Jump times (`jumpTimes`, e.g. every sample of a zero-order-hold input) are discontinuities of
///   f in t: steps are clipped to land exactly on them and the FSAL derivative is not carried across
///   (k_1 is re-evaluated with the input after the jump).
/// - Failures throw `ODEError` (non-finite values, step-size underflow, too many steps) with the time.
public struct ODESolver: Sendable {
    /// The Runge-Kutta method.
    public var method: ButcherTableau
    /// Fixed or adaptive stepping.
    public var stepping: Stepping

    public init(method: ButcherTableau, stepping: Stepping) {
        self.method = method
        self.stepping = stepping
    }

    /// Integrates dy/dt = f(t, y) from (t0, y0) to t1.
    ///
    /// - Parameters:
    ///   - saveAt: sorted times in [t0, t1] at which to return the state.
    ///   - jumpTimes: times where f jumps; those outside (t0, t1) are ignored.
    ///   - cache: workspaces to reuse across solves (a fresh one when nil).
    /// - Returns: the saved states `[saveAt.count x n]`, the final state and the statistics.
    /// - Throws: `ODEError`.
    public func solve(_ system: some ODESystem, y0: [Double], t0: Double, t1: Double, saveAt: [Double] = [],
                      jumpTimes: [Double] = [], cache: ODESolverCache? = nil) throws -> ODESolution {
        let n = system.dimension
        guard y0.count == n else { throw ODEError.invalidArgument("y0 has \(y0.count) values, system dimension \(n)") }
        var states = [Double](repeating: 0, count: saveAt.count * n)
        var finalState = [Double](repeating: 0, count: n)
        let stats = try y0.withUnsafeBufferPointer { y0p in
            try states.withUnsafeMutableBufferPointer { sp in
                try finalState.withUnsafeMutableBufferPointer { fp in
                    try integrate(system, y0: y0p.baseAddress!, t0: t0, t1: t1, saveAt: saveAt, jumpTimes: jumpTimes,
                                  saved: sp.baseAddress, final: fp.baseAddress!, cache: cache ?? ODESolverCache()).statistics
                }
            }
        }
        return ODESolution(times: saveAt, dimension: n, states: states, finalState: finalState, statistics: stats)
    }

    /// What `integrate` reports besides the states.
    struct Outcome {
        var statistics = ODEStatistics()
        /// The step the controller proposes after the last step (to continue a later solve).
        var nextStep: Double = 0
    }

    /// The integration loop over raw buffers: the core of `solve`, the discrete adjoint's forward pass
    /// (with a `recorder`) and the continuous adjoint's backward segments (with `normCount` < n for the
    /// seminorm and `initialStep` carried from the previous segment).
    func integrate<S: ODESystem>(_ system: S, y0: UnsafePointer<Double>, t0: Double, t1: Double,
                                 saveAt: [Double], jumpTimes: [Double],
                                 saved: UnsafeMutablePointer<Double>?, final: UnsafeMutablePointer<Double>,
                                 cache: ODESolverCache, normCount: Int? = nil, initialStep: Double? = nil,
                                 recorder: StepRecorder? = nil) throws -> Outcome {
        let n = system.dimension
        let rk = RungeKuttaStep(method)
        let s = rk.s
        try validate(t0: t0, t1: t1, saveAt: saveAt)
        cache.reserve(dimension: n, stages: s)
        var out = Outcome()
        let y = cache.y
        y.update(from: y0, count: n)
        var saveIndex = 0
        while saveIndex < saveAt.count && saveAt[saveIndex] == t0 {
            saved!.advanced(by: saveIndex * n).update(from: y0, count: n)
            saveIndex += 1
        }
        if t1 == t0 {
            final.update(from: y0, count: n)
            return out
        }
        // Stops: jump times strictly inside (t0, t1), then t1.
        var stops = Array(Set(jumpTimes.filter { $0 > t0 && $0 < t1 })).sorted()
        stops.append(t1)
        var stopIndex = 0

        // Stepping parameters.
        var fixedStep = 0.0, adaptive: AdaptiveStepping? = nil
        switch stepping {
        case let .fixed(step):
            guard step > 0, step.isFinite else { throw ODEError.invalidArgument("fixed step \(step) must be positive") }
            fixedStep = step
        case let .adaptive(options):
            guard method.isAdaptive else {
                throw ODEError.invalidArgument("\(method.name) has no embedded error estimate; use fixed stepping")
            }
            guard options.rtol >= 0, options.atol >= 0, options.rtol + options.atol > 0 else {
                throw ODEError.invalidArgument("tolerances rtol \(options.rtol), atol \(options.atol)")
            }
            adaptive = options
        }
        let normN = min(normCount ?? n, n)
        let needsEnd = method.denseOutput.needsEndDerivative
        let k1 = cache.k, kLast = cache.k + (s - 1) * n

        var t = t0
        var k1Valid = false
        var evaluations = 0
        func evaluateK1() throws {
            recorder?.willEvaluate(stage: 0)
            system.evaluate(t: t, y: cache.y, dydt: k1)
            evaluations += 1
            var check = 0.0
            for q in 0..<n { check += k1[q] }
            if !check.isFinite { throw ODEError.nonFiniteDerivative(t: t) }
            k1Valid = true
        }

        // Adaptive state.
        var h = 0.0
        var errPrevious = 1.0
        var rejectedLast = false
        var nonFiniteLast = false
        let controllerK = Double((method.embeddedOrder ?? method.order) + 1)
        if let options = adaptive {
            try evaluateK1()
            if let h0 = initialStep ?? options.initialStep {
                h = h0
            } else {
                recorder?.willEvaluate(stage: -1)
                h = InitialStepSize.hairer(system, t0: t, y0: cache.y, f0: k1, n: n, normCount: normN,
                                           order: method.order, rtol: options.rtol, atol: options.atol,
                                           span: t1 - t0, scratchState: cache.yNew, scratchDerivative: cache.fEnd)
                evaluations += 1
            }
            h = min(h, options.maxStep)
        }
        // Fixed-step grid: t = segmentStart + index * step inside each segment between stops.
        var segmentStart = t0, segmentIndex = 0

        var attempts = 0
        while t < t1 {
            let stop = stops[stopIndex]
            if !k1Valid { try evaluateK1() }
            var tNew: Double
            var clippedFrom: Double? = nil
            if let options = adaptive {
                attempts += 1
                if attempts > options.maxSteps {
                    out.statistics.rhsEvaluations = evaluations
                    throw ODEError.maxStepsExceeded(t: t, maxSteps: options.maxSteps)
                }
                let hMin = max(options.minStep, 16 * t.magnitude.ulp, 16 * stop.magnitude.ulp)
                if h < hMin || !h.isFinite {
                    if nonFiniteLast { throw ODEError.nonFiniteState(t: t) }
                    throw ODEError.stepSizeUnderflow(t: t, step: h)
                }
                if t + h * (1 + 1e-10) >= stop {
                    tNew = stop
                    if t + h > stop { clippedFrom = h }
                } else {
                    tNew = t + h
                }
            } else {
                tNew = segmentStart + Double(segmentIndex + 1) * fixedStep
                if tNew >= stop - 1e-9 * fixedStep { tNew = stop }
                // A step below the resolution of t would never advance.
                if !(tNew > t) { throw ODEError.stepSizeUnderflow(t: t, step: fixedStep) }
            }
            let hStep = tNew - t
            // Left limit at a jump: stages with c = 1 see the input before the jump.
            let tEnd = (tNew == stop && stopIndex < stops.count - 1) ? tNew.nextDown : tNew
            evaluations += rk.stages(system, t: t, h: hStep, tEnd: tEnd, n: n, cache: cache, recorder: recorder)

            var accept = true
            var factor = 1.0
            if let options = adaptive {
                let err = rk.errorNorm(h: hStep, n: n, normCount: normN, rtol: options.rtol, atol: options.atol, cache: cache)
                if !err.isFinite {
                    accept = false
                    nonFiniteLast = true
                    factor = options.minFactor
                } else if err <= 1 {
                    nonFiniteLast = false
                    let e = max(err, 1e-10)
                    factor = options.safety * pow(e, -options.controller.beta1 / controllerK)
                        * pow(errPrevious, options.controller.beta2 / controllerK)
                    factor = min(max(factor, options.minFactor), rejectedLast ? 1 : options.maxFactor)
                    errPrevious = e
                } else {
                    accept = false
                    nonFiniteLast = false
                    factor = max(options.minFactor, options.safety * pow(err, -1 / controllerK))
                }
            } else {
                if !RungeKuttaStep.allFinite(cache.yNew, count: n) { throw ODEError.nonFiniteState(t: t) }
            }

            if !accept {
                out.statistics.rejectedSteps += 1
                rejectedLast = true
                h = hStep * factor
                continue
            }
            rejectedLast = false
            out.statistics.acceptedSteps += 1

            // Dense output for the save times in (t, tNew].
            let saveStart = saveIndex
            var endValid = false
            while saveIndex < saveAt.count && saveAt[saveIndex] <= tNew {
                let dst = saved!.advanced(by: saveIndex * n)
                if saveAt[saveIndex] == tNew {
                    dst.update(from: cache.yNew, count: n)
                } else {
                    if needsEnd && !endValid {
                        recorder?.willEvaluate(stage: s)
                        system.evaluate(t: tEnd, y: cache.yNew, dydt: cache.fEnd)
                        evaluations += 1
                        endValid = true
                    }
                    rk.interpolate(theta: (saveAt[saveIndex] - t) / hStep, h: hStep, n: n, cache: cache, into: dst)
                }
                saveIndex += 1
            }
            recorder?.accepted(t: t, tNew: tNew, tEnd: tEnd, h: hStep, saves: saveStart..<saveIndex, step: rk,
                               cache: cache, n: n)

            // Advance.
            cache.swapStates()
            t = tNew
            var jumped = false
            if t == stop {
                stopIndex += 1
                jumped = stopIndex < stops.count
                segmentStart = t
                segmentIndex = 0
            } else {
                segmentIndex += 1
            }
            if jumped {
                k1Valid = false
            } else if method.isFSAL {
                k1.update(from: kLast, count: n)
                k1Valid = true
            } else if endValid {
                k1.update(from: cache.fEnd, count: n)
                k1Valid = true
            } else {
                k1Valid = false
            }
            if let options = adaptive {
                h = hStep * factor
                if let unclipped = clippedFrom { h = max(h, unclipped) }
                h = min(h, options.maxStep)
            }
        }
        final.update(from: cache.y, count: n)
        out.statistics.rhsEvaluations = evaluations
        out.nextStep = h
        return out
    }

    func validate(t0: Double, t1: Double, saveAt: [Double]) throws {
        guard t0.isFinite, t1.isFinite, t1 >= t0 else {
            throw ODEError.invalidArgument("time span [\(t0), \(t1)] must be finite with t1 >= t0")
        }
        for (i, ts) in saveAt.enumerated() {
            guard ts >= t0 && ts <= t1 else { throw ODEError.invalidArgument("save time \(ts) outside [\(t0), \(t1)]") }
            if i > 0 && ts < saveAt[i - 1] {
                throw ODEError.invalidArgument("save times not sorted: \(saveAt[i - 1]) before \(ts)")
            }
        }
    }
}

/// Receives each accepted step of a forward solve (the discrete adjoint's tape).
protocol StepRecorder: AnyObject {
    /// Called before each evaluation of f in the current step attempt: stage i in 0..<s, s for the
    /// end derivative of a Hermite interpolant, -1 for an evaluation that is no stage (initial step).
    func willEvaluate(stage: Int)

    /// Called after step [t, tNew] of size h was accepted, before the state advances: `cache.y` holds
    /// y_n, the stage buffers hold Y_i and k_i, `cache.yNew` holds y_{n+1}. `tEnd` is the time the
    /// stages with c = 1 saw (tNew, or just below it at a jump). `saves` are the indices of the save
    /// times this step served.
    func accepted(t: Double, tNew: Double, tEnd: Double, h: Double, saves: Range<Int>, step: RungeKuttaStep,
                  cache: ODESolverCache, n: Int)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
