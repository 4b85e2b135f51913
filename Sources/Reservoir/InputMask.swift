import Numerics

/// The input mask of time-multiplexed reservoir computing: N x C weights m_{j c} that spread one input
/// sample u(n) (C channels) over N virtual nodes, virtual node j receiving sum_c m_{j c} u_c(n)
/// (Appeltant et al., Nat. Commun. 2, 468 (2011), Fig. 1 and Methods).
public struct InputMask: Sendable, Equatable {
    /// How mask values are drawn.
    public enum Distribution: String, Sendable, Codable, CaseIterable {
        /// Each value +1 or -1 with probability 1/2 (Appeltant et al. 2011).
        case binary
        /// Each value uniform in [-1, 1).
        case uniform
    }

    /// N x C mask values (row j: virtual node j).
    public let values: Matrix

    /// N, the number of virtual nodes.
    public var nodes: Int { values.rows }
    /// C, the number of input channels.
    public var channels: Int { values.columns }

    /// A mask of explicit values (N x C).
    public init(values: Matrix) {
        precondition(values.rows > 0 && values.columns > 0, "InputMask: empty \(values.rows) x \(values.columns)")
        self.values = values
    }

    /// A random mask of `nodes` x `channels` values from `distribution`, reproducible from `seed`.
    public init(nodes: Int, channels: Int = 1, distribution: Distribution, seed: UInt64) {
        precondition(nodes > 0 && channels > 0, "InputMask: \(nodes) nodes, \(channels) channels")
        var rng = SeededRandom(seed: seed)
        var m = Matrix(rows: nodes, columns: channels)
        for i in 0..<m.count {
            switch distribution {
            case .binary: m.storage[i] = rng.next() >> 63 == 0 ? 1 : -1
            case .uniform: m.storage[i] = rng.uniform(-1, 1)
            }
        }
        self.values = m
    }

    /// The masked value of virtual node j for the sample in `row` of `sequence`: sum_c m_{j c} u_c.
    @inlinable
    public func maskedValue(node j: Int, sequence: Matrix, row n: Int) -> Double {
        var s = 0.0
        for c in 0..<values.columns { s += values[j, c] * sequence[n, c] }
        return s
    }
}
