import Numerics

/// Parity-check capacity (Bertschinger and Natschlaeger, Neural Comput. 16, 1413 (2004); as a sum of r^2,
/// Furuta et al., Phys. Rev. Applied 10, 034063 (2018)): with binary u(n) in {0, 1} (i.i.d., p = 1/2), one
/// readout output per k is trained on the parity
///
///     p_k(n) = (sum_{i=0..k} u(n - i)) mod 2,
///
/// and PC = sum_{k=0..K} r^2(y_k, p_k) on the test rows. The reservoir is driven with 2u - 1 in {-1, +1}
/// so that both bits move the state. K defaults to 2N; split and threshold as in `MemoryCapacity`.
public struct ParityCheckCapacity: ReservoirTask {
    public var length: Int
    public var washout: Int
    public var trainRows: Int
    public var maxDelay: Int?
    public var threshold: Double
    public var seed: UInt64
    public var ridge: RidgeReadout.Selection

    public init(length: Int = 6_000, washout: Int = 200, trainRows: Int = 3_000, maxDelay: Int? = nil,
                threshold: Double = 0, seed: UInt64 = 1,
                ridge: RidgeReadout.Selection = .crossValidated(.init(perOutput: true))) {
        self.length = length
        self.washout = washout
        self.trainRows = trainRows
        self.maxDelay = maxDelay
        self.threshold = threshold
        self.seed = seed
        self.ridge = ridge
    }

    public var name: String { "parity-capacity" }

    private var bits: [Int] {
        var rng = SeededRandom(seed: seed)
        return (0..<length).map { _ in Int(rng.next() >> 63) }
    }

    public func inputSequences() throws -> [Matrix] { [scalarSequence(bits.map { 2 * Double($0) - 1 })] }

    public func score(_ reservoir: ReservoirStates) throws -> ReservoirResult {
        let bits = self.bits
        // prefix[n + 1] = sum of bits[0...n], so the window sum over n-k...n is prefix[n + 1] - prefix[n - k].
        var prefix = [Int](repeating: 0, count: length + 1)
        for n in 0..<length { prefix[n + 1] = prefix[n] + bits[n] }
        return try capacityProfile(task: name, reservoir: reservoir, length: length, maxDelay: maxDelay ?? 2 * reservoir.nodes,
                                   washout: washout, trainRows: trainRows, threshold: threshold, ridge: ridge,
                                   metric: "capacity", profile: "capacity_per_delay") { n, delay in
            Double((prefix[n + 1] - prefix[n - delay]) % 2)
        }
    }
}
