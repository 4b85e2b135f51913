/// A seeded, reproducible pseudo-random generator: xoshiro256** (Blackman and Vigna, ACM TOMS 47 (2021)),
/// its state filled from the seed by SplitMix64, as the authors recommend.
///
/// Every random thing in the toolkit draws from one of these with a seed the user can set, so a run
/// is reproducible bit for bit on one machine. Normal variates use the polar Box-Muller method
/// (Marsaglia and Bray, SIAM Rev. 6, 260 (1964)).
public struct SeededRandom: RandomNumberGenerator, Sendable {
    @usableFromInline var s0, s1, s2, s3: UInt64
    @usableFromInline var spareNormal: Double?

    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
        spareNormal = nil
    }

    @inlinable
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1), 53 random bits.
    @inlinable
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [a, b).
    @inlinable
    public mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * uniform() }

    /// Standard normal N(0, 1).
    @inlinable
    public mutating func normal() -> Double {
        if let z = spareNormal { spareNormal = nil; return z }
        while true {
            let u = 2 * uniform() - 1, v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let f = (-2 * _log(s) / s).squareRoot()
                spareNormal = v * f
                return u * f
            }
        }
    }

    /// N(mean, sigma^2).
    @inlinable
    public mutating func normal(mean: Double, sigma: Double) -> Double { mean + sigma * normal() }

    /// An independent generator for sub-task `index` (e.g. one per batch member), derived from this one's seed stream.
    public mutating func split() -> SeededRandom { SeededRandom(seed: next()) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@usableFromInline func _log(_ x: Double) -> Double { log(x) }
