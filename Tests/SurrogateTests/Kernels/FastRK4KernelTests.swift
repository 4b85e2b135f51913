import XCTest
import Numerics
import NeuralNet
import ODE
import Surrogate
#if canImport(Glibc)
import Glibc
#endif

/// `FastRK4Kernel` against the one RK4 definition (`RK4Reference`: the ODE module's tableau over the
/// plain network evaluation), and against the numpy loop of the peer benchmark.
final class FastRK4KernelTests: XCTestCase {
    /// Paper network 4-50-50-2 (tanh, tanh, identity; N(0, 0.1)), inputs [y, u_s, u_{s+1}],
    /// dt 0.025, 2,000 steps, batch 1: the fused trajectory equals the reference to 1e-12 (absolute,
    /// states of order 1-10), with the register blocking of either lane width.
    func testPaperNetworkBatchOneMatchesReference() throws {
        let mlp = try MLP(widths: [4, 50, 50, 2], activations: [.tanh, .tanh, .identity], initialisation: .paper, seed: 4)
        var rng = SeededRandom(seed: 8)
        let steps = 2_000
        let u = (0...steps).map { _ in rng.uniform(-1, 1) }
        let ref = try RK4Reference.trajectory(mlp, y0: [0.3, -0.1], steps: steps, h: 0.025) { [u[$0], u[$0 + 1]] }
        for width in [LaneVectorWidth.bits256, .bits512] {
            let kernel = try FastRK4Kernel(mlp: mlp, stateWidth: 2, sequenceInputCount: 2, laneVectorWidth: width)
            var y: [Double] = [0.3, -0.1]
            var traj = [Double](repeating: .nan, count: steps * 2)
            u.withUnsafeBufferPointer { up in
                kernel.integrate(batch: 1, steps: steps, stepSize: 0.025, state: &y,
                                 inputs: .init(base: up.baseAddress!, memberStride: 0, stepStride: 1, inputStride: 1),
                                 trajectory: &traj, trajectoryMemberStride: steps * 2)
            }
            var worst = 0.0
            for s in 0..<steps { for j in 0..<2 { worst = max(worst, abs(traj[s * 2 + j] - ref[s][j])) } }
            XCTAssertLessThanOrEqual(worst, 1e-12, "\(width): max trajectory difference \(worst)")
            XCTAssertEqual(y, [traj[2 * steps - 2], traj[2 * steps - 1]])
        }
        XCTAssertGreaterThan(abs(ref[steps - 1][0] - 0.3), 1e-3, "the trajectory must move")
    }

    /// Odd batch of 5 (pairs and a single member), 1 and 2 threads, a wide hidden layer of 70 (two
    /// 64-neuron chunks), softplus and relu, a linear term, static inputs and a wide (9) output state,
    /// both lane widths: every member equals its own reference run to 1e-12.
    func testGeneralShapesAndThreadsMatchReference() throws {
        let n = 9, ms = 1, mc = 2, batch = 5, steps = 200
        let mlp = try MLP(widths: [n + ms + mc, 70, 6, n], activations: [.softplus, .relu, .identity],
                          initialisation: .normal(sigma: 0.2), seed: 12)
        let a = Matrix(rows: n, columns: n) { i, j in i == j ? -0.5 : 0.01 * Double(i - j) }
        var rng = SeededRandom(seed: 3)
        let u = (0..<(batch * steps)).map { _ in rng.normal() }
        let p = (0..<(batch * mc)).map { _ in rng.uniform(-1, 1) }
        let y0 = (0..<(batch * n)).map { _ in rng.normal() }
        for width in [LaneVectorWidth.bits256, .bits512] {
        let kernel = try FastRK4Kernel(mlp: mlp, stateWidth: n, sequenceInputCount: ms, constantInputCount: mc,
                                       linearTerm: a, maxThreads: 2, laneVectorWidth: width)
        for threads in [1, 2] {
            var y = y0
            u.withUnsafeBufferPointer { up in
                kernel.integrate(batch: batch, steps: steps, stepSize: 0.05, state: &y,
                                 inputs: .init(base: up.baseAddress!, memberStride: steps, stepStride: 1, inputStride: 1),
                                 constants: p, threads: threads)
            }
            for b in 0..<batch {
                let ref = try RK4Reference.trajectory(mlp, y0: Array(y0[(b * n)..<((b + 1) * n)]), steps: steps, h: 0.05, linearTerm: a) {
                    [u[b * steps + $0], p[b * mc], p[b * mc + 1]]
                }
                for j in 0..<n {
                    XCTAssertEqual(y[b * n + j], ref[steps - 1][j], accuracy: 1e-12, "\(width) threads \(threads) member \(b) component \(j)")
                }
            }
        }
        }
    }

