import NeuralNet

/// The floating-point format of the fused training kernel's arithmetic (`FusedSampleGridRK4`).
///
/// `float64` is the default everywhere. `float32` runs the network, the RK4 stages and the adjoint in
/// single precision (PyTorch's default, the paper's code trains in it), with the parameters, Adam's
/// moments, the loss and the model file kept in Float64: each iteration rounds theta to Float32,
/// and the Float32 gradient is widened before the Adam step. On the paper's configuration its
/// gradient matches the Float64 gradient to 1.2e-7 relative (L2) and a short training run follows the
/// Float64 loss curve (tests: `FusedSampleGridRK4Tests`).
///
/// The free run uses the same choice for its network (`FastRK4Kernel.precision`,
/// `FreeRunPrediction.precision`: `predict` and `reservoir --precision`), with the state and the RK4
/// stages kept in Float64 (`Float32Network`).
public enum TrainingPrecision: String, Sendable, Codable, CaseIterable {
    case float64
    case float32
}

/// A scalar the fused training kernel runs in, with a vector tanh for its lane vectors.
///
/// The lane vector is a generic parameter of the kernel (`FusedSampleGridRK4<V>`): SIMD8<Double> or
/// SIMD16<Float> (512 bits, one AVX-512 register: the AMD Zen 5 cores we measure on execute two
/// 512-bit fused multiply-adds per cycle, twice the rate of 256-bit vectors) or SIMD4<Double> or
/// SIMD8<Float> (256 bits, one AVX2 register), chosen by `LaneVectorWidth` (a batch of 50 windows
/// pads to 56 or 52 lanes in Float64, 64 or 56 in Float32).
protocol LaneScalar: BinaryFloatingPoint, SIMDScalar, Codable {
    static func tanh<V: SIMD>(lanes x: V) -> V where V.Scalar == Self
    /// tanh of two lane vectors, with the same result as two `tanh(lanes:)` calls. The tanh is a chain
    /// of about 20 dependent operations (range reduction, polynomial, division); where two 256-bit vectors can go
    /// through the 512-bit code, the two chains are interleaved instruction by instruction, so the core
    /// overlaps their latencies instead of waiting on one chain at a time.
    static func tanh<V: SIMD>(lanes x: V, _ y: V) -> (V, V) where V.Scalar == Self
}

extension Double: LaneScalar {
    @inline(__always) static func tanh<V: SIMD>(lanes x: V) -> V where V.Scalar == Double { VectorTanh.tanh(lanes: x) }
    @inline(__always) static func tanh<V: SIMD>(lanes x: V, _ y: V) -> (V, V) where V.Scalar == Double {
        if V.self == SIMD4<Double>.self {
            let t = VectorTanh.tanh(SIMD8(lowHalf: unsafeBitCast(x, to: SIMD4<Double>.self), highHalf: unsafeBitCast(y, to: SIMD4<Double>.self)))
            return (unsafeBitCast(t.lowHalf, to: V.self), unsafeBitCast(t.highHalf, to: V.self))
        }
        return (VectorTanh.tanh(lanes: x), VectorTanh.tanh(lanes: y))
    }
}

extension Float: LaneScalar {
    @inline(__always) static func tanh<V: SIMD>(lanes x: V) -> V where V.Scalar == Float { LaneTanh.tanh(lanes: x) }
    /// One vector at a time: pairing 256-bit Float vectors (through the 16-lane code) gave no measurable
    /// gain in the Float32 training iteration on AVX2 (docs/performance.md).
    @inline(__always) static func tanh<V: SIMD>(lanes x: V, _ y: V) -> (V, V) where V.Scalar == Float {
        (LaneTanh.tanh(lanes: x), LaneTanh.tanh(lanes: y))
    }
}

