/// tanh on a vector of Doubles at once (4 lanes: one AVX2 register, 8: one AVX-512 register), accurate to a few units in the last place.
///
/// The surrogate's hidden layers call tanh 4 x 100 times per RK4 step (paper network, Chen et al.,
/// Nat. Commun. 13, 1016 (2022)), and libm's scalar tanh is then a large part of the step. This
/// evaluates, for |x| clamped to 20 (beyond which tanh rounds to 1 in Float64, since
/// 1 - tanh(20) = 8.5e-18 < 2^-53):
///
///     tanh|x| = E / (E + 2),   E = expm1(2|x|),   tanh x = sign(x) tanh|x|,
///
/// which has no cancellation for small |x| (E ~ 2|x|). expm1 uses the classic range reduction
/// (Cody and Waite; Tang, ACM TOMS 15, 144 (1989)): 2|x| = k ln2 + r with k = round(2|x|/ln2),
/// |r| <= ln2/2, ln2 split into a high part with 32 trailing zero bits (k ln2_hi exact for k < 2^20)
/// and a low part; then expm1(r) by its Taylor series through r^13 evaluated by Estrin's scheme with fused
/// multiply-adds (truncation below 2e-17 relative for |r| <= 0.347), and
/// expm1(2|x|) = 2^k expm1(r) + (2^k - 1), 2^k built from its exponent bits.
///
/// Measured against Glibc tanh over a dense grid of [-40, 40] and near zero (Tests/NeuralNetTests/
/// VectorTanhTests.swift): relative error below 1e-15. NaN inputs give an unspecified result.
public enum VectorTanh {
    @inlinable static var ln2Hi: Double { 6.93147180369123816490e-01 }   // 0x3FE62E42FEE00000
    @inlinable static var ln2Lo: Double { 1.90821492927058770002e-10 }   // ln2 - ln2Hi
    @inlinable static var invLn2: Double { 1.44269504088896338700e+00 }
    /// 1.5 * 2^52: adding it rounds a Double of magnitude < 2^51 to the nearest integer, which then
    /// sits in the low mantissa bits.
    @inlinable static var roundingShift: Double { 6755399441055744.0 }

    /// tanh of each lane of x, 8 lanes (one AVX-512 register).
    @inlinable @inline(__always)
    public static func tanh(_ x: SIMD8<Double>) -> SIMD8<Double> {
        let signMask = SIMD8<UInt64>(repeating: 0x8000_0000_0000_0000)
        let bits = unsafeBitCast(x, to: SIMD8<UInt64>.self)
        var ax = unsafeBitCast(bits & ~signMask, to: SIMD8<Double>.self)
        ax = ax.replacing(with: 20, where: ax .> 20)
        let y = ax + ax
        let shifted = (y * invLn2) + roundingShift
        let k = shifted - roundingShift
        let r = (y - k * ln2Hi) - k * ln2Lo
        // expm1(r) = r + r^2 q(r), q(r) = 1/2! + r/3! + ... + r^11/13!, by Estrin's scheme: pairs
        // c_2i + c_2i+1 r, then pairs of those with r^2, r^4, r^8 (4 levels of fused multiply-adds
        // after r^2 instead of Horner's chain of 11).
        let r2 = r * r, r4 = r2 * r2, r8 = r4 * r4
        let a0 = SIMD8<Double>(repeating: 0.5).addingProduct(SIMD8(repeating: 1.0 / 6.0), r)                  // 1/2!, 1/3!
        let a1 = SIMD8<Double>(repeating: 1.0 / 24.0).addingProduct(SIMD8(repeating: 1.0 / 120.0), r)         // 1/4!, 1/5!
        let a2 = SIMD8<Double>(repeating: 1.0 / 720.0).addingProduct(SIMD8(repeating: 1.0 / 5040.0), r)       // 1/6!, 1/7!
        let a3 = SIMD8<Double>(repeating: 1.0 / 40320.0).addingProduct(SIMD8(repeating: 1.0 / 362880.0), r)   // 1/8!, 1/9!
        let a4 = SIMD8<Double>(repeating: 1.0 / 3628800.0).addingProduct(SIMD8(repeating: 1.0 / 39916800.0), r)       // 1/10!, 1/11!
        let a5 = SIMD8<Double>(repeating: 1.0 / 479001600.0).addingProduct(SIMD8(repeating: 1.0 / 6227020800.0), r)  // 1/12!, 1/13!
        let q = a0.addingProduct(a1, r2).addingProduct(a2.addingProduct(a3, r2), r4).addingProduct(a4.addingProduct(a5, r2), r8)
        let p = r.addingProduct(r2, q)
        let kInt = unsafeBitCast(shifted, to: SIMD8<UInt64>.self) &- unsafeBitCast(SIMD8<Double>(repeating: roundingShift), to: SIMD8<UInt64>.self)
        let twoK = unsafeBitCast((kInt &+ 1023) &<< 52, to: SIMD8<Double>.self)
        let e = (twoK - 1).addingProduct(twoK, p)
        let t = e / (e + 2)
        return unsafeBitCast(unsafeBitCast(t, to: SIMD8<UInt64>.self) | (bits & signMask), to: SIMD8<Double>.self)
    }