    /// `update(from:)` replaces the weights: a kernel built from one network and updated to another
    /// equals a reference run of the second (20 steps, 1e-12).
    func testUpdateFromAnotherNetwork() throws {
        let a = try MLP(widths: [3, 20, 2], activations: [.tanh, .identity], initialisation: .paper, seed: 1)
        let b = try MLP(widths: [3, 20, 2], activations: [.tanh, .identity], initialisation: .normal(sigma: 0.5), seed: 2)
        let kernel = try FastRK4Kernel(mlp: a, stateWidth: 2, sequenceInputCount: 1)
        kernel.update(from: b)
        let u = (0..<20).map { Double($0) * 0.1 - 1 }
        var y: [Double] = [0.5, -0.5]
        u.withUnsafeBufferPointer { up in
            kernel.integrate(batch: 1, steps: 20, stepSize: 0.1, state: &y,
                             inputs: .init(base: up.baseAddress!, memberStride: 0, stepStride: 1, inputStride: 1))
        }
        let ref = try RK4Reference.trajectory(b, y0: [0.5, -0.5], steps: 20, h: 0.1) { [u[$0]] }
        XCTAssertEqual(y[0], ref[19][0], accuracy: 1e-12)
        XCTAssertEqual(y[1], ref[19][1], accuracy: 1e-12)
        let refA = try RK4Reference.trajectory(a, y0: [0.5, -0.5], steps: 20, h: 0.1) { [u[$0]] }
        XCTAssertGreaterThan(abs(refA[19][0] - ref[19][0]), 1e-3, "the two networks must differ")
    }

    /// Kutta's 3/8 rule (torchdiffeq's rk4): batch 3 of a 4-50-50-2 network (N(0, 0.5^2), strongly
    /// nonlinear), step 0.2, 200 steps, 1e-12 against the reference; and it differs from the classical
    /// rule by more than 1e-8 (both are fourth order, equal on linear systems, so they differ by
    /// O(h^5) nonlinear terms per step).
    func testThreeEighthsRuleMatchesReference() throws {
        let mlp = try MLP(widths: [4, 50, 50, 2], activations: [.tanh, .tanh, .identity], initialisation: .normal(sigma: 0.5), seed: 9)
        let steps = 200, h = 0.2
        let u = (0..<(3 * (steps + 1))).map { sin(0.1 * Double($0)) }
        let kernel = try FastRK4Kernel(mlp: mlp, stateWidth: 2, sequenceInputCount: 2)
        let y0: [Double] = [0.1, 0.2, -0.3, 0.0, 0.5, -0.5]
        var y38 = y0, yc = y0
        u.withUnsafeBufferPointer { up in
            let inputs = FastRK4Kernel.SequenceInputs(base: up.baseAddress!, memberStride: steps + 1, stepStride: 1, inputStride: 1)
            kernel.integrate(batch: 3, steps: steps, stepSize: h, state: &y38, inputs: inputs, rule: .threeEighths)
            kernel.integrate(batch: 3, steps: steps, stepSize: h, state: &yc, inputs: inputs, rule: .classical)
        }
        var maxRuleDifference = 0.0
        for b in 0..<3 {
            let ref = try RK4Reference.trajectory(mlp, y0: Array(y0[(2 * b)..<(2 * b + 2)]), steps: steps, h: h, tableau: RK4Reference.threeEighths) {
                [u[b * (steps + 1) + $0], u[b * (steps + 1) + $0 + 1]]
            }
            for j in 0..<2 {
                XCTAssertEqual(y38[2 * b + j], ref[steps - 1][j], accuracy: 1e-12)
                maxRuleDifference = max(maxRuleDifference, abs(y38[2 * b + j] - yc[2 * b + j]))
            }
        }
        XCTAssertGreaterThan(maxRuleDifference, 1e-8)
    }

