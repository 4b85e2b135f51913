import XCTest
import Numerics
import NeuralNet
import Surrogate
import TraceIO

final class FreeRunPredictionTests: XCTestCase {
    /// dy/dtau = u~ (k = 1, MLP 2 -> 1 identity with weights (0, 1)), identity normalisation.
    func integratorModel(_ kind: InterpolationKind, order: Int = 1) throws -> SurrogateModel {
        var mlp = try MLP(widths: [order + order, order], activations: [.identity])
        var w = [Double](repeating: 0, count: order * 2 * order)
        for d in 0..<order { w[d * 2 * order + order] = 1 }      // each delay's derivative = u~(t)
        try mlp.setParameters(w + [Double](repeating: 0, count: order))
        return try SurrogateModel(embedding: DelayEmbedding(order: order, outputCount: 1), inputCount: 1, parameterCount: 0,
                                  sampleInterval: 0.5, timeScale: 20, interpolation: kind,
                                  normalisation: .identity(outputs: 1, inputs: 1, parameters: 0), mlp: mlp)
    }

    /// With a zero-order hold every RK4 stage of step n sees u_n (inputs held over [n dt, (n+1) dt)),
    /// so y_j = y_0 + d_tau sum_{i<j} u_i exactly (d_tau = 0.5 / 20 = 0.025), to rounding.
    func testZeroOrderHoldHoldsInputOverEachStep() throws {
        let model = try integratorModel(.zoh)
        let u: [Double] = [1, -2, 3, 0.5, -1, 2, 0, 4]
        let trace = try RawTrace(name: "zoh", sampleInterval: 0.5, outputs: [Double](repeating: 0, count: u.count), outputCount: 1,
                                 inputs: u, inputCount: 1)
        let y = try FreeRunPrediction(model: model).predict([trace])[0]
        var expected = 0.0
        for j in 0..<u.count {
            XCTAssertEqual(y[j], expected, accuracy: 1e-14, "sample \(j)")
            expected += 0.025 * u[j]
        }
    }

    /// The adaptive ODE-module path reads a zero-order hold the same way: its steps stop on every
    /// sample (jump times) and the stage at a step's end runs one float below the jump, which the drive
    /// reads as the held value. Dormand-Prince (c_6 = 1, b_6 = 11/84, so that stage counts) then
    /// integrates dy/dtau = u~ exactly: y_j = d_tau sum_{i<j} u_i to rounding. The last sample is left
    /// out: the solver evaluates the final step's end stage at t1 itself, not below it (an ODE-module
    /// convention at the end of the interval), so it reads the next sample there.
    func testAdaptiveSolverHoldsInputOverEachStep() throws {
        let model = try integratorModel(.zoh)
        let u: [Double] = [1, -2, 3, 0.5, -1, 2, 0, 4, -3, 1]
        let trace = try RawTrace(name: "zoh", sampleInterval: 0.5, outputs: [Double](repeating: 0, count: u.count), outputCount: 1,
                                 inputs: u, inputCount: 1)
        let y = try FreeRunPrediction(model: model, solver: .adaptiveDormandPrince(rtol: 1e-8, atol: 1e-10)).predict([trace])[0]
        var expected = 0.0
        for j in 0..<(u.count - 1) {
            XCTAssertEqual(y[j], expected, accuracy: 1e-13, "sample \(j)")
            expected += 0.025 * u[j]
        }
    }

