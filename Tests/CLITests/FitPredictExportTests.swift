import Foundation
import Numerics
import TraceIO
import XCTest

/// `spinode fit`, `predict` and `export` end to end on the driven damped oscillator (400 samples),
/// and scripts/surrogate_numpy.py run on the export against `spinode predict`.
final class FitPredictExportTests: XCTestCase {
    /// Files shared by the tests of this class: the imported trace and one seeded zoh fit.
    struct Fixture {
        var dir: String
        var oscillator: DrivenOscillator
        var traces: String
        var model: String
        var fitArguments: [String]
        var fit: [String: Any]
    }

    static let iterations = 60
    nonisolated(unsafe) static var shared: Fixture?
    nonisolated(unsafe) static var sharedDirectory: String?

    override class func tearDown() {
        if let dir = sharedDirectory { try? FileManager.default.removeItem(atPath: dir) }
        sharedDirectory = nil
        shared = nil
        super.tearDown()
    }

    /// Fit arguments (paper's network and defaults, few iterations, seeded, zero-order-hold inputs).
    static func fitArguments(traces: String, out: String, seed: Int = 1, interpolation: String = "zoh",
                             iterations: Int = FitPredictExportTests.iterations) -> [String] {
        ["fit", traces, "--out", out, "--iterations", "\(iterations)", "--seed", "\(seed)", "--interpolation", interpolation,
         "--validate-every", "20", "--json"]
    }

    func fixture() throws -> Fixture {
        if let f = Self.shared { return f }
        _ = try spinode()
        let dir = NSTemporaryDirectory() + "spinode-cli-fit-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        Self.sharedDirectory = dir
        let oscillator = DrivenOscillator()
        let traces = try importOscillator(oscillator, into: dir)
        let model = dir + "/model.h5"
        let arguments = Self.fitArguments(traces: traces, out: model)
        let result = try runSpinode(arguments)
        let f = Fixture(dir: dir, oscillator: oscillator, traces: traces, model: model, fitArguments: arguments,
                        fit: try jsonObject(result.stdout))
        Self.shared = f
        return f
    }

    // MARK: fit and predict

