/// One explicit Runge-Kutta step over flat buffers: the tableau in the sparse form the hot loop
/// wants (nonzero a_ij per stage, nonzero b_i, e_i), and the stage, error and interpolation kernels.
///
/// The kernels read and write the buffers of an `ODESolverCache` and allocate nothing.
struct RungeKuttaStep {
    let tableau: ButcherTableau
    let s: Int
    let c: [Double]
    /// Nonzero (j, a_ij) of each stage row i.
    let aRows: [[(Int, Double)]]
    /// Nonzero (i, b_i).
    let bTerms: [(Int, Double)]
    /// Nonzero (i, e_i), empty without an embedded estimate.
    let eTerms: [(Int, Double)]

    init(_ tableau: ButcherTableau) {
        self.tableau = tableau
        s = tableau.stageCount
        c = tableau.c
        aRows = tableau.a.map { row in row.enumerated().filter { $0.element != 0 }.map { ($0.offset, $0.element) } }
        bTerms = tableau.b.enumerated().filter { $0.element != 0 }.map { ($0.offset, $0.element) }
        eTerms = (tableau.errorWeights ?? []).enumerated().filter { $0.element != 0 }.map { ($0.offset, $0.element) }
    }

    /// out = base + h sum_terms w_j k_j over the first `count` components (base nil: 0); stage j's
    /// derivative is at `k + j * n`.
    @inline(__always)
    static func combine(_ out: UnsafeMutablePointer<Double>, base: UnsafePointer<Double>?, h: Double,
                        terms: [(Int, Double)], k: UnsafePointer<Double>, n: Int, count: Int? = nil) {
        let m = count ?? n
        guard let base else {
            out.initialize(repeating: 0, count: m)
            accumulate(out, h: h, terms: terms, k: k, n: n, count: m)
            return
        }
        if terms.isEmpty {
            out.update(from: base, count: m)
            return
        }
        if terms.count == 1 {
            let (j0, w0) = terms[0]; let k0 = k + j0 * n; let hw0 = h * w0
            for q in 0..<m { out[q] = base[q] + hw0 * k0[q] }
            return
        }
        out.update(from: base, count: m)
        accumulate(out, h: h, terms: terms, k: k, n: n, count: m)
    }

    /// `combine` over all n components, split as `system.forEachStateRange` says (on the system's threads).
    static func combine<S: ODESystem>(_ out: UnsafeMutablePointer<Double>, base: UnsafePointer<Double>, h: Double,
                                      terms: [(Int, Double)], k: UnsafePointer<Double>, n: Int, on system: S) {
        system.forEachStateRange { r in
            let o = r.lowerBound
            combine(out + o, base: base + o, h: h, terms: terms, k: k + o, n: n, count: r.count)
        }
    }

    /// Whether the sum of the `count` values is finite (false for any NaN or infinity; values of the
    /// size of a state cannot overflow it), summed in four lanes so that the loop vectorises.
    static func allFinite(_ p: UnsafePointer<Double>, count: Int) -> Bool {
        var lanes = SIMD4<Double>(repeating: 0)
        var q = 0
        while q + 4 <= count {
            lanes += UnsafeRawPointer(p + q).loadUnaligned(as: SIMD4<Double>.self)
            q += 4
        }
        var sum = lanes.sum()
        while q < count { sum += p[q]; q += 1 }
        return sum.isFinite
    }

    /// out += h sum_terms w_j k_j over the first `count` components, two terms per pass.
    @inline(__always)
    static func accumulate(_ out: UnsafeMutablePointer<Double>, h: Double, terms: [(Int, Double)],
                           k: UnsafePointer<Double>, n: Int, count m: Int) {
        terms.withUnsafeBufferPointer { tp in
            let nt = tp.count
            var t = 0
            while t + 1 < nt {
                let (j0, w0) = tp[t], (j1, w1) = tp[t + 1]
                let k0 = k + j0 * n, k1 = k + j1 * n
                let hw0 = h * w0, hw1 = h * w1
                for q in 0..<m { out[q] += hw0 * k0[q] + hw1 * k1[q] }
                t += 2
            }
            if t < nt {
                let (j0, w0) = tp[t]; let k0 = k + j0 * n; let hw0 = h * w0
                for q in 0..<m { out[q] += hw0 * k0[q] }
            }
        }
    }

