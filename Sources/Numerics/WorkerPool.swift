import Foundation
import Synchronization

/// A small persistent pool of threads for fine-grained parallel loops: the micromagnetic solver's cell
/// loops and the shares of its demag transforms (`ZeroPaddedFFT+Shares`), several short loops per
/// right-hand-side evaluation.
///
/// Why not `DispatchQueue.concurrentPerform` or FFTW's own threads: both put idle threads to sleep at
/// once, so each parallel loop of an evaluation paid a futex wake-up and sleep (docs/micromagnetics.md,
/// "Threads"). Here an idle worker spins for a short while
/// (`spinLimit` checks) before it sleeps, so the next loop, microseconds later, starts without a wake-up;
/// a pool that has been idle for longer sleeps and costs nothing.
///
/// `run(iterations:threads:_:)` hands out iteration indices 0 ..< iterations to the caller and up to
/// threads - 1 workers; which thread runs an index depends on timing, so a body must write disjoint
/// data per index (then the result does not depend on the schedule). One loop at a time: a `run`
/// while another is in progress (e.g. from concurrently simulated device copies) runs its iterations
/// on the calling thread instead, which gives the same result.
public final class WorkerPool: @unchecked Sendable {
    /// The process's pool.
    public static let shared = WorkerPool()

    /// Checks of the job counter an idle worker makes before it sleeps (tens of microseconds).
    public var spinLimit = 20_000

    private let generation = Atomic<Int>(0)
    /// The current loop's claim state in one word: loop tag (16 bits) | iteration count (24) | next index
    /// (24). A claim is one atomic add that reads the count of the same loop as the index it takes: with
    /// the count in a separate atomic, a worker whose claim came after the end of one loop could read the
    /// next loop's count and run an index of that loop a second time.
    private let claims = Atomic<UInt64>(0)
    private var loopTag: UInt64 = 0
    private static let fieldBits: UInt64 = 24
    private static let fieldMask: UInt64 = (1 << 24) - 1
    /// Loops this long run on the calling thread (the index field must not overflow into the count).
    private static let maxIterations = 1 << 22
    private let pending = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private nonisolated(unsafe) var body: ((Int) -> Void)?
    private let busy = NSLock()
    private let sleep = NSCondition()
    private var workers = 0

    /// One pool per process: its workers never exit (they sleep when idle).
    private init() {}

    /// Runs `body(i)` for i in 0 ..< iterations on up to `threads` threads (the caller included);
    /// returns when all are done.
    public func run(iterations: Int, threads: Int, _ body: (Int) -> Void) {
        if iterations <= 0 { return }
        if iterations == 1 || threads <= 1 || iterations >= WorkerPool.maxIterations || !busy.try() {
            for i in 0..<iterations { body(i) }
            return
        }
        defer { busy.unlock() }
        startWorkers(min(threads, iterations) - 1)
        withoutActuallyEscaping(body) { escapable in
            self.body = escapable
            pending.store(iterations, ordering: .relaxed)
            loopTag = (loopTag + 1) & 0xFFFF
            claims.store(loopTag << (2 * WorkerPool.fieldBits) | UInt64(iterations) << WorkerPool.fieldBits,
                         ordering: .releasing)
            generation.add(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                sleep.lock(); sleep.broadcast(); sleep.unlock()
            }
            work()
            var spins = 0
            while pending.load(ordering: .acquiring) > 0 {
                spins += 1
                if spins > 1_000 { sched_yield() }
            }
            // Closed: count 0, so a late claim (a worker that woke for this loop) takes nothing.
            claims.store(loopTag << (2 * WorkerPool.fieldBits), ordering: .releasing)
            self.body = nil
        }
    }

    /// Claims and runs iterations of the current loop until none is left.
    private func work() {
        while true {
            let claim = claims.add(1, ordering: .acquiringAndReleasing).oldValue
            let i = Int(claim & WorkerPool.fieldMask)
            let n = Int((claim >> WorkerPool.fieldBits) & WorkerPool.fieldMask)
            guard i < n else { return }
            body!(i)
            pending.subtract(1, ordering: .releasing)
        }
    }

    /// Makes sure at least `n` workers exist (they never exit; the pool lives as long as the process).
    private func startWorkers(_ n: Int) {
        while workers < n {
            workers += 1
            let thread = Thread { self.workerLoop() }
            thread.name = "spinode-worker-\(workers)"
            thread.start()
        }
    }

    private func workerLoop() {
        var seen = generation.load(ordering: .acquiring)
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                if spins >= spinLimit {
                    sleep.lock()
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    while generation.load(ordering: .sequentiallyConsistent) == seen { sleep.wait() }
                    sleepers.subtract(1, ordering: .sequentiallyConsistent)
                    sleep.unlock()
                }
            }
            seen = generation.load(ordering: .acquiring)
            work()
        }
    }
}
