import Numerics

/// Parity-check capacity (Bertschinger and Natschlaeger, Neural Comput. 16, 1413 (2004); as a sum of r^2,
/// Furuta et al., Phys. Rev. Applied 10, 034063 (2018)): with binary u(n) in {0, 1} (i.i.d., p = 1/2), one
/// readout output per k is trained on the parity
///
///     p_k(n) = (sum_{i=0..k} u(n - i)) mod 2,
///
/// and PC = sum_{k=0..K} r^2(y_k, p_k) on the test rows (split, K and threshold as in `CapacityTask`).
public typealias ParityCheckCapacity = CapacityTask<DelayedParity>

/// The parity-capacity target. The reservoir is driven with 2u - 1 in {-1, +1} so that both bits move
/// the state.
public enum DelayedParity: CapacityKind {
    public static let name = "parity-capacity"

    public static func prepare(length: Int, seed: UInt64) -> (drive: [Double], target: @Sendable (Int, Int) -> Double) {
        var rng = SeededRandom(seed: seed)
        let bits = (0..<length).map { _ in Int(rng.next() >> 63) }
        // prefix[n + 1] = sum of bits[0...n], so the window sum over n-k...n is prefix[n + 1] - prefix[n - k].
        var sums = [Int](repeating: 0, count: length + 1)
        for n in 0..<length { sums[n + 1] = sums[n] + bits[n] }
        let prefix = sums
        return (bits.map { 2 * Double($0) - 1 }, { n, delay in Double((prefix[n + 1] - prefix[n - delay]) % 2) })
    }
}
