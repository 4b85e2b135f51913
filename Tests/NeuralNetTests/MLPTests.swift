import XCTest
import Numerics
import NeuralNet
#if canImport(Glibc)
import Glibc
#endif

final class MLPTests: XCTestCase {
    /// A 2-2-1 network computed by hand:
    /// W1 = [[1, -2], [0.5, 3]], b1 = [0.1, -0.2], tanh; W2 = [[2, -1]], b2 = [0.3], identity.
    /// x = (0.4, -0.3): z1 = (0.4 + 0.6 + 0.1, 0.2 - 0.9 - 0.2) = (1.1, -0.9),
    /// y = 2 tanh(1.1) - tanh(-0.9) + 0.3.
    func testForwardMatchesHandComputation() throws {
        var mlp = try MLP(widths: [2, 2, 1], activations: [.tanh, .identity])
        try mlp.setParameters([1, -2, 0.5, 3, 0.1, -0.2, 2, -1, 0.3])
        let expected = 2 * tanh(1.1) - tanh(-0.9) + 0.3
        XCTAssertEqual(mlp([0.4, -0.3])[0], expected, accuracy: 1e-15)
        XCTAssertEqual(mlp.weight(layer: 0), Matrix(rows: 2, columns: 2, storage: [1, -2, 0.5, 3]))
        XCTAssertEqual(mlp.bias(layer: 1), [0.3])
        // softplus and relu output layers on the same hidden state: log(1 + e^z), max(z, 0).
        var sp = try MLP(widths: [2, 2, 1], activations: [.tanh, .softplus])
        try sp.setParameters(mlp.parameters)
        XCTAssertEqual(sp([0.4, -0.3])[0], log(1 + exp(expected)), accuracy: 1e-15)
        var rl = try MLP(widths: [2, 2, 1], activations: [.relu, .identity])
        try rl.setParameters(mlp.parameters)
        XCTAssertEqual(rl([0.4, -0.3])[0], 2 * 1.1 - 0 + 0.3, accuracy: 1e-15)
    }

    /// Batched forward equals row-by-row forward, and the BLAS and direct kernels agree (round-off only).
    func testBatchedPathsAgree() throws {
        let mlp = try MLP(widths: [4, 50, 50, 2], activations: [.tanh, .tanh, .identity], initialisation: .paper, seed: 3)
        var rng = SeededRandom(seed: 9)
        for batch in [1, 3, 17] {
            let x = Matrix(rows: batch, columns: 4) { _, _ in rng.normal() }
            let a = mlp(x, path: .blas), b = mlp(x, path: .direct), c = mlp(x)
            for i in 0..<a.count {
                XCTAssertEqual(a.storage[i], b.storage[i], accuracy: 1e-14 * max(1, abs(a.storage[i])))
                XCTAssertEqual(a.storage[i], c.storage[i], accuracy: 1e-14 * max(1, abs(a.storage[i])))
            }
            for r in 0..<batch {
                let single = mlp(x.row(r))
                for j in 0..<2 { XCTAssertEqual(single[j], a[r, j], accuracy: 1e-14) }
            }
        }
    }

    func testParameterFlatteningRoundTrip() throws {
        var mlp = try MLP(widths: [3, 5, 2], activations: [.softplus, .identity])
        XCTAssertEqual(mlp.parameterCount, 3 * 5 + 5 + 5 * 2 + 2)
        XCTAssertEqual(MLP.parameterCount(widths: [4, 50, 50, 2]), 4 * 50 + 50 + 50 * 50 + 50 + 50 * 2 + 2)
        let theta = (0..<mlp.parameterCount).map { Double($0) * 0.5 - 3 }
        try mlp.setParameters(theta)
        XCTAssertEqual(mlp.parameters, theta)
        // Flat order W1, b1, W2, b2 (PyTorch nn.Sequential.parameters()).
        XCTAssertEqual(mlp.weight(layer: 0).storage, Array(theta[0..<15]))
        XCTAssertEqual(mlp.bias(layer: 0), Array(theta[15..<20]))
        XCTAssertEqual(mlp.weight(layer: 1).storage, Array(theta[20..<30]))
        XCTAssertEqual(mlp.bias(layer: 1), Array(theta[30..<32]))
        var copy = try MLP(widths: [3, 5, 2], activations: [.softplus, .identity])
        for l in 0..<2 { try copy.setWeight(layer: l, mlp.weight(layer: l)); try copy.setBias(layer: l, mlp.bias(layer: l)) }
        XCTAssertEqual(copy.parameters, theta)
        XCTAssertThrowsError(try mlp.setParameters([1, 2]))
        XCTAssertThrowsError(try MLP(widths: [3, 5], activations: [.tanh, .tanh]))
    }

