import XCTest
import Numerics
import NeuralNet
import Surrogate

final class SampleGridRK4Tests: XCTestCase {
    /// RK4 on dy/dt = -y (MLP 1 -> 1 identity with weight -1, bias 0): one step of h multiplies by
    /// 1 - h + h^2/2 - h^3/6 + h^4/24 (the RK4 stability polynomial, HNW I, IV.2).
    func testForwardMatchesStabilityPolynomial() throws {
        var mlp = try MLP(widths: [1, 1], activations: [.identity])
        try mlp.setParameters([-1, 0])
        let field = try NeuralVectorField(mlp: mlp, stateWidth: 1, extraInputCount: 0, batch: 1)
        let kernel = SampleGridRK4()
        var saved = [Double](repeating: 0, count: 6)
        let h = 0.3
        try [1.0].withUnsafeBufferPointer { y0 in
            try saved.withUnsafeMutableBufferPointer {
                try kernel.forward(field, y0: y0.baseAddress!, t0: 0, sampleStep: h, samples: 6, stepsPerSample: 1, saved: $0.baseAddress!)
            }
        }
        let r = 1 - h + h * h / 2 - h * h * h / 6 + h * h * h * h / 24
        for j in 0..<6 { XCTAssertEqual(saved[j], pow(r, Double(j)), accuracy: 1e-15) }
    }

    /// The discrete adjoint is the exact gradient of the computed trajectory: compare dL/dtheta and
    /// dL/dy0 of L = sum_j w_j . y_j with central finite differences (step 1e-6, relative 1e-6).
    func testBackwardMatchesFiniteDifferences() throws {
        let n = 2, m = 3, batch = 3, samples = 5, stepsPerSample = 2
        var mlp = try MLP(widths: [n + m, 7, n], activations: [.tanh, .identity],
                          initialisation: .normal(sigma: 0.5), seed: 11)
        let theta0 = mlp.parameters
        let drive: NeuralVectorField.ExtraInputs = { tau, count, e, stride in
            for b in 0..<count { for j in 0..<m { e[b * stride + j] = sin(1.3 * tau + Double(b) + 0.7 * Double(j)) } }
        }
        var rng = SeededRandom(seed: 5)
        let y0 = (0..<(batch * n)).map { _ in rng.normal() }
        let weights = (0..<(samples * batch * n)).map { _ in rng.normal() }
        let linear = Matrix(rows: n, columns: n, storage: [-0.3, 0.2, 0.1, -0.5])

        func loss(_ theta: [Double], _ y: [Double]) throws -> Double {
            try mlp.setParameters(theta)
            let field = try NeuralVectorField(mlp: mlp, stateWidth: n, extraInputCount: m, batch: batch,
                                              linearTerm: linear, extraInputs: drive)
            let kernel = SampleGridRK4()
            var saved = [Double](repeating: 0, count: samples * batch * n)
            try y.withUnsafeBufferPointer { yp in
                try saved.withUnsafeMutableBufferPointer {
                    try kernel.forward(field, y0: yp.baseAddress!, t0: 0.1, sampleStep: 0.2, samples: samples,
                                       stepsPerSample: stepsPerSample, saved: $0.baseAddress!)
                }
            }
            return zip(saved, weights).map { $0 * $1 }.reduce(0, +)
        }
        // Adjoint gradient.
        try mlp.setParameters(theta0)
        let field = try NeuralVectorField(mlp: mlp, stateWidth: n, extraInputCount: m, batch: batch,
                                          linearTerm: linear, extraInputs: drive)
        let kernel = SampleGridRK4()
        var saved = [Double](repeating: 0, count: samples * batch * n)
        var dTheta = [Double](repeating: 0, count: theta0.count)
        var dY0 = [Double](repeating: 0, count: batch * n)
        try y0.withUnsafeBufferPointer { yp in
            try saved.withUnsafeMutableBufferPointer {
                try kernel.forward(field, y0: yp.baseAddress!, t0: 0.1, sampleStep: 0.2, samples: samples,
                                   stepsPerSample: stepsPerSample, saved: $0.baseAddress!)
            }
        }
        weights.withUnsafeBufferPointer { w in
            dTheta.withUnsafeMutableBufferPointer { g in
                dY0.withUnsafeMutableBufferPointer { d in
                    kernel.backward(field, savedCotangent: w.baseAddress!, initialCotangent: d.baseAddress!,
                                    parameterCotangent: g.baseAddress!)
                }
            }
        }
        let eps = 1e-6
        for p in 0..<theta0.count {
            var plus = theta0, minus = theta0
            plus[p] += eps; minus[p] -= eps
            let fd = (try loss(plus, y0) - loss(minus, y0)) / (2 * eps)
            XCTAssertEqual(dTheta[p], fd, accuracy: 1e-6 * max(1, abs(fd)), "theta[\(p)]")
        }
        for q in 0..<y0.count {
            var plus = y0, minus = y0
            plus[q] += eps; minus[q] -= eps
            let fd = (try loss(theta0, plus) - loss(theta0, minus)) / (2 * eps)
            XCTAssertEqual(dY0[q], fd, accuracy: 1e-6 * max(1, abs(fd)), "y0[\(q)]")
        }
    }
}

