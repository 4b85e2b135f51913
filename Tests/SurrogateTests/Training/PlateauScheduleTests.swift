import XCTest
import Numerics
import Surrogate

/// The learning-rate plateau schedule and the convergence stop (issue 14, item 1).
final class PlateauScheduleTests: XCTestCase {
    func records(_ values: [Double]) -> [ValidationRecord] {
        values.enumerated().map { ValidationRecord(iteration: 10 * $0.offset, nrmse: $0.element, loss: nil) }
    }

    /// Patience 2, one reduction: 0.5 best, 0.6 and 0.7 a plateau (reduction 1), 0.4 a new best, 0.45 and
    /// 0.46 a second plateau after the last reduction: converged. The baseline (iteration 0, 0.1) never counts.
    func testStateReplaysTheHistory() {
        let p = PlateauSchedule(patience: 2, factor: 0.5, maxReductions: 1)
        let h = records([0.1, 0.5, 0.6, 0.7, 0.4, 0.45, 0.46])
        XCTAssertEqual(p.state(after: Array(h.prefix(3))), .init(reductions: 0, sinceProgress: 1, converged: false))
        XCTAssertEqual(p.state(after: Array(h.prefix(4))), .init(reductions: 1, sinceProgress: 0, converged: false))
        XCTAssertEqual(p.state(after: Array(h.prefix(6))), .init(reductions: 1, sinceProgress: 1, converged: false))
        XCTAssertEqual(p.state(after: h).converged, true)
        // A diverged free run (inf) is no improvement.
        XCTAssertEqual(p.state(after: records([1, 0.5, .infinity, .infinity])).reductions, 1)
        XCTAssertEqual(p.multiplier(reductions: 3), 0.125)
    }

    func options() -> FitOptions {
        var o = FitOptions()
        o.hidden = [8]
        o.batchSize = 8
        o.windowLength = 8
        o.iterations = 2000
        o.learningRate = 0.01
        o.validationInterval = 5
        o.seed = 3
        o.plateau = PlateauSchedule(patience: 2, factor: 0.5, maxReductions: 2)
        return o
    }

    func trace() throws -> [RawTrace] {
        [try DrivenDuffing.trace(name: "a", samples: 160, sampleInterval: 0.25, amplitude: 1, seed: 1)]
    }

    /// A run with the schedule stops as converged before its budget, with the rate reduced twice
    /// (0.01 -> 0.0025), and the reductions it made are those its own history implies.
    func testRunStopsConvergedWithTheRateReduced() throws {
        let trainer = try SurrogateTrainer(traces: trace(), options: options())
        XCTAssertEqual(try trainer.run(), .converged)
        XCTAssertLessThan(trainer.iteration, 2000)
        XCTAssertEqual(trainer.learningRateReductions, 2)
        XCTAssertEqual(trainer.optimiser.learningRate, 0.0025, accuracy: 1e-15)
        let state = try XCTUnwrap(trainer.options.plateau).state(after: trainer.validationHistory)
        XCTAssertTrue(state.converged)
        // The kept model is the best validated one.
        let best = trainer.validationHistory.dropFirst().min { $0.nrmse < $1.nrmse }!
        XCTAssertEqual(trainer.bestIteration, best.iteration)
    }

    /// Stopped part-way (after its first rate reduction, on a validation iteration) and resumed from its
    /// checkpoint, the run continues with the reduced rate and ends bit-identical to the uninterrupted run.
    func testResumeRestoresTheReducedRate() throws {
        let whole = try SurrogateTrainer(traces: trace(), options: options())
        _ = try whole.run()
        let plateau = try XCTUnwrap(whole.options.plateau)
        // The first validation at which the rate had been reduced once.
        let cut = try XCTUnwrap((1...whole.validationHistory.count).first {
            plateau.state(after: Array(whole.validationHistory.prefix($0))).reductions == 1
        })
        var short = options()
        short.iterations = whole.validationHistory[cut - 1].iteration
        let first = try SurrogateTrainer(traces: trace(), options: short)
        _ = try first.run()
        XCTAssertEqual(first.learningRateReductions, 1)
        let resumed = try SurrogateTrainer(traces: trace(), options: options())
        try resumed.restore(first.checkpoint())
        XCTAssertEqual(resumed.optimiser.learningRate, 0.005)
        XCTAssertEqual(try resumed.run(), .converged)
        XCTAssertEqual(resumed.iteration, whole.iteration)
        XCTAssertEqual(resumed.model.mlp.parameters, whole.model.mlp.parameters)
        XCTAssertEqual(resumed.bestModel.mlp.parameters, whole.bestModel.mlp.parameters)
    }

