import XCTest
import Numerics
import Surrogate

final class TrainingReproducibilityTests: XCTestCase {
    func smallOptions(iterations: Int) -> FitOptions {
        DrivenDuffing.smallFitOptions(iterations: iterations, validateEvery: 7, seed: 42)
    }

    func traces() throws -> [RawTrace] { try DrivenDuffing.twoTraces() }

    /// Same seed, same parameters bit for bit; another seed, other parameters.
    func testSameSeedSameResult() throws {
        let a = try SurrogateTrainer(traces: traces(), options: smallOptions(iterations: 20))
        let b = try SurrogateTrainer(traces: traces(), options: smallOptions(iterations: 20))
        _ = try a.run(); _ = try b.run()
        XCTAssertEqual(a.model.mlp.parameters, b.model.mlp.parameters)
        XCTAssertEqual(a.bestModel.mlp.parameters, b.bestModel.mlp.parameters)
        XCTAssertEqual(a.validationHistory, b.validationHistory)
        var other = smallOptions(iterations: 20)
        other.seed = 43
        let c = try SurrogateTrainer(traces: traces(), options: other)
        _ = try c.run()
        XCTAssertNotEqual(a.model.mlp.parameters, c.model.mlp.parameters)
    }

    /// 2N iterations straight = N iterations, checkpoint to disk, a new trainer resumed from it, N more.
    /// N is a multiple of the validation interval (7): a run always validates its final iterate, so with
    /// another N the interrupted run's validation at N would be one more record than the straight run's.
    func testResumeEqualsUninterruptedRun() throws {
        let n = 14
        let straight = try SurrogateTrainer(traces: traces(), options: smallOptions(iterations: 2 * n))
        _ = try straight.run()

        let path = NSTemporaryDirectory() + "spinode-resume-\(getpid()).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try SurrogateTrainer(traces: traces(), options: smallOptions(iterations: n))
        _ = try first.run()
        try first.checkpoint().write(to: path)

        let resumed = try SurrogateTrainer(traces: traces(), options: smallOptions(iterations: 2 * n))
        try resumed.restore(TrainingCheckpoint.read(from: path))
        XCTAssertEqual(resumed.iteration, n)
        _ = try resumed.run()
        XCTAssertEqual(resumed.iteration, 2 * n)
        XCTAssertEqual(resumed.model.mlp.parameters, straight.model.mlp.parameters)
        XCTAssertEqual(resumed.bestModel.mlp.parameters, straight.bestModel.mlp.parameters)
        XCTAssertEqual(resumed.optimiser, straight.optimiser)
        XCTAssertEqual(resumed.validationHistory, straight.validationHistory)

        // A checkpoint from other settings is refused.
        var changed = smallOptions(iterations: 2 * n)
        changed.learningRate = 0.02
        let wrong = try SurrogateTrainer(traces: traces(), options: changed)
        XCTAssertThrowsError(try wrong.restore(TrainingCheckpoint.read(from: path))) { e in
            XCTAssertTrue("\(e)".contains("other fit options"), "\(e)")
        }
    }

    /// One fit over traces of several parameter values: the static parameter is normalised over the
    /// traces (mean 0.35, population std 0.15 of beta = 0.2, 0.5) and fed to the network after the
    /// input delays (network input width 2 + 2 + 1).
    func testSeveralTracesWithStaticParameter() throws {
        let traces = [try DrivenDuffing.trace(name: "soft", samples: 200, sampleInterval: 0.25, amplitude: 1, seed: 1, beta: 0.2, recordBeta: true),
                      try DrivenDuffing.trace(name: "hard", samples: 200, sampleInterval: 0.25, amplitude: 1, seed: 2, beta: 0.5, recordBeta: true)]
        let trainer = try SurrogateTrainer(traces: traces, options: smallOptions(iterations: 3))
        XCTAssertEqual(trainer.model.mlp.widths, [5, 8, 8, 2])
        XCTAssertEqual(trainer.model.normalisation.parameterMean[0], 0.35, accuracy: 1e-15)
        XCTAssertEqual(trainer.model.normalisation.parameterStd[0], 0.15, accuracy: 1e-15)
        XCTAssertEqual(trainer.model.parameterNames, ["beta"])
        _ = try trainer.run()
        XCTAssertEqual(trainer.iteration, 3)
        XCTAssertTrue(trainer.lastLoss.isFinite)
    }

    func testBadInputsGiveClearErrors() throws {
        let t = try traces()[0]
        XCTAssertThrowsError(try RawTrace(name: "empty", sampleInterval: 0.1, outputs: [], outputCount: 0, inputs: [], inputCount: 0)) { e in
            XCTAssertTrue("\(e)".contains("has no outputs"), "\(e)")
        }
        var o = smallOptions(iterations: 1)
        o.embeddingOrder = 400
        XCTAssertThrowsError(try SurrogateTrainer(traces: [t], options: o)) { e in
            XCTAssertTrue("\(e)".contains("k = 400 is larger than the trace"), "\(e)")
        }
        o = smallOptions(iterations: 1)
        o.windowLength = 1000
        XCTAssertThrowsError(try SurrogateTrainer(traces: [t], options: o)) { e in
            XCTAssertTrue("\(e)".contains("no training window fits"), "\(e)")
        }
        o = smallOptions(iterations: 1)
        o.learningRate = -1
        XCTAssertThrowsError(try SurrogateTrainer(traces: [t], options: o)) { e in
            XCTAssertTrue("\(e)".contains("learning rate"), "\(e)")
        }
        o = smallOptions(iterations: 1)
        o.validation = .heldOutTraces(names: ["nope"])
        XCTAssertThrowsError(try SurrogateTrainer(traces: [t], options: o)) { e in
            XCTAssertTrue("\(e)".contains("'nope' is not among the traces"), "\(e)")
        }
        var twoOutputs = t
        twoOutputs.outputCount = 2
        twoOutputs.outputs = t.outputs + t.outputs
        twoOutputs.name = "two"
        XCTAssertThrowsError(try SurrogateTrainer(traces: [t, twoOutputs], options: smallOptions(iterations: 1))) { e in
            XCTAssertTrue("\(e)".contains("trace 'two' has 2 outputs"), "\(e)")
        }
        var other = t
        other.sampleInterval = 0.5
        other.name = "slow"
        XCTAssertThrowsError(try SurrogateTrainer(traces: [t, other], options: smallOptions(iterations: 1))) { e in
            XCTAssertTrue("\(e)".contains("sampled every 0.5 s"), "\(e)")
        }
    }
}