/// tanh on 8 or 16 Floats, by the method of `VectorTanh` (NeuralNet, which serves the Float64 lanes):
///
///     tanh|x| = E / (E + 2),   E = expm1(2|x|),   tanh x = sign(x) tanh|x|,
///
/// with expm1 by range reduction 2|x| = k ln2 + r, |r| <= ln2/2 (Cody and Waite; Tang, ACM TOMS 15,
/// 144 (1989)), a Taylor polynomial for expm1(r) in Horner form, and expm1(2|x|) = 2^k expm1(r) + (2^k - 1).
/// |x| clamped to 9 (1 - tanh 9 = 3e-8, below half an ulp of 1), ln2 split as fdlibm's
/// expf (high part 0x3F317200, exact for k < 2^9), Taylor through r^8 (truncation below 2e-8
/// relative): relative error a few 1e-7 (test: `FusedSampleGridRK4Tests.testLaneTanh`).
public enum LaneTanh {
    @inline(__always)
    public static func tanh(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let signMask = SIMD16<UInt32>(repeating: 0x8000_0000)
        let bits = unsafeBitCast(x, to: SIMD16<UInt32>.self)
        var ax = unsafeBitCast(bits & ~signMask, to: SIMD16<Float>.self)
        ax = ax.replacing(with: 9, where: ax .> 9)
        let y = ax + ax
        let shift: Float = 12582912                       // 1.5 * 2^23
        let shifted = (y * 1.44269504088896341) + shift
        let k = shifted - shift
        let r = (y - k * 6.9314575195e-01) - k * 1.4286067653e-06
        var q = SIMD16<Float>(repeating: 1.0 / 40320.0)      // 1/8!
        q = SIMD16(repeating: 1.0 / 5040.0).addingProduct(q, r)
        q = SIMD16(repeating: 1.0 / 720.0).addingProduct(q, r)
        q = SIMD16(repeating: 1.0 / 120.0).addingProduct(q, r)
        q = SIMD16(repeating: 1.0 / 24.0).addingProduct(q, r)
        q = SIMD16(repeating: 1.0 / 6.0).addingProduct(q, r)
        q = SIMD16(repeating: 0.5).addingProduct(q, r)
        let p = r.addingProduct(r * r, q)
        let kInt = unsafeBitCast(shifted, to: SIMD16<UInt32>.self) &- unsafeBitCast(SIMD16<Float>(repeating: shift), to: SIMD16<UInt32>.self)
        let twoK = unsafeBitCast((kInt &+ 127) &<< 23, to: SIMD16<Float>.self)
        let e = (twoK - 1).addingProduct(twoK, p)
        let t = e / (e + 2)
        return unsafeBitCast(unsafeBitCast(t, to: SIMD16<UInt32>.self) | (bits & signMask), to: SIMD16<Float>.self)
    }

    /// 8 lanes (one AVX2 register): the same operations as the 16-lane version.
    @inline(__always)
    public static func tanh(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let signMask = SIMD8<UInt32>(repeating: 0x8000_0000)
        let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
        var ax = unsafeBitCast(bits & ~signMask, to: SIMD8<Float>.self)
        ax = ax.replacing(with: 9, where: ax .> 9)
        let y = ax + ax
        let shift: Float = 12582912                       // 1.5 * 2^23
        let shifted = (y * 1.44269504088896341) + shift
        let k = shifted - shift
        let r = (y - k * 6.9314575195e-01) - k * 1.4286067653e-06
        var q = SIMD8<Float>(repeating: 1.0 / 40320.0)      // 1/8!
        q = SIMD8(repeating: 1.0 / 5040.0).addingProduct(q, r)
        q = SIMD8(repeating: 1.0 / 720.0).addingProduct(q, r)
        q = SIMD8(repeating: 1.0 / 120.0).addingProduct(q, r)
        q = SIMD8(repeating: 1.0 / 24.0).addingProduct(q, r)
        q = SIMD8(repeating: 1.0 / 6.0).addingProduct(q, r)
        q = SIMD8(repeating: 0.5).addingProduct(q, r)
        let p = r.addingProduct(r * r, q)
        let kInt = unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &- unsafeBitCast(SIMD8<Float>(repeating: shift), to: SIMD8<UInt32>.self)
        let twoK = unsafeBitCast((kInt &+ 127) &<< 23, to: SIMD8<Float>.self)
        let e = (twoK - 1).addingProduct(twoK, p)
        let t = e / (e + 2)
        return unsafeBitCast(unsafeBitCast(t, to: SIMD8<UInt32>.self) | (bits & signMask), to: SIMD8<Float>.self)
    }

    /// tanh of each lane for a lane vector V: SIMD16 and SIMD8 go to their concrete versions (see
    /// `VectorTanh.tanh(lanes:)` for why they are written out), other lane counts through SIMD16 chunks.
    @inline(__always)
    public static func tanh<V: SIMD>(lanes x: V) -> V where V.Scalar == Float {
        if V.self == SIMD16<Float>.self { return unsafeBitCast(tanh(unsafeBitCast(x, to: SIMD16<Float>.self)), to: V.self) }
        if V.self == SIMD8<Float>.self { return unsafeBitCast(tanh(unsafeBitCast(x, to: SIMD8<Float>.self)), to: V.self) }
        var y = x
        var i = 0
        while i < V.scalarCount {
            var v = SIMD16<Float>()
            for j in 0..<Swift.min(16, V.scalarCount - i) { v[j] = x[i + j] }
            let t = tanh(v)
            for j in 0..<Swift.min(16, V.scalarCount - i) { y[i + j] = t[j] }
            i += 16
        }
        return y
    }
}
