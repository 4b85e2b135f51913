import Dispatch
import Foundation
import Numerics
import XCTest

/// `WorkerPool`: every index runs exactly once per loop, loops follow each other without losing or
/// repeating work, and a loop started while another runs (concurrent callers, a nested call) still
/// runs all its indices (on the calling thread).
final class WorkerPoolTests: XCTestCase {
    func testEveryIndexRunsOnceInManyShortLoops() {
        let pool = WorkerPool.shared
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 7)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0, count: 7)
        for loop in 0..<20_000 {
            let n = 1 + loop % 7
            pool.run(iterations: n, threads: 3) { i in counts[i] += 1 }
        }
        // Index i is part of the loops with n > i: n = 1 + loop % 7, 20,000 loops.
        for i in 0..<7 {
            let expected = (0..<20_000).filter { 1 + $0 % 7 > i }.count
            XCTAssertEqual(counts[i], expected, "index \(i)")
        }
    }

    func testConcurrentAndNestedLoopsRunAllTheirIndices() {
        let pool = WorkerPool.shared
        let sums = UnsafeMutablePointer<Int>.allocate(capacity: 4 * 16)
        defer { sums.deallocate() }
        sums.initialize(repeating: 0, count: 4 * 16)
        DispatchQueue.concurrentPerform(iterations: 4) { caller in
            for _ in 0..<500 {
                pool.run(iterations: 4, threads: 2) { i in
                    pool.run(iterations: 4, threads: 2) { j in sums[caller * 16 + 4 * i + j] += 1 }
                }
            }
        }
        for k in 0..<(4 * 16) { XCTAssertEqual(sums[k], 500, "caller \(k / 16), pair \(k % 16)") }
    }
}