    /// With a natural cubic spline the integral of a linear input is exact (RK4 integrates cubics
    /// exactly; the natural spline of linear data is that line): y_j = d_tau (a j + b j^2 / 2).
    func testCubicInputIntegratesLinearDriveExactly() throws {
        let model = try integratorModel(.cubic)
        let u = (0..<12).map { 0.3 + 0.7 * Double($0) }
        let trace = try RawTrace(name: "lin", sampleInterval: 0.5, outputs: [Double](repeating: 0, count: u.count), outputCount: 1,
                                 inputs: u, inputCount: 1)
        let y = try FreeRunPrediction(model: model).predict([trace])[0]
        for j in 0..<u.count {
            let s = Double(j)
            XCTAssertEqual(y[j], 0.025 * (0.3 * s + 0.7 * s * s / 2), accuracy: 1e-13, "sample \(j)")
        }
        // The adaptive solver agrees to its tolerance.
        let adaptive = try FreeRunPrediction(model: model, solver: .adaptiveDormandPrince(rtol: 1e-10, atol: 1e-12)).predict([trace])[0]
        for j in 0..<u.count { XCTAssertEqual(adaptive[j], y[j], accuracy: 1e-9) }
    }

    /// Model -> model file -> HDF5 -> model file -> model is the identity, and predictions agree bit for bit.
    func testModelFileRoundTrip() throws {
        var rng = SeededRandom(seed: 12)
        let norm = try Normalisation(outputMean: [0.1, -2], outputStd: [2, 0.5], inputMean: [3], inputStd: [4],
                                     parameterMean: [1e-3], parameterStd: [2e-4])
        var model = try SurrogateModel.initial(embedding: DelayEmbedding(order: 3, outputCount: 2, augment: 1), inputCount: 1,
                                               parameterCount: 1, sampleInterval: 5e-12, interpolation: .linear,
                                               normalisation: norm, hidden: [7, 5], activation: .softplus, seed: 4,
                                               linearTerm: Matrix(rows: 7, columns: 7) { i, j in i == j ? -0.1 : 0.01 * Double(i - j) })
        model.outputNames = ["mx", "mz"]
        model.outputUnits = ["", ""]
        let path = NSTemporaryDirectory() + "spinode-model-\(getpid()).h5"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.file(trainingCommand: "test").write(to: path)
        let back = try SurrogateModel(file: SurrogateModelFile.read(path))
        XCTAssertEqual(back, model)
        let n = 40
        let trace = try RawTrace(name: "t", sampleInterval: 5e-12, outputs: (0..<(2 * n)).map { _ in rng.normal() }, outputCount: 2,
                                 inputs: (0..<n).map { _ in rng.normal() }, inputCount: 1, parameters: [1.1e-3])
        XCTAssertEqual(try FreeRunPrediction(model: back).predict([trace]), try FreeRunPrediction(model: model).predict([trace]))
    }
}

final class SurrogateDeviceTests: XCTestCase {
    /// The integrator surrogate dy/dtau = u~ as a Device: with a zero-order hold the output at
    /// t_{n+1} is d_tau sum_{i<=n} u_i (d_tau = 0.025), every copy of a batch independent.
    func testIntegratorDeviceRespondsAsHeldInputSum() throws {
        var mlp = try MLP(widths: [2, 1], activations: [.identity])
        try mlp.setParameters([0, 1, 0])
        let model = try SurrogateModel(embedding: DelayEmbedding(order: 1, outputCount: 1), inputCount: 1, parameterCount: 0,
                                       sampleInterval: 1e-11, timeScale: 40e-11, interpolation: .zoh,
                                       normalisation: .identity(outputs: 1, inputs: 1, parameters: 0), mlp: mlp)
        let device = try SurrogateDevice(model: model)
        XCTAssertEqual(device.sampleInterval, 1e-11)
        let inputs: [[Double]] = [[1, 2, -1, 0.5], [0, 0, 3], [-2]]
        let out = try device.respond(to: inputs)
        for (b, u) in inputs.enumerated() {
            XCTAssertEqual(out[b].count, u.count)
            var sum = 0.0
            for n in 0..<u.count {
                sum += 0.025 * u[n]
                XCTAssertEqual(out[b][n], sum, accuracy: 1e-14, "copy \(b) sample \(n)")
            }
        }
    }

