import XCTest
import Numerics
import Surrogate

final class SurrogateFitTests: XCTestCase {
    /// Train a small surrogate on one driven Duffing trace (x'' + 0.4 x' + x + 0.5 x^3 = u, observed
    /// through x, 1,500 samples at dt = 0.25 s, drive a sine of 0.2 Hz whose amplitude changes every
    /// period) and run it free over a held-out trace driven by another random amplitude sequence:
    /// NRMSE (RMS error / std of truth) <= 0.05 over its 999 predicted samples.
    /// Settings: MLP 4-32-32-2, 32 windows of 10 samples, Adam 0.02 halved every 800 iterations, gradient
    /// norm clipped at 1, stop when the free-run NRMSE over the training trace reaches 0.025 (about
    /// 2,500 iterations, 2 s of CPU in release).
    func testFitDrivenDuffingPredictsHeldOutDrive() throws {
        let dt = 0.25
        let train = try DrivenDuffing.trace(name: "train", samples: 1500, sampleInterval: dt, amplitude: 1, seed: 1)
        let test = try DrivenDuffing.trace(name: "test", samples: 1000, sampleInterval: dt, amplitude: 1, seed: 2)
        var options = FitOptions()
        options.hidden = [32, 32]
        options.batchSize = 32
        options.windowLength = 10
        options.iterations = 3000
        options.learningRate = 0.02
        options.decayInterval = 800
        options.decayFactor = 0.5
        options.maxGradientNorm = 1
        options.validationInterval = 100
        options.targetNRMSE = 0.025
        options.seed = 3
        let trainer = try SurrogateTrainer(traces: [train], options: options)
        let reason = try trainer.run()
        let prediction = try FreeRunPrediction(model: trainer.bestModel).predict([test])[0]
        let metrics = try PredictionMetrics(prediction: Array(prediction[1...]), truth: Array(test.outputs[1...]),
                                            sampleInterval: dt, blockLength: 200)
        print("stopped (\(reason)) at iteration \(trainer.iteration), best \(trainer.bestIteration): training-trace NRMSE \(trainer.bestValidationNRMSE ?? -1), held-out NRMSE \(metrics.nrmse)")
        XCTAssertLessThanOrEqual(metrics.nrmse, 0.05)
        // The dominant drive response frequency is reproduced to one FFT bin.
        XCTAssertEqual(metrics.predictionFrequency!, metrics.truthFrequency!, accuracy: metrics.frequencyResolution! * 1.01)
    }
}
