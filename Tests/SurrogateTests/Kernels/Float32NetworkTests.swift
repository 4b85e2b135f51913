import XCTest
import Numerics
import NeuralNet
import ODE
import Surrogate

/// `FastRK4Kernel` with `precision: .float32` (the network in Float32, `Float32Network`; state and
/// RK4 stages in Float64) against the Float64 reference.
final class Float32NetworkTests: XCTestCase {
    /// Paper network 4-50-50-2 (N(0, 0.1)), 2,000 classical RK4 steps of 0.025 at batch 1, both lane
    /// widths: within 5e-6 of the Float64 reference trajectory everywhere (states of order 0.1-1; Float32
    /// epsilon is 1.2e-7), the two blockings within 1e-5 of each other, and not equal to the Float64 run
    /// to the bit (the Float32 path really ran).
    func testPaperNetworkFollowsFloat64() throws {
        let mlp = try MLP(widths: [4, 50, 50, 2], activations: [.tanh, .tanh, .identity], initialisation: .paper, seed: 4)
        var rng = SeededRandom(seed: 8)
        let steps = 2_000
        let u = (0...steps).map { _ in rng.uniform(-1, 1) }
        let ref = try RK4Reference.trajectory(mlp, y0: [0.3, -0.1], steps: steps, h: 0.025) { [u[$0], u[$0 + 1]] }
        var finals = [[Double]]()
        for width in [LaneVectorWidth.bits256, .bits512] {
            let kernel = try FastRK4Kernel(mlp: mlp, stateWidth: 2, sequenceInputCount: 2, laneVectorWidth: width, precision: .float32)
            XCTAssertEqual(kernel.precision, .float32)
            var y: [Double] = [0.3, -0.1]
            var traj = [Double](repeating: .nan, count: steps * 2)
            u.withUnsafeBufferPointer { up in
                kernel.integrate(batch: 1, steps: steps, stepSize: 0.025, state: &y,
                                 inputs: .init(base: up.baseAddress!, memberStride: 0, stepStride: 1, inputStride: 1),
                                 trajectory: &traj, trajectoryMemberStride: steps * 2)
            }
            var worst = 0.0
            for s in 0..<steps { for j in 0..<2 { worst = max(worst, abs(traj[s * 2 + j] - ref[s][j])) } }
            print("Float32 network, \(width): max |trajectory - Float64 reference| = \(worst)")
            XCTAssertLessThanOrEqual(worst, 5e-6, "\(width)")
            XCTAssertGreaterThan(worst, 0, "\(width): the Float32 path must differ from Float64 somewhere")
            finals.append(y)
        }
        for j in 0..<2 { XCTAssertEqual(finals[0][j], finals[1][j], accuracy: 1e-5) }
    }

    /// General shapes in Float32: odd batch 5 on 1 and 2 threads, a hidden layer of 70 (two 64-neuron
    /// chunks), a narrow hidden layer of 6, softplus and relu, a linear term, static inputs, a state of
    /// 9, both rules. Every member gives the same bits whatever the batch and the threads (members never
    /// share arithmetic in Float32) and stays within 2e-6 of its Float64 reference (states of order 1).
    func testGeneralShapesBatchesAndThreads() throws {
        let n = 9, ms = 1, mc = 2, batch = 5, steps = 200
        let mlp = try MLP(widths: [n + ms + mc, 70, 6, n], activations: [.softplus, .relu, .identity],
                          initialisation: .normal(sigma: 0.2), seed: 12)
        let a = Matrix(rows: n, columns: n) { i, j in i == j ? -0.5 : 0.01 * Double(i - j) }
        var rng = SeededRandom(seed: 3)
        let u = (0..<(batch * steps)).map { _ in rng.normal() }
        let p = (0..<(batch * mc)).map { _ in rng.uniform(-1, 1) }
        let y0 = (0..<(batch * n)).map { _ in rng.normal() }
        let kernel = try FastRK4Kernel(mlp: mlp, stateWidth: n, sequenceInputCount: ms, constantInputCount: mc,
                                       linearTerm: a, maxThreads: 2, precision: .float32)
        for (rule, tableau) in [(FastRK4Kernel.Rule.classical, ButcherTableau.rk4), (.threeEighths, RK4Reference.threeEighths)] {
            func run(first: Int, count: Int, threads: Int) -> [Double] {
                var y = Array(y0[(first * n)..<((first + count) * n)])
                u.withUnsafeBufferPointer { up in
                    p.withUnsafeBufferPointer { pp in
                        kernel.integrate(batch: count, steps: steps, stepSize: 0.05, state: &y,
                                         inputs: .init(base: up.baseAddress! + first * steps, memberStride: steps, stepStride: 1, inputStride: 1),
                                         constants: pp.baseAddress! + first * mc, threads: threads, rule: rule)
                    }
                }
                return y
            }
            let one = run(first: 0, count: batch, threads: 1), two = run(first: 0, count: batch, threads: 2)
            XCTAssertEqual(one, two, "\(rule): threads")
            var worst = 0.0
            for b in 0..<batch {
                XCTAssertEqual(run(first: b, count: 1, threads: 1), Array(one[(b * n)..<((b + 1) * n)]), "\(rule): member \(b) alone")
                let ref = try RK4Reference.trajectory(mlp, y0: Array(y0[(b * n)..<((b + 1) * n)]), steps: steps, h: 0.05,
                                                      linearTerm: a, tableau: tableau) { [u[b * steps + $0], p[b * mc], p[b * mc + 1]] }
                for j in 0..<n { worst = max(worst, abs(one[b * n + j] - ref[steps - 1][j])) }
            }
            print("Float32 network, general shapes, \(rule): max |final - Float64 reference| = \(worst)")
            XCTAssertLessThanOrEqual(worst, 2e-6, "\(rule)")
            XCTAssertGreaterThan(worst, 0)
        }
    }

    /// `update(from:)` refreshes the Float32 copy too: a kernel built from one network and updated to
    /// another follows the second (within 1e-5 over 20 steps), not the first.
    func testUpdateRefreshesFloat32Weights() throws {
        let a = try MLP(widths: [3, 20, 2], activations: [.tanh, .identity], initialisation: .paper, seed: 1)
        let b = try MLP(widths: [3, 20, 2], activations: [.tanh, .identity], initialisation: .normal(sigma: 0.5), seed: 2)
        let kernel = try FastRK4Kernel(mlp: a, stateWidth: 2, sequenceInputCount: 1, precision: .float32)
        kernel.update(from: b)
        let u = (0..<20).map { Double($0) * 0.1 - 1 }
        var y: [Double] = [0.5, -0.5]
        u.withUnsafeBufferPointer { up in
            kernel.integrate(batch: 1, steps: 20, stepSize: 0.1, state: &y,
                             inputs: .init(base: up.baseAddress!, memberStride: 0, stepStride: 1, inputStride: 1))
        }
        let ref = try RK4Reference.trajectory(b, y0: [0.5, -0.5], steps: 20, h: 0.1) { [u[$0]] }
        XCTAssertEqual(y[0], ref[19][0], accuracy: 1e-5)
        XCTAssertEqual(y[1], ref[19][1], accuracy: 1e-5)
        let refA = try RK4Reference.trajectory(a, y0: [0.5, -0.5], steps: 20, h: 0.1) { [u[$0]] }
        XCTAssertGreaterThan(abs(refA[19][0] - ref[19][0]), 1e-3, "the two networks must differ")
    }
}
