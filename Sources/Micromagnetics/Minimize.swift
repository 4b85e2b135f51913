/// Energy minimisation by steepest descent with Barzilai-Borwein step sizes, as mumax3's `Minimize()`
/// (Exl et al., J. Appl. Phys. 115, 17D118 (2014)).
extension LLGSystem {
    /// Minimises the total energy from m. Each iteration moves every cell along the negative energy
    /// gradient on the sphere, g_i = m_i x (m_i x B_i) (tesla):
    ///
    ///     m_i <- (m_i - tau g_i) / |m_i - tau g_i|,
    ///
    /// with tau (1/T) from the Barzilai-Borwein rules, alternating tau = s.s / s.y and tau = s.y / y.y with
    /// s = m_k - m_{k-1}, y = g_k - g_{k-1} (Exl et al. 2014, eqs. (5)-(6)); the first step rotates by at
    /// most 0.01 rad. Stops when max_i |m_k - m_{k-1}| < `stop` in `samples` consecutive iterations
    /// (mumax3 MinimizerStop = 1e-6, MinimizerSamples = 10) or when max |m x B| < `torqueTolerance`.
    /// Not valid for systems with torques that are not fields (spin-transfer) or a thermal field.
    /// - Throws: `MicromagneticsError.notConverged` after `maxIterations`.
    @discardableResult
    public func minimize(_ m: inout [Double], stop: Double = 1e-6, samples: Int = 10,
                         torqueTolerance: Double = 0, maxIterations: Int = 200_000) throws -> RelaxationResult {
        guard m.count == dimension else { throw MicromagneticsError.stateSize(expected: dimension, got: m.count) }
        let n = cellCount, d = dimension
        var g = [Double](repeating: 0, count: d), gOld = g, mOld = m
        let b = fieldBuffer.p
        func gradient(_ m: [Double], into g: inout [Double]) -> Double {
            m.withUnsafeBufferPointer { computeField(t: 0, m: $0.baseAddress!) }
            var best = 0.0
            for i in 0..<n {
                let mx = m[i], my = m[n + i], mz = m[2 * n + i]
                let bx = b[i], by = b[n + i], bz = b[2 * n + i]
                let mb = mx * bx + my * by + mz * bz
                let gx = mx * mb - bx, gy = my * mb - by, gz = mz * mb - bz
                // Vacuum cells have m = 0 and must keep g = 0.
                let w: Double = (mx * mx + my * my + mz * mz) > 0 ? 1 : 0
                g[i] = w * gx; g[n + i] = w * gy; g[2 * n + i] = w * gz
                best = max(best, w * (gx * gx + gy * gy + gz * gz))
            }
            return best.squareRoot()
        }
        m.withUnsafeMutableBufferPointer { normalize($0.baseAddress!) }
        var torque = gradient(m, into: &g)
        var evaluations = 1
        var tau = torque > 0 ? 1e-2 / torque : 0
        var quiet = 0
        var iteration = 0
        while iteration < maxIterations {
            if torque <= torqueTolerance || torque == 0 { break }
            iteration += 1
            swap(&mOld, &m); swap(&gOld, &g)
            var maxStep = 0.0
            for i in 0..<n {
                var x = mOld[i] - tau * gOld[i], y = mOld[n + i] - tau * gOld[n + i], z = mOld[2 * n + i] - tau * gOld[2 * n + i]
                let r2 = x * x + y * y + z * z
                let s = r2 > 0 ? 1 / r2.squareRoot() : 0
                x *= s; y *= s; z *= s
                let dx = x - mOld[i], dy = y - mOld[n + i], dz = z - mOld[2 * n + i]
                maxStep = max(maxStep, dx * dx + dy * dy + dz * dz)
                m[i] = x; m[n + i] = y; m[2 * n + i] = z
            }
            torque = gradient(m, into: &g)
            evaluations += 1
            quiet = maxStep.squareRoot() < stop ? quiet + 1 : 0
            if quiet >= samples { break }
            var ss = 0.0, sy = 0.0, yy = 0.0
            for j in 0..<d {
                let s = m[j] - mOld[j], y = g[j] - gOld[j]
                ss += s * s; sy += s * y; yy += y * y
            }
            let proposal = iteration % 2 == 1 ? ss / sy : sy / yy
            if proposal.isFinite && proposal > 0 { tau = proposal } else { tau = torque > 0 ? 1e-2 / torque : 0 }
        }
        if iteration >= maxIterations {
            throw MicromagneticsError.notConverged(method: "minimize", iterations: iteration, residual: torque)
        }
        let e = m.withUnsafeBufferPointer { totalEnergy(m: $0.baseAddress!) }
        return RelaxationResult(iterations: iteration, fieldEvaluations: evaluations, maxTorque: torque, energy: e)
    }
}
