import Numerics

/// Short-term memory capacity (Jaeger, GMD Report 152 (2002)): with u(n) i.i.d. uniform in [-1, 1], one
/// readout output per delay k is trained on u(n - k), and
///
///     MC = sum_{k=0..K} r^2(y_k, u(n - k))
///
/// on the test rows (split, K and threshold as in `CapacityTask`). We include k = 0 since our states at n
/// have already seen u(n); for any N-node reservoir MC <= N (Jaeger 2002, Prop. 2).
public typealias MemoryCapacity = CapacityTask<DelayedInput>

/// The memory-capacity target: the drive itself, k samples back.
public enum DelayedInput: CapacityKind {
    public static let name = "memory-capacity"

    public static func prepare(length: Int, seed: UInt64) -> (drive: [Double], target: @Sendable (Int, Int) -> Double) {
        var rng = SeededRandom(seed: seed)
        let u = (0..<length).map { _ in rng.uniform(-1, 1) }
        return (u, { n, delay in u[n - delay] })
    }
}
