import Numerics

/// Draws the training windows of each iteration: B (trace, start) pairs uniform over every valid
/// window start of every training part, from a generator that is a function of (seed, iteration)
/// alone, so a resumed run draws exactly what the uninterrupted run would have.
///
/// A window of W samples with embedding order k starts at 0 ... N - k - W + 1 of a part of N samples
/// (its last target state, at start + W - 1, needs samples up to start + W + k - 2).
struct WindowSampler {
    /// Valid window starts per training part, and their total.
    let startCounts: [Int]
    let totalStarts: Int
    let baseSeed: UInt64

    init(parts: [RawTrace], order k: Int, windowLength w: Int, seed: UInt64) throws {
        var counts = [Int]()
        for t in parts {
            guard t.sampleCount >= k else {
                throw SurrogateError.invalidTrace("trace '\(t.name)': embedding order k = \(k) is larger than the trace (\(t.sampleCount) samples)")
            }
            counts.append(max(0, t.sampleCount - k - w + 2))
        }
        let total = counts.reduce(0, +)
        guard total > 0 else {
            throw SurrogateError.invalidTrace(
                "no training window fits: a window of \(w) samples with k = \(k) needs \(w + k - 1) samples, the longest training trace has \(parts.map(\.sampleCount).max() ?? 0)")
        }
        startCounts = counts
        totalStarts = total
        var seeder = SeededRandom(seed: seed)
        baseSeed = seeder.next()
    }

    /// The generator of iteration i: a function of (seed, i) only.
    func generator(iteration i: Int) -> SeededRandom {
        SeededRandom(seed: baseSeed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// Draws `count` (trace, start) pairs uniform over all valid windows.
    func draw(_ count: Int, using rng: inout SeededRandom) -> [(trace: Int, start: Int)] {
        var members = [(trace: Int, start: Int)]()
        members.reserveCapacity(count)
        for _ in 0..<count {
            var r = Int(rng.uniform() * Double(totalStarts))
            if r >= totalStarts { r = totalStarts - 1 }
            var t = 0
            while r >= startCounts[t] { r -= startCounts[t]; t += 1 }
            members.append((t, r))
        }
        return members
    }
}