    /// A trained-shape surrogate (k = 2, cubic inputs): responding to a batch equals predicting each
    /// copy alone over a trace whose first k outputs are the device's initial outputs.
    func testBatchedResponseMatchesSinglePrediction() throws {
        let norm = try Normalisation(outputMean: [0.2], outputStd: [1.5], inputMean: [0.1], inputStd: [2],
                                     parameterMean: [], parameterStd: [])
        let model = try SurrogateModel.initial(embedding: DelayEmbedding(order: 2, outputCount: 1), inputCount: 1,
                                               parameterCount: 0, sampleInterval: 5e-12, normalisation: norm,
                                               hidden: [10, 10], seed: 3)
        let device = try SurrogateDevice(model: model, initialOutputs: [0.3, -0.1])
        var rng = SeededRandom(seed: 2)
        let inputs = (0..<3).map { _ in (0..<50).map { _ in rng.uniform(-1, 1) } }
        let batched = try device.respond(to: inputs)
        for (b, u) in inputs.enumerated() {
            let single = try device.respond(to: [u])[0]
            for n in 0..<u.count { XCTAssertEqual(batched[b][n], single[n], accuracy: 1e-12) }
            // The same as predicting a trace: inputs u_0 .. u_49 then u_49 held, outputs starting 0.3, -0.1.
            let trace = try RawTrace(name: "t", sampleInterval: 5e-12,
                                     outputs: [0.3, -0.1] + [Double](repeating: -0.1, count: 49), outputCount: 1,
                                     inputs: u + [u[49]], inputCount: 1)
            var prediction = FreeRunPrediction(model: model)
            prediction.readout = .lastDelay
            let predicted = try prediction.predict([trace])[0]
            XCTAssertEqual(single, Array(predicted[1...]))
        }
    }

    /// The device is causal under `zoh` (k = 2 and 3): output n (at t_{n+1}) depends on inputs[0 ... n]
    /// only, as a physical device's does, and does depend on inputs[n]. The first-delay readout of
    /// `spinode predict` would let output n see inputs up to n + k - 1.
    func testOutputIsCausal() throws {
        for k in [2, 3] {
            let norm = try Normalisation(outputMean: [0.2], outputStd: [1.5], inputMean: [0.1], inputStd: [2],
                                         parameterMean: [], parameterStd: [])
            let model = try SurrogateModel.initial(embedding: DelayEmbedding(order: k, outputCount: 1), inputCount: 1,
                                                   parameterCount: 0, sampleInterval: 5e-12, interpolation: .zoh,
                                                   normalisation: norm, hidden: [10, 10], seed: 3)
            let device = try SurrogateDevice(model: model)
            var rng = SeededRandom(seed: 4)
            let u = (0..<30).map { _ in rng.uniform(-1, 1) }
            let base = try device.respond(to: [u])[0]
            for m in [5, 17, 29] {
                var changed = u
                changed[m] += 0.5
                let out = try device.respond(to: [changed])[0]
                for n in 0..<m { XCTAssertEqual(out[n], base[n], "k = \(k): output \(n) moved when input \(m) changed") }
                XCTAssertGreaterThan(abs(out[m] - base[m]), 1e-6, "k = \(k): output \(m) ignores input \(m)")
            }
            // The look-ahead the device avoids: the first-delay series at t_m moves with input m.
            let trace = { (v: [Double]) in
                try RawTrace(name: "t", sampleInterval: 5e-12, outputs: [Double](repeating: 0.2, count: v.count + 1),
                             outputCount: 1, inputs: v + [v.last!], inputCount: 1)
            }
            var changed = u
            changed[17] += 0.5
            let first = try FreeRunPrediction(model: model).predict([trace(u), trace(changed)])
            XCTAssertGreaterThan(abs(first[1][17] - first[0][17]), 1e-9, "k = \(k)")
        }
    }
}

