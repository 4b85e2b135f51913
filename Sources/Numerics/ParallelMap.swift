import Dispatch

/// `body(i)` for i in 0 ..< count on up to `threads` threads, results in index order: thread w takes
/// w, w + threads, ... (a fixed assignment, so each result depends only on its index). Meant for a few
/// coarse, independent jobs (the members of an ensemble), not for fine-grained loops (`WorkerPool`).
/// Every job runs even when one throws; then the error of the lowest failing index is rethrown.
public func parallelMap<T>(count: Int, threads: Int, _ body: (Int) throws -> T) throws -> [T] {
    var results = [Result<T, Error>?](repeating: nil, count: count)
    let workers = max(1, min(threads, count))
    results.withUnsafeMutableBufferPointer { buffer in
        let slots = buffer
        withoutActuallyEscaping(body) { job in
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                for i in stride(from: w, to: count, by: workers) { slots[i] = Result { try job(i) } }
            }
        }
    }
    return try results.map { try $0!.get() }
}