    /// The schedule needs validation data and sane values.
    func testOptionsAreChecked() {
        var o = options()
        o.validation = .none
        XCTAssertThrowsError(try o.validate())
        o = options()
        o.plateau = PlateauSchedule(patience: 0, factor: 0.5, maxReductions: 1)
        XCTAssertThrowsError(try o.validate())
        o.plateau = PlateauSchedule(patience: 2, factor: 1, maxReductions: 1)
        XCTAssertThrowsError(try o.validate())
    }

    /// `--validation auto`: a 10 % tail and the last four 10 % stretches scored from 5,000 samples on (the
    /// shortest trace decides; an ensemble's members ask for a 20 % tail alone), the training traces below.
    func testAutomaticValidation() {
        XCTAssertEqual(ValidationData.automatic(sampleCounts: [10_000]), .lastBlocks(fraction: 0.1, count: 4))
        XCTAssertEqual(ValidationData.automatic(sampleCounts: [5_000, 20_000]), .lastBlocks(fraction: 0.1, count: 4))
        XCTAssertEqual(ValidationData.automatic(sampleCounts: [4_999, 20_000]), .trainingTraces)
        XCTAssertEqual(ValidationData.automatic(sampleCounts: [1_600]), .trainingTraces)
        XCTAssertEqual(ValidationData.automatic(sampleCounts: []), .trainingTraces)
        XCTAssertEqual(ValidationData.automatic(sampleCounts: [10_000], tailFraction: 0.2, blocks: 1), .heldOutTail(fraction: 0.2))
        XCTAssertEqual(ValidationData.automatic(sampleCounts: [1_600], tailFraction: 0.2, blocks: 1), .trainingTraces)
    }

    /// `.lastBlocks`: the tail is held out of training as with `.heldOutTail`, and the validation scores the
    /// last N stretches of the tail's length, each predicted from its own start, in time order; stretches
    /// that do not fit are refused.
    func testLastBlocksSplit() throws {
        let n = 1000
        let t = try RawTrace(name: "t", sampleInterval: 5e-12, outputs: (0..<n).map { sin(0.05 * Double($0)) },
                             outputCount: 1, inputs: (0..<n).map { cos(0.031 * Double($0)) }, inputCount: 1)
        var o = FitOptions()
        o.iterations = 1
        o.validation = .lastBlocks(fraction: 0.1, count: 3)
        let trainer = try SurrogateTrainer(traces: [t], options: o)
        XCTAssertEqual(trainer.trainingTraces.map(\.sampleCount), [900])
        XCTAssertEqual(trainer.validationSegments.map { [$0.trace, $0.start, $0.length] }, [[0, 700, 100], [0, 800, 100], [0, 900, 100]])
        o.validation = .heldOutTail(fraction: 0.1)
        let tailOnly = try SurrogateTrainer(traces: [t], options: o)
        XCTAssertEqual(tailOnly.trainingTraces.map(\.sampleCount), [900])
        XCTAssertEqual(tailOnly.validationSegments.map { [$0.trace, $0.start, $0.length] }, [[0, 900, 100]])
        // The score is the mean of the three stretches' NRMSEs. The first two are recomputed as traces of
        // their own, whose last sample's delayed input is clamped at the trace end instead of read from the
        // next stretch: equal to 4e-9 relative here (that one sample), not to the last bit.
        let whole = try XCTUnwrap(trainer.validationNRMSE())
        var parts: [Double] = []
        for start in [700, 800] {
            o.validation = .heldOutTraces(names: ["s"])
            var stretch = t.window(start: start, count: 100)
            stretch.name = "s"
            let judge = try SurrogateTrainer(traces: [t.window(start: 0, count: 900), stretch], options: o)
            parts.append(try XCTUnwrap(judge.validationNRMSE(of: trainer.model)))
        }
        parts.append(try XCTUnwrap(tailOnly.validationNRMSE(of: trainer.model)))
        XCTAssertEqual(whole, parts.reduce(0, +) / 3, accuracy: 1e-7 * whole)
        o.validation = .lastBlocks(fraction: 0.1, count: 11)
        XCTAssertThrowsError(try SurrogateTrainer(traces: [t], options: o))
        o.validation = .lastBlocks(fraction: 0.4, count: 3)
        XCTAssertThrowsError(try SurrogateTrainer(traces: [t], options: o))
    }
}
