import XCTest
import Numerics
import Surrogate

final class SurrogateFitTests: XCTestCase {
    func testFitDrivenDuffingPredictsHeldOutDrive() throws {
        let dt = Double(ProcessInfo.processInfo.environment["FIT_DT"] ?? "0.05")!
        let train = try DrivenDuffing.trace(name: "train", samples: Int(ProcessInfo.processInfo.environment["FIT_N"] ?? "3000")!, sampleInterval: dt, amplitude: 1, seed: 1)
        let test = try DrivenDuffing.trace(name: "test", samples: 1000, sampleInterval: dt, amplitude: 1, seed: 2)
        var options = FitOptions()
        let env = ProcessInfo.processInfo.environment
        options.hidden = [Int(env["FIT_H"] ?? "32")!, Int(env["FIT_H"] ?? "32")!]
        options.iterations = Int(env["FIT_IT"] ?? "600")!
        options.batchSize = Int(env["FIT_B"] ?? "32")!
        options.windowLength = Int(env["FIT_W"] ?? "20")!
        options.learningRate = Double(env["FIT_LR"] ?? "0.01")!
        options.decayInterval = Int(env["FIT_DI"] ?? "200")!
        options.decayFactor = 0.5
        options.validationInterval = 100
        options.seed = 3
        let trainer = try SurrogateTrainer(traces: [train], options: options)
        let start = Date()
        _ = try trainer.run { p in
            if let v = p.validationNRMSE { print("it \(p.iteration) loss \(p.loss) val \(v)") }
        }
        print("train seconds", Date().timeIntervalSince(start))
        let prediction = try FreeRunPrediction(model: trainer.bestModel).predict([test])[0]
        let metrics = try PredictionMetrics(prediction: Array(prediction[1...]), truth: Array(test.outputs[1...]),
                                            sampleInterval: dt, blockLength: 200)
        print("held-out NRMSE", metrics.nrmse, metrics.blockNRMSE)
        XCTAssertLessThanOrEqual(metrics.nrmse, 0.05)
    }
}