    /// The problem of scripts/bench/surrogate_rk4_peers.py (deterministic weights
    /// W_l[i][j] = sin(0.37 (i+1) + 0.71 (j+1) + l) / sqrt(fan-in), b_l[i] = 0.1 cos(0.5 (i+1) + l),
    /// inputs u_n = 2 frac((n + 1 + 1000 b) g) - 1, y(0) = (0.1 sin 1, 0.1 cos 1), 3/8 rule, dt 0.025),
    /// 2,000 steps at batch 1. Reference: that script's numpy loop (`run_numpy(2000, 1)`, numpy 2.4.6)
    /// printed (-7.38734536632281, -3.631779846508485); agreement to 1e-12.
    func testPeerProblemMatchesNumpyLoop() throws {
        let widths = [4, 50, 50, 2]
        var mlp = try MLP(widths: widths, activations: [.tanh, .tanh, .identity])
        for l in 1...3 {
            let m = widths[l - 1], n = widths[l]
            try mlp.setWeight(layer: l - 1, Matrix(rows: n, columns: m) { i, j in
                sin(0.37 * Double(i + 1) + 0.71 * Double(j + 1) + Double(l)) / Double(m).squareRoot()
            })
            try mlp.setBias(layer: l - 1, (0..<n).map { 0.1 * cos(0.5 * Double($0 + 1) + Double(l)) })
        }
        let steps = 2_000, golden = 0.6180339887498949
        let u = (0...steps).map { n -> Double in
            let x = (Double(n) + 1) * golden
            return 2 * (x - x.rounded(.down)) - 1
        }
        var y = [0.1 * sin(1.0), 0.1 * cos(1.0)]
        let kernel = try FastRK4Kernel(mlp: mlp, stateWidth: 2, sequenceInputCount: 2)
        u.withUnsafeBufferPointer { up in
            kernel.integrate(batch: 1, steps: steps, stepSize: 0.025, state: &y,
                             inputs: .init(base: up.baseAddress!, memberStride: 0, stepStride: 1, inputStride: 1),
                             rule: .threeEighths)
        }
        XCTAssertEqual(y[0], -7.38734536632281, accuracy: 1e-12)
        XCTAssertEqual(y[1], -3.631779846508485, accuracy: 1e-12)
    }

