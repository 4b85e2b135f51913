/// tanh on 16 Floats as one rational function, for the Float32 network of the free run
/// (`Float32Network`):
///
///     tanh x ~ x P(x^2) / Q(x^2),   x clamped to [-9.5, 9.5],   P of degree 6, Q of degree 3 (p_0 = q_0 = 1),
///
/// the result clamped to [-1, 1]. Odd by construction, so no sign handling; no range reduction, no
/// exponent bits, one division: 16 vector operations against about 25 for `LaneTanh` (expm1 by
/// range reduction). At |x| = 9.5, 1 - tanh x = 1.1e-8 is below half a Float32 ulp of 1, and the
/// clamped result there is exactly 1.
///
/// The coefficients are a near-minimax fit of tanh(x)/x on [0, 9.5] in relative error (Loeb's
/// linearised least squares with Lawson reweighting, 9,000 nodes, tanh from mpmath at 40 digits), then
/// rounded to Float32: `scripts/fit-rational-tanh.py` derives and prints them. Evaluated in Float32 with
/// fused multiply-adds the relative error is a few Float32 ulps (test: `RationalTanhTests`).
public enum RationalTanh {
    /// p[0 ..< count] = tanh(p[0 ..< count]) (one call per layer: the kernel's loop did not inline a
    /// per-vector call, and SIMD16 arguments then travel through memory).
    public static func apply(_ p: UnsafeMutablePointer<SIMD16<Float>>, count: Int) {
        for v in 0..<count { p[v] = tanh(p[v]) }
    }

    /// The coefficients are literals here (p_6 ... p_1 of P, p_0 = 1; q_3 ... q_0 of Q): stored static
    /// constants were read through a lazy-initialisation check on every call.
    @inline(__always)
    public static func tanh(_ x: SIMD16<Float>) -> SIMD16<Float> {
        var c = x.replacing(with: 9.5, where: x .> 9.5)
        c = c.replacing(with: -9.5, where: c .< -9.5)
        let t = c * c
        var pp = SIMD16<Float>(repeating: -7.264203345e-14)
        pp = SIMD16(repeating: 4.792639896e-11).addingProduct(pp, t)
        pp = SIMD16(repeating: -1.920399129e-08).addingProduct(pp, t)
        pp = SIMD16(repeating: 1.090048318e-05).addingProduct(pp, t)
        pp = SIMD16(repeating: 3.079592716e-03).addingProduct(pp, t)
        pp = SIMD16(repeating: 1.306217462e-01).addingProduct(pp, t)
        var qq = SIMD16<Float>(repeating: 2.510720515e-04)
        qq = SIMD16(repeating: 2.439807728e-02).addingProduct(qq, t)
        qq = SIMD16(repeating: 4.639549851e-01).addingProduct(qq, t)
        qq = SIMD16(repeating: 1).addingProduct(qq, t)
        var y = c.addingProduct(c * t, pp) / qq               // x (1 + t P'(t)) / Q(t), p_0 = 1
        y = y.replacing(with: 1, where: y .> 1)
        return y.replacing(with: -1, where: y .< -1)
    }
}