    func testFitSummaryModelAndPredictMetrics() throws {
        let f = try fixture()
        let fit = f.fit
        // The documented --json fields of `spinode fit` (Sources/spinode/Fit.swift).
        XCTAssertEqual(fit["model"] as? String, f.model)
        XCTAssertEqual(fit["traces"] as? [String], ["osc"])
        XCTAssertEqual(fit["iterations"] as? Int, Self.iterations)
        XCTAssertEqual(fit["stop_reason"] as? String, "iterations")
        XCTAssertEqual(fit["seed"] as? Int, 1)
        XCTAssertEqual(fit["solver"] as? String, "rk4")
        XCTAssertEqual(fit["gradient_method"] as? String, "discrete")
        let loss = try number(fit["final_train_loss"])
        XCTAssertTrue(loss.isFinite && loss >= 0, "final_train_loss \(loss)")
        XCTAssertGreaterThan(try number(fit["seconds"]), 0)
        let history = try XCTUnwrap(fit["validation"] as? [[String: Any]])
        XCTAssertEqual(history.compactMap { $0["iteration"] as? Int }, [0, 20, 40, 60])  // every --validate-every
        let nrmses = try history.map { try number($0["nrmse"]) }
        XCTAssertTrue(nrmses.allSatisfy { $0.isFinite && $0 > 0 }, "\(nrmses)")
        let best = try number(fit["best_validation_nrmse"])
        XCTAssertEqual(best, nrmses.min()!)  // the kept model is the best validated one
        let bestIteration = try XCTUnwrap(fit["best_iteration"] as? Int)
        XCTAssertEqual(history[nrmses.firstIndex(of: best)!]["iteration"] as? Int, bestIteration)

        // The model file records what was asked (docs/model-file.md).
        let model = try jsonObject(try runSpinode(["inspect", f.model, "--json"]).stdout)
        XCTAssertEqual(model["format"] as? String, "spinode-model")
        XCTAssertEqual(model["layer_widths"] as? [Int], [4, 50, 50, 2])  // paper: 2k + 2k_in -> 50 -> 50 -> k, k = 2
        XCTAssertEqual(model["input_interpolation"] as? String, "zoh")
        XCTAssertEqual(try number(model["sample_interval_s"]), f.oscillator.dt, accuracy: 1e-12 * f.oscillator.dt)
        // Default time scale: 40 sample intervals (d_tau = 0.025, docs/surrogate-model.md).
        XCTAssertEqual(try number(model["time_scale_s"]), 40 * f.oscillator.dt, accuracy: 1e-12 * f.oscillator.dt)
        XCTAssertEqual((model["training"] as? [String: Any])?["seed"] as? String, "1")

        // Predict over the training trace.
        let prediction = f.dir + "/prediction-metrics.h5"
        let result = try jsonObject(try runSpinode(["predict", f.model, f.traces, "--out", prediction, "--block", "100",
                                                    "--json"]).stdout)
        XCTAssertEqual(result["model"] as? String, f.model)
        XCTAssertEqual(result["out"] as? String, prediction)
        XCTAssertEqual(result["solver"] as? String, "rk4")
        let runs = try XCTUnwrap(result["predictions"] as? [[String: Any]])
        XCTAssertEqual(runs.count, 1)
        XCTAssertEqual(runs[0]["trace"] as? String, "osc")
        XCTAssertEqual(runs[0]["samples"] as? Int, f.oscillator.samples)
        let metrics = try XCTUnwrap(runs[0]["metrics"] as? [[String: Any]])
        XCTAssertEqual(metrics.count, 1)
        let m = metrics[0]
        XCTAssertEqual(m["output"] as? String, "x")
        for key in ["nrmse", "rms_error", "max_error"] {
            let v = try number(m[key])
            XCTAssertTrue(v.isFinite && v > 0, "\(key) = \(v)")
        }
        XCTAssertEqual(m["block_length"] as? Int, 100)
        for key in ["truth_frequency_hz", "prediction_frequency_hz", "frequency_resolution_hz"] {
            XCTAssertNotNil(m[key], "missing \(key)")
        }
        // Validation in `fit` (validation = training: a free run over the training trace) and `predict` over the
        // same trace are the same computation, so the best model's NRMSEs agree to rounding.
        XCTAssertEqual(try number(m["nrmse"]), best, accuracy: 1e-9 * best)

        // The prediction file, read back: starts from the true embedded state [x(t_0), x(t_1)] (sample 0 is the
        // truth; sample j >= 1 is the first delay of the state after j steps, a prediction), and the reported
        // metrics are RMS error / population std of truth over samples 1 ... N-1 (predict --help).
        let truth = try TraceFile.read(f.traces, trace: "osc")
        let predicted = try XCTUnwrap(try TraceFile.read(prediction).first)
        XCTAssertEqual(predicted.name, "osc")
        XCTAssertEqual(predicted.count, f.oscillator.samples)
        XCTAssertEqual(predicted.outputNames, ["x"])
        XCTAssertEqual(predicted.outputUnits, ["V"])
        XCTAssertEqual(predicted.inputs.storage, truth.inputs.storage)
        let x = truth.outputs.storage, p = predicted.outputs.storage
        XCTAssertEqual(p[0], x[0], accuracy: 1e-12)  // de-normalised (x - mean) / std * std + mean: rounding only
        let compared = 1..<x.count
        let mean = compared.reduce(0) { $0 + x[$1] } / Double(compared.count)
        let std = (compared.reduce(0) { $0 + (x[$1] - mean) * (x[$1] - mean) } / Double(compared.count)).squareRoot()
        let rms = (compared.reduce(0) { $0 + (p[$1] - x[$1]) * (p[$1] - x[$1]) } / Double(compared.count)).squareRoot()
        let maxError = compared.map { abs(p[$0] - x[$0]) }.max()!
        XCTAssertEqual(try number(m["rms_error"]), rms, accuracy: 1e-12 * rms)
        XCTAssertEqual(try number(m["nrmse"]), rms / std, accuracy: 1e-12 * rms / std)
        XCTAssertEqual(try number(m["max_error"]), maxError, accuracy: 1e-12 * maxError)
        // Blocks of 100 of the 399 compared samples, each over the whole-trace std: 100, 100, 100, 99.
        let blocks = try XCTUnwrap(m["block_nrmse"] as? [Double])
        XCTAssertEqual(blocks.count, 4)
        for (b, value) in blocks.enumerated() {
            let range = (1 + 100 * b)..<min(x.count, 1 + 100 * (b + 1))
            let blockRMS = (range.reduce(0) { $0 + (p[$1] - x[$1]) * (p[$1] - x[$1]) } / Double(range.count)).squareRoot()
            XCTAssertEqual(value, blockRMS / std, accuracy: 1e-12 * max(1, blockRMS / std), "block \(b)")
        }
    }

    /// Same seed, same options: byte-identical weights (the model's npz export) and predictions; another
    /// seed gives other weights (so the comparison can fail).
    func testFitIsReproducibleForASeed() throws {
        let f = try fixture()
        let again = f.dir + "/model-again.h5", other = f.dir + "/model-seed2.h5"
        try runSpinode(Self.fitArguments(traces: f.traces, out: again))
        try runSpinode(Self.fitArguments(traces: f.traces, out: other, seed: 2))
        func weights(_ model: String, _ name: String) throws -> Data {
            try runSpinode(["export", model, "--format", "npz", "--out", f.dir + "/weights-" + name])
            return try Data(contentsOf: URL(fileURLWithPath: f.dir + "/weights-\(name)/model.npz"))
        }
        let first = try weights(f.model, "first"), second = try weights(again, "again"), third = try weights(other, "seed2")
        XCTAssertGreaterThan(first.count, 8 * (4 * 50 + 50 + 50 * 50 + 50 + 2 * 50 + 2))  // 2,952 Float64 weights
        XCTAssertEqual(first, second, "two fits with --seed 1 differ")
        XCTAssertNotEqual(first, third, "--seed 1 and --seed 2 gave the same weights")

        try runSpinode(["predict", f.model, f.traces, "--out", f.dir + "/p-first.h5"])
        try runSpinode(["predict", again, f.traces, "--out", f.dir + "/p-again.h5"])
        let p1 = try TraceFile.read(f.dir + "/p-first.h5")[0].outputs.storage
        let p2 = try TraceFile.read(f.dir + "/p-again.h5")[0].outputs.storage
        XCTAssertEqual(p1, p2)
    }

