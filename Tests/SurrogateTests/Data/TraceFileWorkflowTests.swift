import XCTest
import Numerics
import Surrogate
import TraceIO

/// The `spinode fit` / `spinode predict` workflow through the library: traces in an HDF5 trace
/// file -> fit -> model file -> read back -> free-running prediction written as a trace file.
final class TraceFileWorkflowTests: XCTestCase {
    func testFitWriteReadPredictThroughFiles() throws {
        let dir = NSTemporaryDirectory() + "spinode-workflow-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = try DrivenDuffing.trace(name: "a", samples: 300, sampleInterval: 0.25, amplitude: 1, seed: 1)
        let traces = [a].map { r in
            Trace(name: r.name, sampling: .uniform(t0: 0, dt: r.sampleInterval),
                  inputs: Matrix(rows: r.sampleCount, columns: 1, storage: r.inputs),
                  outputs: Matrix(rows: r.sampleCount, columns: 1, storage: r.outputs),
                  inputNames: ["u"], outputNames: ["x"], inputUnits: ["N"], outputUnits: ["m"])
        }
        try TraceFile.write(traces, to: dir + "/traces.h5")
        let raw = try TraceFile.read(dir + "/traces.h5").map { try RawTrace(trace: $0) }
        XCTAssertEqual(raw, [try RawTrace(trace: traces[0])])
        XCTAssertEqual(raw[0].outputs, a.outputs)
        var o = FitOptions()
        o.hidden = [8]
        o.batchSize = 4
        o.windowLength = 6
        o.iterations = 5
        o.validationInterval = 5
        let trainer = try SurrogateTrainer(traces: raw, options: o)
        _ = try trainer.run()
        try trainer.bestModel.file(trainingCommand: "test").write(to: dir + "/model.h5")
        let model = try SurrogateModel(file: SurrogateModelFile.read(dir + "/model.h5"))
        XCTAssertEqual(model, trainer.bestModel)
        XCTAssertEqual(model.outputNames, ["x"]); XCTAssertEqual(model.outputUnits, ["m"])
        let predictions = try FreeRunPrediction(model: model).predict(raw)
        try TraceFile.write([Trace(prediction: predictions[0], of: raw[0], description: "test")], to: dir + "/prediction.h5")
        let back = try TraceFile.read(dir + "/prediction.h5")[0]
        XCTAssertEqual(back.outputs.storage, predictions[0])
        XCTAssertEqual(back.inputs.storage, a.inputs)
        XCTAssertEqual(back.outputs.storage[0], a.outputs[0])      // sample 0 is the true initial state
        // The validation NRMSE the trainer recorded is the free-run NRMSE over samples 1 ... N-1.
        let truth = Array(a.outputs[1...]), predicted = Array(predictions[0][1...])
        let metrics = try PredictionMetrics(prediction: predicted, truth: truth, sampleInterval: 0.25, blockLength: 100)
        XCTAssertEqual(metrics.nrmse, trainer.bestValidationNRMSE!, accuracy: 1e-9 * metrics.nrmse)
    }
}