    /// Random networks (4 seeds: widths, activations tanh, softplus, relu or identity, N(0, 0.3^2)
    /// weights, with and without a linear term and static inputs; 256-bit blocking for even seeds, 512
    /// for odd), batch 3, 100 steps of 0.05, both rules: every member equals the reference to
    /// round-off (1e-12 absolute on states of order 1).
    func testRandomNetworksMatchReference() throws {
        let hiddenActivations: [Activation] = [.tanh, .softplus, .relu, .identity]
        for seed in UInt64(1)...4 {
            var rng = SeededRandom(seed: 100 + seed)
            let n = 1 + Int(rng.uniform() * 4), ms = Int(rng.uniform() * 3), mc = Int(seed % 2) * 2
            let hidden = [4 + Int(rng.uniform() * 70), 3 + Int(rng.uniform() * 12)]
            let acts = [hiddenActivations[Int(seed) % 4], hiddenActivations[(Int(seed) + 1) % 4], .identity]
            let mlp = try MLP(widths: [n + ms + mc] + hidden + [n], activations: acts,
                              initialisation: .normal(sigma: 0.3), seed: seed)
            let a = seed % 2 == 0 ? Matrix(rows: n, columns: n) { i, j in i == j ? -0.3 : 0.05 * Double(i - j) } : nil
            let batch = 3, steps = 100, h = 0.05
            let u = (0..<max(1, batch * steps * ms)).map { _ in rng.normal() }
            let p = (0..<max(1, batch * mc)).map { _ in rng.uniform(-1, 1) }
            let y0 = (0..<(batch * n)).map { _ in rng.normal() }
            let kernel = try FastRK4Kernel(mlp: mlp, stateWidth: n, sequenceInputCount: ms, constantInputCount: mc,
                                           linearTerm: a, maxThreads: 1,
                                           laneVectorWidth: seed % 2 == 0 ? .bits256 : .bits512)
            for (rule, tableau) in [(FastRK4Kernel.Rule.classical, ButcherTableau.rk4), (.threeEighths, RK4Reference.threeEighths)] {
                var y = y0
                u.withUnsafeBufferPointer { up in
                    p.withUnsafeBufferPointer { pp in
                        kernel.integrate(batch: batch, steps: steps, stepSize: h, state: &y,
                                         inputs: ms > 0 ? .init(base: up.baseAddress!, memberStride: steps * ms, stepStride: ms, inputStride: 1) : nil,
                                         constants: mc > 0 ? pp.baseAddress! : nil, rule: rule)
                    }
                }
                for b in 0..<batch {
                    let ref = try RK4Reference.trajectory(mlp, y0: Array(y0[(b * n)..<((b + 1) * n)]), steps: steps, h: h,
                                                          linearTerm: a, tableau: tableau) { s -> [Double] in
                        let sequence: [Double] = (0..<ms).map { u[b * steps * ms + s * ms + $0] }
                        let constants: [Double] = (0..<mc).map { p[b * mc + $0] }
                        return sequence + constants
                    }
                    for j in 0..<n {
                        XCTAssertEqual(y[b * n + j], ref[steps - 1][j], accuracy: 1e-12, "seed \(seed) \(rule) member \(b) component \(j)")
                    }
                }
            }
        }
    }

    /// The two register blockings on the paper network (4-50-50-2, N(0, 0.1)), 500 steps: a pair of
    /// members (batch 2) gives the same bits at both widths (the same sums in the same order), and a
    /// single member (one chain per output vector against even and odd inputs apart) agrees to 1e-13.
    func testLaneWidthsAgree() throws {
        let mlp = try MLP(widths: [4, 50, 50, 2], activations: [.tanh, .tanh, .identity], initialisation: .paper, seed: 6)
        let steps = 500
        let u = (0..<(2 * (steps + 1))).map { sin(0.07 * Double($0)) }
        func run(_ width: LaneVectorWidth, batch: Int) throws -> [Double] {
            let kernel = try FastRK4Kernel(mlp: mlp, stateWidth: 2, sequenceInputCount: 2, laneVectorWidth: width)
            var y = Array([0.2, -0.4, -0.1, 0.3].prefix(2 * batch))
            u.withUnsafeBufferPointer { up in
                kernel.integrate(batch: batch, steps: steps, stepSize: 0.025, state: &y,
                                 inputs: .init(base: up.baseAddress!, memberStride: steps + 1, stepStride: 1, inputStride: 1))
            }
            return y
        }
        XCTAssertEqual(try run(.bits256, batch: 2), try run(.bits512, batch: 2))
        let a = try run(.bits256, batch: 1), b = try run(.bits512, batch: 1)
        XCTAssertGreaterThan(abs(a[0] - 0.2), 1e-3, "the state must move")
        for j in 0..<2 { XCTAssertEqual(a[j], b[j], accuracy: 1e-13) }
        XCTAssertEqual(LaneVectorWidth.automatic.resolved, LaneVectorWidth.native)
        XCTAssertNotEqual(LaneVectorWidth.native, .automatic)
    }
}
