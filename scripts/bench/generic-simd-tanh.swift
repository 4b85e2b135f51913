import Foundation

protocol TanhScalar: BinaryFloatingPoint, SIMDScalar {
    associatedtype BitPattern: FixedWidthInteger & SIMDScalar
    static var clamp: Self { get }
    static var invLn2: Self { get }
    static var ln2Hi: Self { get }
    static var ln2Lo: Self { get }
    static var roundingShift: Self { get }
    static var exponentBias: BitPattern { get }
    static var coefficients: [Self] { get }
}
extension Double: TanhScalar {
    typealias BitPattern = UInt64
    static var clamp: Double { 20 }
    static var invLn2: Double { 1.44269504088896338700e+00 }
    static var ln2Hi: Double { 6.93147180369123816490e-01 }
    static var ln2Lo: Double { 1.90821492927058770002e-10 }
    static var roundingShift: Double { 6755399441055744.0 }
    static var exponentBias: UInt64 { 1023 }
    static let coefficients: [Double] =  [1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5]
}

@inline(__always)
func gtanh<V: SIMD, B: SIMD>(_ x: V, bits _: B.Type) -> V where V.Scalar: TanhScalar, B.Scalar == V.Scalar.BitPattern {
    let signMask = B(repeating: 1 << (B.Scalar.bitWidth - 1))
    let bits = unsafeBitCast(x, to: B.self)
    var ax = unsafeBitCast(bits & ~signMask, to: V.self)
    ax = ax.replacing(with: V.Scalar.clamp, where: ax .> V(repeating: V.Scalar.clamp))
    let y = ax + ax
    let shifted = (y * V.Scalar.invLn2) + V.Scalar.roundingShift
    let k = shifted - V.Scalar.roundingShift
    let r = (y - k * V.Scalar.ln2Hi) - k * V.Scalar.ln2Lo
    let c = V.Scalar.coefficients
    var q = V(repeating: c[0])
    for i in 1..<c.count { q = V(repeating: c[i]).addingProduct(q, r) }
    let p = r.addingProduct(r * r, q)
    let kInt = unsafeBitCast(shifted, to: B.self) &- unsafeBitCast(V(repeating: V.Scalar.roundingShift), to: B.self)
    let twoK = unsafeBitCast((kInt &+ V.Scalar.exponentBias) &<< B.Scalar(V.Scalar.significandBitCount), to: V.self)
    let e = (twoK - 1).addingProduct(twoK, p)
    let t = e / (e + 2)
    return unsafeBitCast(unsafeBitCast(t, to: B.self) | (bits & signMask), to: V.self)
}

@inline(__always)
func ctanh(_ x: SIMD8<Double>) -> SIMD8<Double> {
    let signMask = SIMD8<UInt64>(repeating: 0x8000_0000_0000_0000)
    let bits = unsafeBitCast(x, to: SIMD8<UInt64>.self)
    var ax = unsafeBitCast(bits & ~signMask, to: SIMD8<Double>.self)
    ax = ax.replacing(with: 20, where: ax .> 20)
    let y = ax + ax
    let shifted = (y * 1.44269504088896338700e+00) + 6755399441055744.0
    let k = shifted - 6755399441055744.0
    let r = (y - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10
    var q = SIMD8<Double>(repeating: 1.0 / 6227020800.0)
    q = SIMD8(repeating: 1.0 / 479001600.0).addingProduct(q, r)
    q = SIMD8(repeating: 1.0 / 39916800.0).addingProduct(q, r)
    q = SIMD8(repeating: 1.0 / 3628800.0).addingProduct(q, r)
    q = SIMD8(repeating: 1.0 / 362880.0).addingProduct(q, r)
    q = SIMD8(repeating: 1.0 / 40320.0).addingProduct(q, r)
    q = SIMD8(repeating: 1.0 / 5040.0).addingProduct(q, r)
    q = SIMD8(repeating: 1.0 / 720.0).addingProduct(q, r)
    q = SIMD8(repeating: 1.0 / 120.0).addingProduct(q, r)
    q = SIMD8(repeating: 1.0 / 24.0).addingProduct(q, r)
    q = SIMD8(repeating: 1.0 / 6.0).addingProduct(q, r)
    q = SIMD8(repeating: 0.5).addingProduct(q, r)
    let p = r.addingProduct(r * r, q)
    let kInt = unsafeBitCast(shifted, to: SIMD8<UInt64>.self) &- unsafeBitCast(SIMD8<Double>(repeating: 6755399441055744.0), to: SIMD8<UInt64>.self)
    let twoK = unsafeBitCast((kInt &+ 1023) &<< 52, to: SIMD8<Double>.self)
    let e = (twoK - 1).addingProduct(twoK, p)
    let t = e / (e + 2)
    return unsafeBitCast(unsafeBitCast(t, to: SIMD8<UInt64>.self) | (bits & signMask), to: SIMD8<Double>.self)
}

@inline(never) func runG(_ xs: [SIMD8<Double>]) -> SIMD8<Double> { var s = SIMD8<Double>(); for x in xs { s += gtanh(x, bits: SIMD8<UInt64>.self) }; return s }
@inline(never) func runC(_ xs: [SIMD8<Double>]) -> SIMD8<Double> { var s = SIMD8<Double>(); for x in xs { s += ctanh(x) }; return s }
@inline(never) func runG4(_ xs: [SIMD4<Double>]) -> SIMD4<Double> { var s = SIMD4<Double>(); for x in xs { s += gtanh(x, bits: SIMD4<UInt64>.self) }; return s }
var xs = (0..<4096).map { i in SIMD8<Double>((0..<8).map { j in Double(i * 8 + j) / 4096 - 4 }) }
var x4 = (0..<8192).map { i in SIMD4<Double>((0..<4).map { j in Double(i * 4 + j) / 8192 - 4 }) }
let a = runG(xs), b = runC(xs)
print(a == b, a, b)
for _ in 0..<3 {
    var t0 = Date(); for _ in 0..<200 { xs[0] = xs[0] + runG(xs) * 1e-300 }; let tg = Date().timeIntervalSince(t0)
    t0 = Date(); for _ in 0..<200 { xs[0] = xs[0] + runC(xs) * 1e-300 }; let tc = Date().timeIntervalSince(t0)
    t0 = Date(); for _ in 0..<200 { x4[0] = x4[0] + runG4(x4) * 1e-300 }; let tg4 = Date().timeIntervalSince(t0)
    print("generic \(tg) concrete \(tc) generic4 \(tg4)")
}