final class TrainerGradientTests: XCTestCase {
    /// The sample-grid fast path and the ODE module's discrete adjoint differentiate the same RK4
    /// computation: equal gradients to rounding (1e-10 relative). The continuous adjoint (the paper's
    /// method, backsolve with the same RK4 grid) approximates it to the discretisation error.
    func testFastPathMatchesODEModuleAdjoints() throws {
        let t = try DrivenDuffing.trace(name: "a", samples: 200, sampleInterval: 0.25, amplitude: 1, seed: 4)
        var o = FitOptions()
        o.hidden = [12, 12]
        o.batchSize = 6
        o.windowLength = 8
        o.seed = 8
        let fast = try SurrogateTrainer(traces: [t], options: o).minibatchGradient()
        let ode = try SurrogateTrainer(traces: [t], options: o).minibatchGradient(viaODEModule: true)
        XCTAssertEqual(fast.loss, ode.loss, accuracy: 1e-13 * abs(ode.loss))
        let scale = ode.gradient.map(abs).max()!
        for i in fast.gradient.indices { XCTAssertEqual(fast.gradient[i], ode.gradient[i], accuracy: 1e-10 * scale) }
        o.gradient = .continuousAdjoint
        let continuous = try SurrogateTrainer(traces: [t], options: o).minibatchGradient()
        // The sample-grid backsolve is the ODE module's ContinuousAdjoint with the same fixed steps.
        let continuousODE = try SurrogateTrainer(traces: [t], options: o).minibatchGradient(viaODEModule: true)
        let cScale = continuousODE.gradient.map(abs).max()!
        for i in continuous.gradient.indices {
            XCTAssertEqual(continuous.gradient[i], continuousODE.gradient[i], accuracy: 1e-10 * cScale)
        }
        XCTAssertEqual(continuous.loss, fast.loss, accuracy: 1e-13 * abs(fast.loss))
        var diff = 0.0, norm = 0.0
        for i in fast.gradient.indices { diff += pow(continuous.gradient[i] - fast.gradient[i], 2); norm += fast.gradient[i] * fast.gradient[i] }
        print("continuous vs discrete adjoint, relative gradient difference:", (diff / norm).squareRoot())
        XCTAssertLessThan((diff / norm).squareRoot(), 1e-8)     // measured 2.4e-10
        // Adaptive Dormand-Prince with its discrete adjoint runs and gives a gradient close to RK4's.
        o.gradient = .discreteAdjoint
        o.solver = .adaptiveDormandPrince(rtol: 1e-7, atol: 1e-9)
        let adaptive = try SurrogateTrainer(traces: [t], options: o).minibatchGradient()
        diff = 0
        for i in fast.gradient.indices { diff += pow(adaptive.gradient[i] - fast.gradient[i], 2) }
        print("adaptive Dopri5 vs RK4 grid, relative gradient difference:", (diff / norm).squareRoot(), "norm", norm.squareRoot())
        XCTAssertLessThan((diff / norm).squareRoot(), 1e-3)     // measured 2.0e-5
    }
}
