import Numerics

/// How finely a task's metrics read a reservoir's node states: the metrics after white Gaussian noise of
/// std sigma = level x spread is added to every node state (spread: the population standard deviation of
/// all node states after the task's washout), the readout refitted on the noisy states.
///
/// A metric that moves a lot under a tiny level asks any other device (a surrogate, another solver) to
/// reproduce the states to better than that level before the two can agree on it. `spinode reservoir
/// --compare` reports this for the reference (docs/reservoir-tasks.md).
public enum StateNoiseSensitivity {
    /// Population standard deviation of all node states in rows `washout...` of each sequence.
    public static func spread(_ sequences: [Matrix], washout: Int) -> Double {
        let values = sequences.flatMap { $0.storage.dropFirst(min(washout, $0.rows) * $0.columns) }
        guard !values.isEmpty else { return .nan }
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
    }

    /// `sequences` with independent N(0, sigma^2) noise added to every entry (washout rows included),
    /// drawn from `SeededRandom(seed:)` in sequence-major, row-major order.
    public static func perturbed(_ sequences: [Matrix], sigma: Double, seed: UInt64) -> [Matrix] {
        var rng = SeededRandom(seed: seed)
        return sequences.map { m in
            var n = m
            for i in n.storage.indices { n.storage[i] += sigma * rng.normal() }
            return n
        }
    }

    /// Mean of each scalar metric of `score` over `draws` perturbed copies (seeds 1 ... draws) at each
    /// relative noise level.
    public static func metrics(of sequences: [Matrix], washout: Int, levels: [Double], draws: Int,
                               score: ([Matrix]) throws -> ReservoirResult) throws -> [(level: Double, metrics: [String: Double])] {
        precondition(draws >= 1, "at least one draw")
        let s = spread(sequences, washout: washout)
        return try levels.map { level in
            var sums = [String: Double]()
            for draw in 1...draws {
                let noisy = perturbed(sequences, sigma: level * s, seed: UInt64(draw))
                for (k, v) in try score(noisy).metrics { sums[k, default: 0] += v / Double(draws) }
            }
            return (level, sums)
        }
    }
}