    /// tanh of each lane of x, 4 lanes (one AVX2 register): the same operations as the 8-lane version.
    @inlinable @inline(__always)
    public static func tanh(_ x: SIMD4<Double>) -> SIMD4<Double> {
        let signMask = SIMD4<UInt64>(repeating: 0x8000_0000_0000_0000)
        let bits = unsafeBitCast(x, to: SIMD4<UInt64>.self)
        var ax = unsafeBitCast(bits & ~signMask, to: SIMD4<Double>.self)
        ax = ax.replacing(with: 20, where: ax .> 20)
        let y = ax + ax
        let shifted = (y * invLn2) + roundingShift
        let k = shifted - roundingShift
        let r = (y - k * ln2Hi) - k * ln2Lo
        // expm1(r) = r + r^2 q(r), q(r) = 1/2! + r/3! + ... + r^11/13!, by Estrin's scheme: pairs
        // c_2i + c_2i+1 r, then pairs of those with r^2, r^4, r^8 (4 levels of fused multiply-adds
        // after r^2 instead of Horner's chain of 11).
        let r2 = r * r, r4 = r2 * r2, r8 = r4 * r4
        let a0 = SIMD4<Double>(repeating: 0.5).addingProduct(SIMD4(repeating: 1.0 / 6.0), r)                  // 1/2!, 1/3!
        let a1 = SIMD4<Double>(repeating: 1.0 / 24.0).addingProduct(SIMD4(repeating: 1.0 / 120.0), r)         // 1/4!, 1/5!
        let a2 = SIMD4<Double>(repeating: 1.0 / 720.0).addingProduct(SIMD4(repeating: 1.0 / 5040.0), r)       // 1/6!, 1/7!
        let a3 = SIMD4<Double>(repeating: 1.0 / 40320.0).addingProduct(SIMD4(repeating: 1.0 / 362880.0), r)   // 1/8!, 1/9!
        let a4 = SIMD4<Double>(repeating: 1.0 / 3628800.0).addingProduct(SIMD4(repeating: 1.0 / 39916800.0), r)       // 1/10!, 1/11!
        let a5 = SIMD4<Double>(repeating: 1.0 / 479001600.0).addingProduct(SIMD4(repeating: 1.0 / 6227020800.0), r)  // 1/12!, 1/13!
        let q = a0.addingProduct(a1, r2).addingProduct(a2.addingProduct(a3, r2), r4).addingProduct(a4.addingProduct(a5, r2), r8)
        let p = r.addingProduct(r2, q)
        let kInt = unsafeBitCast(shifted, to: SIMD4<UInt64>.self) &- unsafeBitCast(SIMD4<Double>(repeating: roundingShift), to: SIMD4<UInt64>.self)
        let twoK = unsafeBitCast((kInt &+ 1023) &<< 52, to: SIMD4<Double>.self)
        let e = (twoK - 1).addingProduct(twoK, p)
        let t = e / (e + 2)
        return unsafeBitCast(unsafeBitCast(t, to: SIMD4<UInt64>.self) | (bits & signMask), to: SIMD4<Double>.self)
    }

    /// tanh of each lane of x for a lane vector V (the fused kernels' lane type, chosen per build
    /// target): SIMD4 and SIMD8 go to their concrete versions, other lane counts through SIMD8 chunks.
    /// The concrete versions are written out per width because the generic SIMD operators compile to
    /// per-lane loops that LLVM does not always turn back into vector instructions (a generic tanh ran
    /// several times slower); all widths run the same operations in the same order, so a value's tanh
    /// does not depend on the vector it sits in (test: `VectorTanhTests`).
    @inlinable @inline(__always)
    public static func tanh<V: SIMD>(lanes x: V) -> V where V.Scalar == Double {
        if V.self == SIMD8<Double>.self { return unsafeBitCast(tanh(unsafeBitCast(x, to: SIMD8<Double>.self)), to: V.self) }
        if V.self == SIMD4<Double>.self { return unsafeBitCast(tanh(unsafeBitCast(x, to: SIMD4<Double>.self)), to: V.self) }
        var y = x
        var i = 0
        while i < V.scalarCount {
            var v = SIMD8<Double>()
            for j in 0..<Swift.min(8, V.scalarCount - i) { v[j] = x[i + j] }
            let t = tanh(v)
            for j in 0..<Swift.min(8, V.scalarCount - i) { y[i + j] = t[j] }
            i += 8
        }
        return y
    }

    /// y[i] = tanh(x[i]) for i in 0..<count (y may alias x). No allocation.
    public static func apply(count: Int, x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>) {
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Double>.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: tanh(v), as: SIMD8<Double>.self)
            i += 8
        }
        if i < count {
            var v = SIMD8<Double>(repeating: 0)
            for j in 0..<(count - i) { v[j] = x[i + j] }
            let t = tanh(v)
            for j in 0..<(count - i) { y[i + j] = t[j] }
        }
    }
}
