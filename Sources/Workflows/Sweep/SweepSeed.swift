/// The seed of task `i` of a sweep with seed `s`: a pure function of (s, i), so a task draws the same
/// numbers whichever process runs it and in whatever order.
///
///     z = s + (i + 1) * 0x9E3779B97F4A7C15          (mod 2^64)
///     z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
///     z = (z ^ (z >> 27)) * 0x94D049BB133111EB
///     seed = (z ^ (z >> 31)) >> 1
///
/// the SplitMix64 output function (Steele, Lea & Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014) at the (i + 1)-th step from state s; the final shift keeps 63 bits so that the seed is a
/// valid TOML and JSON integer (a spec's `seed` key).
public enum SweepSeed {
    public static func task(_ index: Int, sweepSeed s: UInt64) -> UInt64 {
        var z = s &+ (UInt64(index) &+ 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return (z ^ (z >> 31)) >> 1
    }
}
