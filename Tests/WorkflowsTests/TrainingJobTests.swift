import Foundation
import Numerics
import Surrogate
import TestSupport
import TraceIO
import Workflows
import XCTest

/// `TrainingJob`: the training run `spinode fit` and `spinode demo --train` share, without a process.
final class TrainingJobTests: XCTestCase {
    /// A trace file of one trace "a": x(t) = sin(t) driven by u(t) = cos(t), 80 samples of 0.25 s.
    func traceFile(in dir: String) throws -> String {
        let t = (0..<80).map { Double($0) * 0.25 }
        let trace = Trace(name: "a", sampling: .uniform(t0: 0, dt: 0.25), inputs: Matrix(rows: 80, columns: 1) { i, _ in cos(t[i]) },
                          outputs: Matrix(rows: 80, columns: 1) { i, _ in sin(t[i]) }, parameters: [], inputNames: ["u"],
                          outputNames: ["x"], parameterNames: [], inputUnits: ["A"], outputUnits: ["V"], parameterUnits: [],
                          description: "test")
        let path = dir + "/traces.h5"
        try TraceFile.write([trace], to: path)
        return path
    }

    func job(_ traces: String, out: String) -> TrainingJob {
        var o = FitOptions()
        o.hidden = [6]
        o.batchSize = 4
        o.windowLength = 6
        o.iterations = 4
        o.validationInterval = 2
        return TrainingJob(traces: traces, options: o, out: out, trainingCommand: "spinode fit traces.h5 --test", toolkitVersion: "test")
    }

    /// A single fit's automatic tail is 10 %; an ensemble's members hold out 20 % (their tail also calibrates
    /// the trust threshold), and otherwise are the job with their own seed and checkpoint.
    func testEnsembleMembersUseTheEnsembleTail() {
        let single = job("t.h5", out: "m.h5")
        XCTAssertEqual(single.automaticTailFraction, 0.1)
        let ensemble = EnsembleTraining(job: single, members: 3, concurrent: 2)
        for i in 0..<3 {
            let member = ensemble.memberJob(i)
            XCTAssertEqual(member.automaticTailFraction, 0.2)
            XCTAssertEqual(member.options.seed, single.options.seed + UInt64(i))
        }
    }

    func testTrainsWritesTheBestModelWithItsCommandAndSummarises() throws {
        let dir = try makeTemporaryDirectory(self)
        let job = job(try traceFile(in: dir), out: dir + "/model.h5")
        XCTAssertEqual(job.checkpointPath, dir + "/model.h5.checkpoint.json")
        var iterations: [Int] = []
        let outcome = try job.train { p, _ in iterations.append(p.iteration) }
        XCTAssertEqual(iterations, [1, 2, 3, 4])
        XCTAssertEqual(outcome.startIteration, 0)
        XCTAssertEqual(outcome.reason, .iterations)
        // Validations at 0 (the untrained baseline), 2 and 4.
        XCTAssertEqual(outcome.trainer.validationHistory.map(\.iteration), [0, 2, 4])
        try job.writeModel(outcome.trainer)
        let file = try SurrogateModelFile.read(dir + "/model.h5")
        XCTAssertEqual(file.trainingCommand, "spinode fit traces.h5 --test")
        XCTAssertEqual(file.provenance.traceNames, ["a"])
        XCTAssertTrue(job.summaryLine(outcome).hasPrefix("\(dir)/model.h5: best model at iteration \(outcome.trainer.bestIteration) of 4, validation NRMSE "),
                      job.summaryLine(outcome))
        XCTAssertFalse(FileManager.default.fileExists(atPath: job.checkpointPath))   // checkpointEvery 0
    }

    func testRefusalsAndTheDivergedMessage() throws {
        let dir = try makeTemporaryDirectory(self)
        var missing = job(try traceFile(in: dir), out: dir + "/model.h5")
        missing.traceNames = ["b"]
        XCTAssertThrowsError(try missing.train()) { XCTAssertTrue("\($0)".contains("has no trace 'b'"), "\($0)") }
        var resume = job(dir + "/traces.h5", out: dir + "/model.h5")
        resume.resume = true
        XCTAssertThrowsError(try resume.train()) {
            XCTAssertTrue("\($0)".contains("--resume: no checkpoint at '\(dir)/model.h5.checkpoint.json'"), "\($0)")
        }
        XCTAssertEqual(TrainingJobError.diverged(out: "m.h5", validations: 2, rescue: "/tmp/r.h5").description,
                       "m.h5: not written: all 2 validation free runs of the trained model diverged (NRMSE inf); lower --lr or set --clip; the last trained weights were saved to '/tmp/r.h5'")
        XCTAssertEqual(TrainingJobError.diverged(out: "m.h5", validations: 1, rescue: nil).description,
                       "m.h5: not written: the validation free run of the trained model diverged (NRMSE inf); lower --lr or set --clip")
    }
}
