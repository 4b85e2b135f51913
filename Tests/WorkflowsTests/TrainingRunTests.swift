import Foundation
import Surrogate
import TestSupport
import TraceIO
import Workflows
import XCTest

/// `TrainingRun`: the checkpoint policy and the model file that survives a failed write.
final class TrainingRunTests: XCTestCase {
    /// A small trainer: x(t) = sin(t) driven by u(t) = cos(t), 80 samples of 0.25 s; MLP 6 wide, 5 iterations.
    func trainer(iterations: Int) throws -> SurrogateTrainer {
        let t = (0..<80).map { Double($0) * 0.25 }
        let trace = try RawTrace(name: "a", sampleInterval: 0.25, outputs: t.map { sin($0) }, outputCount: 1,
                                 inputs: t.map { cos($0) }, inputCount: 1)
        var o = FitOptions()
        o.hidden = [6]
        o.batchSize = 4
        o.windowLength = 6
        o.iterations = iterations
        o.validationInterval = 5
        return try SurrogateTrainer(traces: [trace], options: o)
    }

    /// Every 2 iterations of 5, then once at the end: the file holds the last state (iteration 5), and a
    /// run without checkpoints writes none.
    func testCheckpointEveryAndAtTheEnd() throws {
        let dir = try makeTemporaryDirectory(self)
        var seen: [Int] = []
        let t = try trainer(iterations: 5)
        let reason = try TrainingRun.train(t, checkpointEvery: 2, checkpointPath: dir + "/run.json") { seen.append($0.iteration) }
        XCTAssertEqual(reason, .iterations)
        XCTAssertEqual(seen, [1, 2, 3, 4, 5])
        XCTAssertEqual(try TrainingCheckpoint.read(from: dir + "/run.json").iteration, 5)
        _ = try TrainingRun.train(try trainer(iterations: 3), checkpointEvery: 0, checkpointPath: dir + "/none.json")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/none.json"))
    }

    /// A model that cannot go to --out (its folder does not exist) goes to the temporary folder, and the
    /// error names both places.
    func testModelIsRescuedWhenOutCannotBeWritten() throws {
        let file = try SurrogateModelFile.read(repositoryRoot() + "/Models/skyrmion-disk.h5")
        let out = "/nonexistent-spinode-folder/model-\(UUID().uuidString).h5"
        let rescue = NSTemporaryDirectory() + "spinode-fit-\(getpid())-" + URL(fileURLWithPath: out).lastPathComponent
        addTeardownBlock { try? FileManager.default.removeItem(atPath: rescue) }
        XCTAssertThrowsError(try TrainingRun.writeModel(file, to: out)) { error in
            XCTAssertTrue("\(error)".contains(out), "\(error)")
            XCTAssertTrue("\(error)".contains("the trained model was saved to '\(rescue)' instead"), "\(error)")
        }
        XCTAssertEqual(try SurrogateModelFile.read(rescue).layers, file.layers)
    }
}
