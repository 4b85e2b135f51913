import Foundation
import Surrogate
import TraceIO
import XCTest

/// The bundled surrogates (Models/NAME.h5, trained by scripts/train-models) load, and their free-running
/// prediction of the held-out `test` trace of Datasets/NAME.h5 (or the first trace the record names) reproduces the NRMSE recorded in
/// Models/NAME.predict.json when they were trained (same solver as `spinode predict`: RK4 on the sample
/// grid; NRMSE over samples 1 ... N-1, the first one being the true initial state).
final class BundledModelTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// Every Models/NAME.predict.json; the paper's device and the oscillator must be among them.
    static func names() throws -> [String] {
        let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Models").path)
        return files.filter { $0.hasSuffix(".predict.json") }.map { String($0.dropLast(".predict.json".count)) }.sorted()
    }

    func testBundledModelsReproduceTheirRecordedTestNRMSE() throws {
        let names = try Self.names()
        XCTAssertTrue(names.contains("skyrmion-disk") && names.contains("spin-torque-oscillator"), "\(names)")
        for name in names {
            let modelPath = Self.root.appendingPathComponent("Models/\(name).h5").path
            let defaultDataPath = Self.root.appendingPathComponent("Datasets/\(name).h5").path
            let recordPath = Self.root.appendingPathComponent("Models/\(name).predict.json").path
            guard FileManager.default.fileExists(atPath: recordPath) else {
                XCTFail("\(recordPath) is missing: run scripts/train-models \(name)")
                continue
            }
            let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: recordPath)))
            let predictions = try XCTUnwrap((record as? [String: Any])?["predictions"] as? [[String: Any]], name)
            // The trace file the record predicted (Datasets/NAME.h5 unless it names another).
            let dataPath = ((record as? [String: Any])?["traces"] as? String).map { Self.root.appendingPathComponent($0).path }
                ?? defaultDataPath
            let channels = try XCTUnwrap(predictions.first?["metrics"] as? [[String: Any]], name)
            let recorded = try XCTUnwrap(channels.first?["nrmse"] as? Double, name)
            // The first predicted trace: `test`, or the one the record names (a dataset of several drives).
            let traceName = predictions.first?["trace"] as? String ?? "test"

            // Every bundled model carries its weights digest (added with scripts/model_digest.py, weights
            // untouched) and it matches: a damaged or edited bundled model is refused, not used.
            let checked = try SurrogateModelFile.readChecked(modelPath)
            XCTAssertEqual(checked.digest, .verified(checked.model.weightsDigest), "\(name): weights digest")
            // An ensemble predicts the mean of its members (one member: that member's prediction, bit for bit).
            let ensemble = try EnsemblePrediction(file: checked.model, solver: .fixedRK4(stepsPerSample: 1))
            let test = try RawTrace(trace: TraceFile.read(dataPath, trace: traceName)).matchingChannels(of: ensemble.members[0])
            let prediction = try ensemble.predict([test])[0].mean
            let n = test.outputCount
            let truth = (1..<test.sampleCount).map { test.outputs[$0 * n] }
            let predicted = (1..<test.sampleCount).map { prediction[$0 * n] }
            let metrics = try PredictionMetrics(prediction: predicted, truth: truth, sampleInterval: test.sampleInterval,
                                                blockLength: 1000)
            // JSON carries 17 significant digits, so the recorded value is exact to about 1e-16; allow 1e-9
            // relative for a BLAS built for another CPU.
            XCTAssertEqual(metrics.nrmse, recorded, accuracy: 1e-9 * recorded, name)
        }
    }
}
