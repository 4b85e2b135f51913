import XCTest
import Numerics
import NeuralNet
import Surrogate
#if canImport(Glibc)
import Glibc
#endif

final class FastRK4KernelTests: XCTestCase {
    /// A plain, independent reference: scalar MLP with Glibc tanh / softplus, classical RK4
    /// (Hairer, Norsett and Wanner, Solving ODEs I, Table II.1.1), ZOH extra inputs.
    private func referenceMLP(_ mlp: MLP, _ x: [Double]) -> [Double] {
        var h = x
        for l in 0..<mlp.layerCount {
            let w = mlp.weight(layer: l), b = mlp.bias(layer: l)
            var z = [Double](repeating: 0, count: w.rows)
            for o in 0..<w.rows {
                var s = b[o]
                for i in 0..<w.columns { s += w[o, i] * h[i] }
                switch mlp.activations[l] {
                case .tanh: z[o] = tanh(s)
                case .softplus: z[o] = log1p(exp(s))
                case .relu: z[o] = max(s, 0)
                case .identity: z[o] = s
                }
            }
            h = z
        }
        return h
    }

    private func referenceRK4(_ mlp: MLP, y0: [Double], steps: Int, h: Double, a: Matrix?,
                              extra: (Int) -> [Double]) -> [[Double]] {
        var y = y0, out = [[Double]]()
        let n = y0.count
        func f(_ y: [Double], _ e: [Double]) -> [Double] {
            var d = referenceMLP(mlp, y + e)
            if let a { for i in 0..<n { for j in 0..<n { d[i] += a[i, j] * y[j] } } }
            return d
        }
        for s in 0..<steps {
            let e = extra(s)
            let k1 = f(y, e)
            let k2 = f((0..<n).map { y[$0] + 0.5 * h * k1[$0] }, e)
            let k3 = f((0..<n).map { y[$0] + 0.5 * h * k2[$0] }, e)
            let k4 = f((0..<n).map { y[$0] + h * k3[$0] }, e)
            y = (0..<n).map { y[$0] + h / 6 * (k1[$0] + 2 * k2[$0] + 2 * k3[$0] + k4[$0]) }
            out.append(y)
        }
        return out
    }

    /// Paper network 4-50-50-2 (tanh, tanh, identity; N(0, 0.1)), inputs [y, u_s, u_{s+1}],
    /// dt 0.025, 2,000 steps, batch 1: the fused trajectory equals the reference to 1e-12 (absolute,
    /// states of order 1-10).
    func testPaperNetworkBatchOneMatchesReference() throws {
        let mlp = try MLP(widths: [4, 50, 50, 2], activations: [.tanh, .tanh, .identity], initialisation: .paper, seed: 4)
        var rng = SeededRandom(seed: 8)
        let steps = 2_000
        let u = (0...steps).map { _ in rng.uniform(-1, 1) }
        let kernel = try FastRK4Kernel(mlp: mlp, stateWidth: 2, sequenceInputCount: 2)
        var y: [Double] = [0.3, -0.1]
        var traj = [Double](repeating: .nan, count: steps * 2)
        u.withUnsafeBufferPointer { up in
            kernel.integrate(batch: 1, steps: steps, stepSize: 0.025, state: &y,
                             inputs: .init(base: up.baseAddress!, memberStride: 0, stepStride: 1, inputStride: 1),
                             trajectory: &traj, trajectoryMemberStride: steps * 2)
        }
        let ref = referenceRK4(mlp, y0: [0.3, -0.1], steps: steps, h: 0.025, a: nil) { [u[$0], u[$0 + 1]] }
        var worst = 0.0
        for s in 0..<steps { for j in 0..<2 { worst = max(worst, abs(traj[s * 2 + j] - ref[s][j])) } }
        XCTAssertLessThanOrEqual(worst, 1e-12, "max trajectory difference \(worst)")
        XCTAssertEqual(y, [traj[2 * steps - 2], traj[2 * steps - 1]])
        XCTAssertGreaterThan(abs(ref[steps - 1][0] - 0.3), 1e-3, "the trajectory must move")
    }

    /// Odd batch of 5 (pairs and a single member), 1 and 2 threads, a wide hidden layer of 70 (two
    /// 64-neuron chunks), softplus and relu, a linear term, static inputs and a wide (9) output state:
    /// every member equals its own reference run to 1e-12.
    func testGeneralShapesAndThreadsMatchReference() throws {
        let n = 9, ms = 1, mc = 2, batch = 5, steps = 200
        let mlp = try MLP(widths: [n + ms + mc, 70, 6, n], activations: [.softplus, .relu, .identity],
                          initialisation: .normal(sigma: 0.2), seed: 12)
        let a = Matrix(rows: n, columns: n) { i, j in i == j ? -0.5 : 0.01 * Double(i - j) }
        var rng = SeededRandom(seed: 3)
        let u = (0..<(batch * steps)).map { _ in rng.normal() }
        let p = (0..<(batch * mc)).map { _ in rng.uniform(-1, 1) }
        let y0 = (0..<(batch * n)).map { _ in rng.normal() }
        let kernel = try FastRK4Kernel(mlp: mlp, stateWidth: n, sequenceInputCount: ms, constantInputCount: mc,
                                       linearTerm: a, maxThreads: 2)
        for threads in [1, 2] {
            var y = y0
            u.withUnsafeBufferPointer { up in
                kernel.integrate(batch: batch, steps: steps, stepSize: 0.05, state: &y,
                                 inputs: .init(base: up.baseAddress!, memberStride: steps, stepStride: 1, inputStride: 1),
                                 constants: p, threads: threads)
            }
            for b in 0..<batch {
                let ref = referenceRK4(mlp, y0: Array(y0[(b * n)..<((b + 1) * n)]), steps: steps, h: 0.05, a: a) {
                    [u[b * steps + $0], p[b * mc], p[b * mc + 1]]
                }
                for j in 0..<n {
                    XCTAssertEqual(y[b * n + j], ref[steps - 1][j], accuracy: 1e-12, "threads \(threads) member \(b) component \(j)")
                }
            }
        }
    }
}