    // MARK: export

    func testExportWritesEachFormat() throws {
        let f = try fixture()
        let expectedShapes: [String: [Int]] = ["0.weight": [50, 4], "0.bias": [50], "2.weight": [50, 50], "2.bias": [50],
                                               "4.weight": [2, 50], "4.bias": [2]]
        for (format, tensorFile) in [("npz", "model.npz"), ("safetensors", "model.safetensors"), ("json", "model.json")] {
            let dir = f.dir + "/export-" + format
            let summary = try jsonObject(try runSpinode(["export", f.model, "--format", format, "--out", dir, "--json"]).stdout)
            XCTAssertEqual(summary["format"] as? String, format)
            XCTAssertEqual(Set(summary["files"] as? [String] ?? []), [dir + "/" + tensorFile, dir + "/config.json"])
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), ["config.json", tensorFile].sorted())
            XCTAssertEqual(summary["tensors"] as? [String: [Int]], expectedShapes)
            XCTAssertEqual(summary["torch_sequential"] as? [String],
                           ["Linear(4, 50)", "Tanh()", "Linear(50, 50)", "Tanh()", "Linear(50, 2)"])
            let config = try jsonObject(try String(contentsOfFile: dir + "/config.json", encoding: .utf8))
            XCTAssertEqual(config["tensor_file"] as? String, tensorFile)
            XCTAssertEqual(config["embedding_order"] as? Int, 2)
            XCTAssertEqual(config["input_interpolation"] as? String, "zoh")
            XCTAssertEqual(try number(config["sample_interval"]), f.oscillator.dt, accuracy: 1e-12 * f.oscillator.dt)
            let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: dir + "/" + tensorFile)[.size] as? Int)
            XCTAssertGreaterThan(size, 2952 * 8, "\(tensorFile) too small for 2,952 Float64 weights")
        }
    }

    /// scripts/surrogate_numpy.py --free-run, given the export, the trace's drive and its first k = 2 outputs,
    /// runs the same RK4 on the sample grid as `spinode predict` and forms the outputs as predict does
    /// (docs/surrogate-model.md); the two trajectories agree to 1e-9 V at all 400 samples for each input
    /// interpolation (zoh: the fused kernel; linear, cubic: the general path), one tensor format each.
    func testNumPyScriptReproducesPredict() throws {
        let f = try fixture()
        guard let python = python(with: ["numpy"]) else { throw XCTSkip("python3 with numpy not available") }
        let script = repositoryRoot() + "/scripts/surrogate_numpy.py"
        let (_, u, x) = f.oscillator.generate()
        try u.map { "\($0)" }.joined(separator: "\n").write(toFile: f.dir + "/u.csv", atomically: true, encoding: .utf8)
        try x[0..<2].map { "\($0)" }.joined(separator: "\n").write(toFile: f.dir + "/x0.csv", atomically: true, encoding: .utf8)
        for (interpolation, format) in [("zoh", "npz"), ("linear", "safetensors"), ("cubic", "json")] {
            var model = f.model
            if interpolation != "zoh" {
                model = f.dir + "/model-\(interpolation).h5"
                try runSpinode(Self.fitArguments(traces: f.traces, out: model, interpolation: interpolation, iterations: 20))
            }
            let prediction = f.dir + "/prediction-\(interpolation).h5"
            try runSpinode(["predict", model, f.traces, "--out", prediction])
            let exported = f.dir + "/numpy-\(interpolation)"
            try runSpinode(["export", model, "--format", format, "--out", exported])
            let csv = f.dir + "/numpy-\(interpolation).csv"
            let run = try runProcess(python, [script, exported, "--inputs", f.dir + "/u.csv", "--x0", f.dir + "/x0.csv",
                                              "--free-run", "--out", csv])
            XCTAssertEqual(run.status, 0, run.stderr)
            let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").dropFirst()  // header t,x
            let numpy = try rows.map { row -> Double in
                let fields = row.split(separator: ",")
                XCTAssertEqual(fields.count, 2)
                return try XCTUnwrap(Double(fields[1]), String(row))
            }
            let swift = try TraceFile.read(prediction)[0].outputs.storage
            XCTAssertEqual(numpy.count, x.count)
            XCTAssertEqual(swift.count, x.count)
            var largest = 0.0
            for i in 0..<numpy.count { largest = max(largest, abs(numpy[i] - swift[i])) }
            XCTAssertLessThanOrEqual(largest, 1e-9, "\(interpolation): max |NumPy - spinode predict| = \(largest) V")
            // The trajectory is not trivially equal to the data it started from: it moves (V-scale excursion).
            XCTAssertGreaterThan(numpy.max()! - numpy.min()!, 0.1, interpolation)
        }
    }
}
