import Dispatch

/// Runs `body(b)` for every independent device copy b in 0..<count, spread over the cores.
///
/// Copies never share mutable state (each owns its random stream and writes only its own rows of an
/// `OutputTable`), so the result does not depend on scheduling: a run is reproducible bit for bit.
func forEachCopy(_ count: Int, _ body: (Int) -> Void) {
    if count <= 1 {
        if count == 1 { body(0) }
        return
    }
    withoutActuallyEscaping(body) { escapable in
        DispatchQueue.concurrentPerform(iterations: count) { b in escapable(b) }
    }
}

/// Per-copy output samples with `channels` values per sample, in one flat buffer written
/// concurrently: copy b writes only `[offset(b) ..< offset(b) + length(b)] x channels`.
final class OutputTable: @unchecked Sendable {
    let lengths: [Int]
    let channels: Int
    private let offsets: [Int]
    private let storage: UnsafeMutablePointer<Double>
    private let total: Int

    init(lengths: [Int], channels: Int) {
        self.lengths = lengths
        self.channels = channels
        var offsets = [Int]()
        offsets.reserveCapacity(lengths.count)
        var sum = 0
        for n in lengths { offsets.append(sum); sum += n }
        self.offsets = offsets
        total = sum * channels
        storage = .allocate(capacity: max(total, 1))
        storage.initialize(repeating: 0, count: max(total, 1))
    }

    deinit { storage.deallocate() }

    /// Start of copy b's samples: sample n, channel c at `[n * channels + c]`.
    func row(_ b: Int) -> UnsafeMutablePointer<Double> { storage + offsets[b] * channels }

    /// Channel c of every copy, as arrays (`[b][n]`).
    func channel(_ c: Int) -> [[Double]] {
        lengths.indices.map { b in
            let base = row(b)
            return (0..<lengths[b]).map { n in base[n * channels + c] }
        }
    }
}
