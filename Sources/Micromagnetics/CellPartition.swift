import Numerics

/// A fixed split of the cells 0 ..< cellCount into `threads` contiguous blocks, and the parallel loop over
/// them: how the field terms and the LLG right-hand side share their cell loops among threads.
///
/// The blocks depend only on (cellCount, threads), never on scheduling: block k is
/// `bounds[k] ..< bounds[k + 1]`, equal shares rounded to multiples of 8 cells (whole AVX-512 vectors, so
/// a block boundary never splits a vector of the vectorised loops). Per-cell loops write disjoint
/// cells, so their results do not depend on the split at all; reductions (`maximum`) combine one
/// partial per block in block order, so a run is bit-identical for a given thread count (and, for a
/// maximum, for any thread count).
///
/// The loop runs on `Numerics.WorkerPool.shared` (persistent threads that spin briefly between loops,
/// shared with the demag's transform shares): the calling thread takes blocks too; with one thread the
/// body runs inline. Nothing allocates per call.
public final class CellPartition: @unchecked Sendable {
    /// Number of blocks (threads), >= 1.
    public let threads: Int
    public let cellCount: Int
    /// Block boundaries, threads + 1 values from 0 to cellCount.
    public let bounds: [Int]
    /// One partial per block for reductions (written by block k only).
    private let partials: UnsafeMutablePointer<Double>

    /// Splits `cellCount` cells into `threads` blocks (at least 1; at most one block per 8 cells).
    public init(cellCount: Int, threads: Int) {
        let t = max(1, min(threads, max(1, cellCount / 8)))
        self.threads = t
        self.cellCount = cellCount
        var b = [0]
        for k in 1..<t { b.append(min(cellCount, (cellCount * k / t + 7) / 8 * 8)) }
        b.append(cellCount)
        bounds = b
        partials = .allocate(capacity: t)
        partials.initialize(repeating: 0, count: t)
    }
    deinit { partials.deallocate() }

    /// The cells of block k.
    @inlinable public func block(_ k: Int) -> Range<Int> { bounds[k] ..< bounds[k + 1] }

    /// Runs `body(block(k))` for every block, the blocks in parallel; returns when all are done.
    public func forEachBlock(_ body: (Range<Int>) -> Void) {
        if threads == 1 { body(0 ..< cellCount); return }
        WorkerPool.shared.run(iterations: threads, threads: threads) { k in body(block(k)) }
    }

    /// Runs `body(k)` for k in 0 ..< threads in parallel: for loops split some other fixed way (e.g. the
    /// shares of `ZeroPaddedFFT`).
    public func forEachThread(_ body: (Int) -> Void) {
        if threads == 1 { body(0); return }
        WorkerPool.shared.run(iterations: threads, threads: threads, body)
    }

    /// The maximum over the blocks of `partial(block)`, each block's partial computed in parallel and the
    /// partials combined in block order (NaN-free inputs: max is then exact and order-independent).
    public func maximum(_ partial: (Range<Int>) -> Double) -> Double {
        if threads == 1 { return partial(0 ..< cellCount) }
        let p = partials
        WorkerPool.shared.run(iterations: threads, threads: threads) { k in p[k] = partial(block(k)) }
        var best = p[0]
        for k in 1..<threads { best = max(best, p[k]) }
        return best
    }
}

extension Range where Bound == Int {
    /// The part of this range inside `other` (empty, at this range's lower bound, if they do not meet).
    @inlinable func clamped(within lower: Int, _ upper: Int) -> Range<Int> {
        let lo = Swift.max(lowerBound, lower), hi = Swift.min(upperBound, upper)
        return lo < hi ? lo ..< hi : lo ..< lo
    }
}
