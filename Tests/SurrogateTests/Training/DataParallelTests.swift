import Foundation
import Numerics
import Surrogate
import XCTest

/// Data-parallel training (`mpirun spinode fit`): each process integrates its block of every minibatch
/// and the weighted losses and gradients are summed. Here the processes are threads of one test and the
/// sum is `InProcessWorld`, which adds the ranks' vectors in rank order (as a fixed MPI reduction does).
final class DataParallelTests: XCTestCase {
    /// A world of `size` threads: `sum` waits for every rank's vector and hands each the same total,
    /// added in rank order.
    final class InProcessWorld: @unchecked Sendable {
        let size: Int
        private let condition = NSCondition()
        private var pending: [[Double]?]
        private var total: [Double] = []
        private var round = 0, arrived = 0

        init(size: Int) { self.size = size; pending = Array(repeating: nil, count: size) }

        func rank(_ r: Int) -> Rank { Rank(world: self, rank: r) }

        func contribute(_ values: inout [Double], rank: Int) {
            condition.lock()
            defer { condition.unlock() }
            let myRound = round
            pending[rank] = values
            arrived += 1
            if arrived == size {
                total = pending[0]!
                for r in 1..<size { for i in total.indices { total[i] += pending[r]![i] } }
                arrived = 0; round += 1
                condition.broadcast()
            } else {
                while round == myRound { condition.wait() }
            }
            values = total
        }

        final class Rank: GradientAllReduce {
            let world: InProcessWorld, rank: Int
            init(world: InProcessWorld, rank: Int) { self.world = world; self.rank = rank }
            var size: Int { world.size }
            func sum(_ values: inout [Double]) throws { world.contribute(&values, rank: rank) }
        }
    }

    /// A rank that keeps its own vector (its weighted share), to look at the parts before the sum.
    final class Alone: GradientAllReduce {
        let rank: Int, size: Int
        init(rank: Int, size: Int) { self.rank = rank; self.size = size }
        func sum(_ values: inout [Double]) throws {}
    }

    /// Input and state noise are on: every rank must draw the whole minibatch's noise to stay in step.
    func options() -> FitOptions { DrivenDuffing.smallFitOptions(iterations: 20, validateEvery: 5, seed: 7) }

    func traces() throws -> [RawTrace] { try DrivenDuffing.twoTraces() }

    func testBlocksCoverTheBatchOnce() {
        for (batch, size) in [(8, 2), (8, 3), (50, 4), (5, 5)] {
            let blocks = (0..<size).map { MinibatchShare.range(batch: batch, rank: $0, size: size) }
            XCTAssertEqual(blocks.flatMap { Array($0) }, Array(0..<batch))
            XCTAssertLessThanOrEqual(blocks.map(\.count).max()! - blocks.map(\.count).min()!, 1)
        }
    }

    /// The ranks' weighted losses and gradients of one minibatch (with input and state noise) add up to
    /// the whole minibatch's, for 2 and 3 ranks (blocks of 2, 3, 3 windows), to round-off.
    func testSharesSumToTheWholeMinibatch() throws {
        let whole = try SurrogateTrainer(traces: traces(), options: options()).minibatchGradient()
        let scale = whole.gradient.map(abs).max()!
        for size in [2, 3] {
            var loss = 0.0, gradient = [Double](repeating: 0, count: whole.gradient.count)
            for rank in 0..<size {
                let part = try SurrogateTrainer(traces: traces(), options: options(), dataParallel: Alone(rank: rank, size: size))
                    .minibatchGradient()
                loss += part.loss
                for i in gradient.indices { gradient[i] += part.gradient[i] }
            }
            XCTAssertEqual(loss, whole.loss, accuracy: 1e-14 * whole.loss, "\(size) ranks")
            for i in gradient.indices { XCTAssertEqual(gradient[i], whole.gradient[i], accuracy: 1e-13 * scale, "\(size) ranks, parameter \(i)") }
        }
    }

    /// 20 iterations on 2 and 3 ranks in step (every rank ends with the same parameters, bit for bit), equal
    /// to the single-process run to round-off; the same rank count twice gives the same bits.
    func testRanksTrainTheSameModelAsOneProcess() throws {
        let serial = try SurrogateTrainer(traces: traces(), options: options())
        _ = try serial.run()
        func parallel(_ size: Int) throws -> [SurrogateTrainer] {
            let world = InProcessWorld(size: size)
            let trainers = try (0..<size).map { try SurrogateTrainer(traces: traces(), options: options(), dataParallel: world.rank($0)) }
            // One thread per rank (a pool with fewer threads than ranks would wait forever in the sum).
            let errors = ErrorBox(), done = DispatchGroup()
            for r in 0..<size {
                done.enter()
                Thread {
                    do { _ = try trainers[r].run() } catch { errors.record(error) }
                    done.leave()
                }.start()
            }
            done.wait()
            if let e = errors.first { throw e }
            return trainers
        }
        let reference = serial.model.mlp.parameters, scale = reference.map(abs).max()!
        for size in [2, 3] {
            let ranks = try parallel(size)
            for t in ranks.dropFirst() { XCTAssertEqual(t.model.mlp.parameters, ranks[0].model.mlp.parameters) }
            XCTAssertEqual(ranks[0].iteration, serial.iteration)
            let p = ranks[0].model.mlp.parameters
            for i in p.indices { XCTAssertEqual(p[i], reference[i], accuracy: 1e-10 * scale, "\(size) ranks, parameter \(i)") }
            XCTAssertEqual(ranks[0].bestIteration, serial.bestIteration)
            let again = try parallel(size)
            XCTAssertEqual(again[0].model.mlp.parameters, p, "\(size) ranks: repeated run")
        }
    }

    func testBatchSmallerThanTheRanksIsRefused() throws {
        var o = options()
        o.batchSize = 2
        XCTAssertThrowsError(try SurrogateTrainer(traces: traces(), options: o, dataParallel: Alone(rank: 0, size: 3))) { error in
            XCTAssertTrue("\(error)".contains("--batch 3"), "\(error)")
        }
    }

    final class ErrorBox: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var first: Error?
        func record(_ e: Error) { lock.lock(); if first == nil { first = e }; lock.unlock() }
    }
}
