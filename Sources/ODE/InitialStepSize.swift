/// Automatic selection of the first step (Hairer, Norsett and Wanner, Solving ODEs I, II.4, p. 169).
///
/// With the scale sc_i = atol + rtol |y0_i| and the RMS norm ||.||:
/// d0 = ||y0||, d1 = ||f0||; h0 = 0.01 d0 / d1 (or 1e-6 of the span when either is below 1e-5);
/// one explicit Euler step to y1 = y0 + h0 f0 and f1 = f(t0 + h0, y1); d2 = ||f1 - f0|| / h0;
/// h1 = (0.01 / max(d1, d2))^(1/(p+1)) (or max(1e-6 span, 1e-3 h0) when max(d1, d2) <= 1e-15);
/// h = min(100 h0, h1, span). Deviation from HNW: the fallbacks 1e-6 are relative to the span
/// t1 - t0 instead of absolute, so the choice does not depend on the unit of time (seconds for LLG).
enum InitialStepSize {
    /// Costs one evaluation of f. `scratchState` and `scratchDerivative` (length n) are overwritten.
    static func hairer<S: ODESystem>(_ system: S, t0: Double, y0: UnsafePointer<Double>, f0: UnsafePointer<Double>,
                                     n: Int, normCount: Int, order: Int, rtol: Double, atol: Double, span: Double,
                                     scratchState: UnsafeMutablePointer<Double>,
                                     scratchDerivative: UnsafeMutablePointer<Double>) -> Double {
        let m = max(normCount, 1)
        var d0 = 0.0, d1 = 0.0
        for q in 0..<normCount {
            let sc = atol + rtol * abs(y0[q])
            d0 += (y0[q] / sc) * (y0[q] / sc)
            d1 += (f0[q] / sc) * (f0[q] / sc)
        }
        d0 = (d0 / Double(m)).squareRoot()
        d1 = (d1 / Double(m)).squareRoot()
        let h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 * span : 0.01 * d0 / d1
        for q in 0..<n { scratchState[q] = y0[q] + h0 * f0[q] }
        system.evaluate(t: t0 + h0, y: scratchState, dydt: scratchDerivative)
        var d2 = 0.0
        for q in 0..<normCount {
            let sc = atol + rtol * abs(y0[q])
            let r = (scratchDerivative[q] - f0[q]) / sc
            d2 += r * r
        }
        d2 = (d2 / Double(m)).squareRoot() / h0
        let dMax = max(d1, d2)
        let h1 = (dMax <= 1e-15 || !dMax.isFinite) ? max(1e-6 * span, 1e-3 * h0)
            : pow(0.01 / dMax, 1 / Double(order + 1))
        return min(100 * h0, h1, span)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
