import NeuralNet
import Surrogate
import Workflows
import XCTest

/// `TrainingProvenance`: the model file records the optimiser's actual settings, not the defaults.
final class TrainingProvenanceTests: XCTestCase {
    func testSettingsAreTheOptimisersOwn() throws {
        let adam = try Adam(parameterCount: 3, learningRate: 2e-3, beta1: 0.8, beta2: 0.99, epsilon: 1e-7,
                            maxGradientNorm: 5)
        var options = FitOptions()
        options.batchSize = 16
        options.windowLength = 12
        options.decayInterval = 100
        options.decayFactor = 0.25
        options.inputNoise = 0.01
        options.stateNoise = 0.02
        let s = TrainingProvenance.optimiserSettings(adam, options: options, iterations: 42)
        XCTAssertEqual(s["learning_rate"], 2e-3)
        XCTAssertEqual(s["beta1"], 0.8)
        XCTAssertEqual(s["beta2"], 0.99)
        XCTAssertEqual(s["epsilon"], 1e-7)
        XCTAssertEqual(s["max_gradient_norm"], 5)
        XCTAssertEqual(s["batch_size"], 16)
        XCTAssertEqual(s["window_length"], 12)
        XCTAssertEqual(s["iterations"], 42)
        XCTAssertEqual(s["lr_decay_every"], 100)
        XCTAssertEqual(s["lr_decay_factor"], 0.25)
        XCTAssertEqual(s["input_noise"], 0.01)
        XCTAssertEqual(s["state_noise"], 0.02)
        // No plateau schedule: recorded as 0, so a reader can tell it from a file written before the key existed.
        XCTAssertEqual(s["lr_plateau"], 0)
        XCTAssertEqual(s.count, 13)
    }

    /// With a plateau schedule the file records its patience, reductions allowed and made, and the rate reached.
    func testPlateauIsRecorded() throws {
        let adam = try Adam(parameterCount: 3, learningRate: 2.5e-4)
        var options = FitOptions()
        options.learningRate = 1e-3
        options.plateau = PlateauSchedule(patience: 10, factor: 0.5, maxReductions: 3)
        let s = TrainingProvenance.optimiserSettings(adam, options: options, iterations: 42, reductions: 2)
        XCTAssertEqual(s["lr_plateau"], 10)
        XCTAssertEqual(s["lr_reductions"], 3)
        XCTAssertEqual(s["lr_reductions_made"], 2)
        XCTAssertEqual(s["learning_rate"], 1e-3)
        XCTAssertEqual(s["final_learning_rate"], 2.5e-4)
    }

    /// Without clipping the file records 0 (docs/model-file.md), and Kingma and Ba's defaults when the
    /// optimiser has them.
    func testDefaultsAndNoClipping() throws {
        let s = TrainingProvenance.optimiserSettings(try Adam(parameterCount: 1), options: FitOptions(), iterations: 0)
        XCTAssertEqual(s["beta1"], 0.9)
        XCTAssertEqual(s["beta2"], 0.999)
        XCTAssertEqual(s["epsilon"], 1e-8)
        XCTAssertEqual(s["max_gradient_norm"], 0)
    }
}