    /// The state at which stage i is evaluated (Y_1 = y_n; the FSAL last stage is y_{n+1}).
    @inline(__always)
    func stageState(_ i: Int, cache: ODESolverCache, n: Int) -> UnsafeMutablePointer<Double> {
        if i == 0 { return cache.y }
        if tableau.isFSAL && i == s - 1 { return cache.yNew }
        return cache.stage + i * n
    }

    /// Time of stage i in the step [t, tNew]. Stages with c_i = 1 are evaluated at `tEnd`: tNew, or
    /// the float just below tNew when the step ends on a jump time, so a right-continuous input
    /// (zero-order hold) is seen with its value before the jump throughout the step (as diffrax does
    /// with prevbefore/nextafter).
    @inline(__always)
    func stageTime(_ i: Int, t: Double, h: Double, tEnd: Double) -> Double {
        c[i] == 1 ? tEnd : t + c[i] * h
    }

    /// Given k_1 = f(t, y) in `cache.k`, computes the stages 2..s and y_{n+1} into `cache.yNew`.
    /// For an FSAL method the last stage f(tEnd, y_{n+1}) is evaluated only if `evaluateLast`.
    /// Returns the number of right-hand-side evaluations.
    @inline(__always)
    func stages<S: ODESystem>(_ system: S, t: Double, h: Double, tEnd: Double, n: Int,
                              cache: ODESolverCache, evaluateLast: Bool = true, recorder: StepRecorder? = nil) -> Int {
        let k = cache.k, y = cache.y
        var evaluations = 0
        for i in 1..<s {
            if tableau.isFSAL && i == s - 1 { break }
            let yi = cache.stage + i * n
            RungeKuttaStep.combine(yi, base: y, h: h, terms: aRows[i], k: k, n: n, on: system)
            recorder?.willEvaluate(stage: i)
            system.evaluate(t: stageTime(i, t: t, h: h, tEnd: tEnd), y: yi, dydt: k + i * n)
            evaluations += 1
        }
        RungeKuttaStep.combine(cache.yNew, base: y, h: h, terms: bTerms, k: k, n: n, on: system)
        if tableau.isFSAL && evaluateLast {
            recorder?.willEvaluate(stage: s - 1)
            system.evaluate(t: tEnd, y: cache.yNew, dydt: k + (s - 1) * n)
            evaluations += 1
        }
        return evaluations
    }

    /// RMS error norm of the embedded estimate h sum e_i k_i over the first `normCount` components,
    /// scale atol + rtol max(|y_n|, |y_{n+1}|). NaN when the trial state or estimate is not finite.
    func errorNorm(h: Double, n: Int, normCount: Int, rtol: Double, atol: Double, cache: ODESolverCache) -> Double {
        let est = cache.scratch, y = cache.y, yNew = cache.yNew
        RungeKuttaStep.combine(est, base: nil, h: h, terms: eTerms, k: cache.k, n: n, count: normCount)
        var sum = 0.0, check = 0.0
        for q in 0..<normCount {
            let e = est[q]
            let scale = atol + rtol * Swift.max(abs(y[q]), abs(yNew[q]))
            let r = e / scale
            sum += r * r
        }
        for q in 0..<n { check += yNew[q] }
        if !check.isFinite || !sum.isFinite { return .nan }
        return normCount > 0 ? (sum / Double(normCount)).squareRoot() : 0
    }

    /// Writes the dense-output value at theta into `out`, using y_n, the stages and (when the
    /// interpolant needs it) f(tNew, y_{n+1}) in `cache.fEnd`.
    func interpolate(theta: Double, h: Double, n: Int, cache: ODESolverCache, into out: UnsafeMutablePointer<Double>) {
        let w = cache.weights
        tableau.denseOutput.weights(theta: theta, into: w)
        out.update(from: cache.y, count: n)
        for i in 0..<s where w[i] != 0 {
            let hw = h * w[i], ki = cache.k + i * n
            for q in 0..<n { out[q] += hw * ki[q] }
        }
        if tableau.denseOutput.needsEndDerivative && w[s] != 0 {
            let hw = h * w[s], f = cache.fEnd
            for q in 0..<n { out[q] += hw * f[q] }
        }
    }
}