    /// VJP of every activation against central finite differences, relative error <= 1e-7
    /// (h = 1e-5: truncation h^2 f''' / 6 ~ 1e-11, round-off eps / h ~ 1e-11).
    func testVectorJacobianProductMatchesFiniteDifferences() throws {
        for act in Activation.allCases {
            let widths = [3, 6, 5, 2]
            let mlp = try MLP(widths: widths, activations: [act, act, .identity], initialisation: .normal(sigma: 0.7), seed: 11)
            let batch = 4, h = 1e-5
            // Inputs drawn from the first seed whose ReLU pre-activations all stay 1e3 h away from
            // the kink, where a finite difference is valid (smooth activations take seed 5).
            var seed: UInt64 = 5, x = [Double](), v = [Double]()
            repeat {
                var rng = SeededRandom(seed: seed)
                x = (0..<(batch * 3)).map { _ in rng.normal() }
                v = (0..<(batch * 2)).map { _ in rng.normal() }
                seed += 1
            } while act == .relu && kinkNearby(mlp, x, batch: batch, h: h) && seed < 200
            XCTAssertFalse(act == .relu && kinkNearby(mlp, x, batch: batch, h: h))
            let ws = MLPWorkspace(for: mlp, maxBatch: batch)
            // Objective L(x, theta) = sum v . MLP(x).
            func loss(_ m: MLP, _ xs: [Double]) -> Double {
                let w2 = MLPWorkspace(for: m, maxBatch: batch)
                let out = xs.withUnsafeBufferPointer { m.forward(batch: batch, input: $0.baseAddress!, inputStride: 3, workspace: w2) }
                var s = 0.0
                for i in 0..<(batch * 2) { s += v[i] * out[i] }
                return s
            }
            var gx = [Double](repeating: 7, count: batch * 3)       // accumulate onto 7
            var gtheta = [Double](repeating: 1, count: mlp.parameterCount) // added onto 1
            x.withUnsafeBufferPointer { xp in
                mlp.forward(batch: batch, input: xp.baseAddress!, inputStride: 3, workspace: ws)
                v.withUnsafeBufferPointer { vp in
                    gx.withUnsafeMutableBufferPointer { gxp in
                        gtheta.withUnsafeMutableBufferPointer { gtp in
                            mlp.vectorJacobianProduct(batch: batch, input: xp.baseAddress!, inputStride: 3,
                                                      outputCotangent: vp.baseAddress!, outputCotangentStride: 2,
                                                      inputCotangent: gxp.baseAddress!, inputCotangentStride: 3,
                                                      accumulateInput: true,
                                                      parameterCotangent: gtp.baseAddress!, workspace: ws)
                        }
                    }
                }
            }
            for i in 0..<x.count {
                var xp = x, xm = x
                xp[i] += h; xm[i] -= h
                let fd = (loss(mlp, xp) - loss(mlp, xm)) / (2 * h)
                XCTAssertEqual(gx[i] - 7, fd, accuracy: 1e-7 * max(1, abs(fd)), "\(act) input \(i)")
            }
            for j in 0..<mlp.parameterCount {
                var mp = mlp, mm = mlp
                mp.parameters[j] += h; mm.parameters[j] -= h
                let fd = (loss(mp, x) - loss(mm, x)) / (2 * h)
                XCTAssertEqual(gtheta[j] - 1, fd, accuracy: 1e-7 * max(1, abs(fd)), "\(act) parameter \(j)")
            }
        }
    }

    /// True if any pre-activation is within 1e3 h of zero (where a ReLU finite difference is invalid).
    private func kinkNearby(_ mlp: MLP, _ x: [Double], batch: Int, h: Double) -> Bool {
        let ws = MLPWorkspace(for: mlp, maxBatch: batch)
        x.withUnsafeBufferPointer { _ = mlp.forward(batch: batch, input: $0.baseAddress!, inputStride: mlp.inputWidth, workspace: ws) }
        for l in 0..<mlp.layerCount {
            let z = ws.preActivation(layer: l)
            for i in 0..<(batch * mlp.widths[l + 1]) where abs(z[i]) < 1e3 * h { return true }
        }
        return false
    }

    /// Input cotangent restricted to the first columns, overwritten, matches the full one.
    func testPartialInputCotangent() throws {
        let mlp = try MLP(widths: [4, 8, 2], activations: [.tanh, .identity], initialisation: .paper, seed: 1)
        let x: [Double] = [0.1, -0.2, 0.3, 0.4, 1, 2, -1, 0.5], v: [Double] = [1, -1, 0.5, 2]
        let ws = MLPWorkspace(for: mlp, maxBatch: 2)
        var full = [Double](repeating: 0, count: 8), part = [Double](repeating: 9, count: 4)
        var g1 = [Double](repeating: 0, count: mlp.parameterCount), g2 = g1
        x.withUnsafeBufferPointer { xp in
            mlp.forward(batch: 2, input: xp.baseAddress!, inputStride: 4, workspace: ws)
            mlp.vectorJacobianProduct(batch: 2, input: xp.baseAddress!, inputStride: 4, outputCotangent: v, outputCotangentStride: 2,
                                      inputCotangent: &full, inputCotangentStride: 4, parameterCotangent: &g1, workspace: ws)
            mlp.vectorJacobianProduct(batch: 2, input: xp.baseAddress!, inputStride: 4, outputCotangent: v, outputCotangentStride: 2,
                                      inputCotangent: &part, inputCotangentStride: 2, inputCotangentColumns: 2,
                                      parameterCotangent: &g2, workspace: ws)
        }
        XCTAssertEqual(part, [full[0], full[1], full[4], full[5]])
        XCTAssertEqual(g1, g2)
    }
}
