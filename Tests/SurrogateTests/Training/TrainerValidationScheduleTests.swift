import XCTest
import Numerics
import Surrogate

/// Which iterates a fit validates and which one it keeps (issue 13, item 7): the final iterate is
/// always validated, and the untrained network (iteration 0) is a baseline, never the kept model.
final class TrainerValidationScheduleTests: XCTestCase {
    func options(iterations: Int, validateEvery: Int) -> FitOptions {
        var o = FitOptions()
        o.hidden = [8]
        o.batchSize = 8
        o.windowLength = 8
        o.iterations = iterations
        o.learningRate = 0.01
        o.validationInterval = validateEvery
        o.seed = 3
        return o
    }

    func trace() throws -> [RawTrace] {
        [try DrivenDuffing.trace(name: "a", samples: 160, sampleInterval: 0.25, amplitude: 1, seed: 1)]
    }

    /// 30 iterations with validation every 100: validated at 0 (baseline) and 30; the kept model is
    /// iteration 30's, not the initial weights (before the fix: best iteration 0, the initial weights).
    func testBudgetBelowIntervalKeepsTheValidatedFinalIterate() throws {
        let trainer = try SurrogateTrainer(traces: trace(), options: options(iterations: 30, validateEvery: 100))
        let initial = trainer.model.mlp.parameters
        XCTAssertEqual(try trainer.run(), .iterations)
        XCTAssertEqual(trainer.validationHistory.map(\.iteration), [0, 30])
        XCTAssertEqual(trainer.bestIteration, 30)
        XCTAssertEqual(trainer.bestModel.mlp.parameters, trainer.model.mlp.parameters)
        XCTAssertNotEqual(trainer.bestModel.mlp.parameters, initial)
        XCTAssertEqual(trainer.bestValidationNRMSE, trainer.validationHistory[1].nrmse)
        XCTAssertEqual(trainer.baselineValidationNRMSE, trainer.validationHistory[0].nrmse)
    }

    /// 25 iterations every 10: validated at 0, 10, 20 and 25 (before the fix: never at 25).
    func testFinalIterateIsValidatedWhenBudgetIsNotAMultiple() throws {
        let trainer = try SurrogateTrainer(traces: trace(), options: options(iterations: 25, validateEvery: 10))
        _ = try trainer.run()
        XCTAssertEqual(trainer.validationHistory.map(\.iteration), [0, 10, 20, 25])
        let trained = trainer.validationHistory.dropFirst()
        let best = trained.min { $0.nrmse < $1.nrmse }!
        XCTAssertEqual(trainer.bestIteration, best.iteration)
        XCTAssertEqual(trainer.bestValidationNRMSE, best.nrmse)
        XCTAssertTrue(trainer.currentIterateValidated)
    }

    /// Even when every trained iterate validates worse than the untrained network, the kept model is a
    /// trained one (iteration >= 1): a fit never writes its random initial weights.
    func testUntrainedNetworkIsNeverKept() throws {
        var o = options(iterations: 2, validateEvery: 1)
        o.learningRate = 0.5    // two huge steps: worse than the initial network
        let trainer = try SurrogateTrainer(traces: trace(), options: o)
        let initial = trainer.model.mlp.parameters
        _ = try trainer.run()
        XCTAssertEqual(trainer.validationHistory.map(\.iteration), [0, 1, 2])
        // The case this test is about: the untrained network validated best (before: it was kept, best iteration 0).
        XCTAssertLessThan(try XCTUnwrap(trainer.baselineValidationNRMSE), try XCTUnwrap(trainer.bestValidationNRMSE))
        XCTAssertGreaterThanOrEqual(trainer.bestIteration, 1)
        XCTAssertNotEqual(trainer.bestModel.mlp.parameters, initial)
    }

    /// A run resumed at its budget from a checkpoint taken between validations validates that iterate.
    func testResumeAtBudgetValidatesTheRestoredIterate() throws {
        let first = try SurrogateTrainer(traces: trace(), options: options(iterations: 100, validateEvery: 50))
        // Stop after 12 iterations without the final validation, as an interrupted run's checkpoint.
        for _ in 0..<12 { try first.step() }
        let checkpoint = first.checkpoint()
        let resumed = try SurrogateTrainer(traces: trace(), options: options(iterations: 12, validateEvery: 50))
        try resumed.restore(checkpoint)
        _ = try resumed.run()
        XCTAssertEqual(resumed.iteration, 12)
        XCTAssertEqual(resumed.validationHistory.map(\.iteration), [12])
        XCTAssertEqual(resumed.bestIteration, 12)
        XCTAssertEqual(resumed.bestModel.mlp.parameters, first.model.mlp.parameters)
    }

    /// Without validation data the model is the last iterate.
    func testNoValidationKeepsLastIterate() throws {
        var o = options(iterations: 7, validateEvery: 100)
        o.validation = .none
        let trainer = try SurrogateTrainer(traces: trace(), options: o)
        _ = try trainer.run()
        XCTAssertTrue(trainer.validationHistory.isEmpty)
        XCTAssertEqual(trainer.bestIteration, 7)
        XCTAssertEqual(trainer.bestModel.mlp.parameters, trainer.model.mlp.parameters)
    }

    /// A held-out trace whose output stands still (as a skyrmion radius of 0 after the annihilation):
    /// validation scores its RMS error in training-std units, a figure of the size of the others, where the
    /// NRMSE against its own std (round-off) gave 1e12 and more and chose the kept model on it.
    func testAFlatValidationTraceIsScoredInTrainingUnits() throws {
        let a = try DrivenDuffing.trace(name: "a", samples: 160, sampleInterval: 0.25, amplitude: 1, seed: 1)
        var b = a
        b.name = "b"
        b.outputs = [Double](repeating: 0.3, count: a.outputs.count)
        var o = options(iterations: 20, validateEvery: 10)
        o.validation = .heldOutTraces(names: ["b"])
        let trainer = try SurrogateTrainer(traces: [a, b], options: o)
        _ = try trainer.run()
        XCTAssertEqual(trainer.validationHistory.map(\.iteration), [0, 10, 20])
        for r in trainer.validationHistory {
            XCTAssertTrue(r.nrmse.isFinite && r.nrmse < 100, "iteration \(r.iteration): \(r.nrmse)")
            XCTAssertGreaterThan(r.nrmse, 0)
        }
    }
}