final class FusedPredictionTests: XCTestCase {
    /// The fused SIMD kernel and the general sample-grid path give the same zero-order-hold prediction
    /// (k = 2, a static parameter, a linear term, three traces of two lengths) to rounding.
    func testFusedKernelMatchesGeneralPath() throws {
        let norm = try Normalisation(outputMean: [0.2], outputStd: [1.5], inputMean: [0.1], inputStd: [2],
                                     parameterMean: [3], parameterStd: [0.5])
        let model = try SurrogateModel.initial(embedding: DelayEmbedding(order: 2, outputCount: 1), inputCount: 1,
                                               parameterCount: 1, sampleInterval: 1e-3, interpolation: .zoh,
                                               normalisation: norm, hidden: [12, 9], seed: 5,
                                               linearTerm: Matrix(rows: 2, columns: 2, storage: [-0.5, 0.1, 0.0, -0.3]))
        var rng = SeededRandom(seed: 6)
        func trace(_ n: Int, _ p: Double) throws -> RawTrace {
            try RawTrace(name: "t\(n)", sampleInterval: 1e-3, outputs: (0..<n).map { _ in rng.normal() }, outputCount: 1,
                         inputs: (0..<n).map { _ in rng.uniform(-1, 1) }, inputCount: 1, parameters: [p])
        }
        let traces = [try trace(300, 3.2), try trace(300, 2.5), try trace(120, 3.0)]
        var general = FreeRunPrediction(model: model)
        general.allowsFusedKernel = false
        let fused = FreeRunPrediction(model: model)
        XCTAssertTrue(fused.usesFusedKernel)
        let a = try fused.predict(traces), b = try general.predict(traces)
        for t in traces.indices {
            let scale = b[t].map(abs).max()!
            for i in b[t].indices { XCTAssertEqual(a[t][i], b[t][i], accuracy: 1e-12 * scale, "trace \(t) sample \(i)") }
        }
    }

    /// `precision = .float32` on the same model and traces: within 1e-6 of the Float64 prediction
    /// relative to the largest value (Float32 epsilon 1.2e-7) and not equal to it; refused with a clear
    /// error for a model the fused kernel does not serve (cubic inputs).
    func testFloat32PredictionFollowsFloat64() throws {
        let norm = try Normalisation(outputMean: [0.2], outputStd: [1.5], inputMean: [0.1], inputStd: [2],
                                     parameterMean: [3], parameterStd: [0.5])
        let model = try SurrogateModel.initial(embedding: DelayEmbedding(order: 2, outputCount: 1), inputCount: 1,
                                               parameterCount: 1, sampleInterval: 1e-3, interpolation: .zoh,
                                               normalisation: norm, hidden: [50, 50], seed: 7)
        var rng = SeededRandom(seed: 9)
        let traces = try (0..<2).map { t in
            try RawTrace(name: "t\(t)", sampleInterval: 1e-3, outputs: (0..<400).map { _ in rng.normal() }, outputCount: 1,
                         inputs: (0..<400).map { _ in rng.uniform(-1, 1) }, inputCount: 1, parameters: [3.1])
        }
        var single = FreeRunPrediction(model: model)
        single.precision = .float32
        let a = try single.predict(traces), b = try FreeRunPrediction(model: model).predict(traces)
        var worst = 0.0
        for t in traces.indices {
            let scale = b[t].map(abs).max()!
            for i in b[t].indices { worst = max(worst, abs(a[t][i] - b[t][i]) / scale) }
        }
        print("Float32 prediction: max relative difference to Float64", worst)
        XCTAssertLessThanOrEqual(worst, 1e-6)
        XCTAssertGreaterThan(worst, 0)

        let cubic = try SurrogateModel.initial(embedding: DelayEmbedding(order: 2, outputCount: 1), inputCount: 1,
                                               parameterCount: 1, sampleInterval: 1e-3, interpolation: .cubic,
                                               normalisation: norm, hidden: [8], seed: 7)
        var refused = FreeRunPrediction(model: cubic)
        refused.precision = .float32
        XCTAssertThrowsError(try refused.predict(traces)) { error in
            XCTAssertTrue("\(error)".contains("Float32 prediction needs the fused kernel"), "\(error)")
        }
    }
}
