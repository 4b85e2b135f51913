import Foundation
import TestSupport
import TraceIO
import XCTest

/// `mpirun -n 2 spinode fit`: the ranks split each minibatch's windows and sum the gradients; rank 0
/// writes the model. The model equals the single-process one to round-off, and a second 2-rank run gives
/// the same bits.
final class DataParallelFitTests: XCTestCase {
    func testTwoRanksFitTheSingleProcessModel() throws {
        let mpirun = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .map { $0 + "/mpirun" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let mpirun else { throw XCTSkip("mpirun not on PATH") }
        let dir = try makeTemporaryDirectory(self)
        let traces = repositoryRoot() + "/Datasets/skyrmion-disk.h5"
        let fit = ["fit", traces, "--trace", "train", "--iterations", "30", "--seed", "3", "--input-noise", "0.01", "--json"]
        try runSpinode(fit + ["--out", dir + "/serial.h5"])
        var summaries: [[String: Any]] = []
        for name in ["a", "b"] {
            let r = try runProcess(mpirun, ["-n", "2", "--oversubscribe", "--allow-run-as-root", try spinode()] + fit
                                   + ["--out", dir + "/mpi-\(name).h5"], timeout: 300)
            XCTAssertEqual(r.status, 0, r.stderr)
            summaries.append(try jsonObject(r.stdout))
        }
        XCTAssertEqual(summaries[0]["ranks"] as? Int, 2)
        XCTAssertEqual(summaries[0]["iterations"] as? Int, 30)
        let serial = try SurrogateModelFile.read(dir + "/serial.h5").layers
        let a = try SurrogateModelFile.read(dir + "/mpi-a.h5").layers, b = try SurrogateModelFile.read(dir + "/mpi-b.h5").layers
        XCTAssertEqual(a, b, "two 2-rank runs")
        XCTAssertEqual(serial.count, a.count)
        for (s, p) in zip(serial, a) {
            let scale = s.weight.storage.map(abs).max()!
            for (x, y) in zip(s.weight.storage + s.bias, p.weight.storage + p.bias) { XCTAssertEqual(x, y, accuracy: 1e-12 * scale) }
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        XCTAssertEqual(files, ["mpi-a.h5", "mpi-b.h5", "serial.h5"], "rank 1 wrote nothing of its own")
    }
}
