import Foundation
import TraceIO
import XCTest

/// `spinode fit --outputs`: a model of some of a trace's output channels (a regime run records `mz`, Q and
/// the skyrmion radius; a model of the skyrmion regime may learn `mz` and the radius only). Fitting on a
/// two-output trace with `--outputs y` gives the same model as fitting on a file that holds only y, bit for
/// bit; the model predicts the two-output trace by name; a channel the traces lack, or none, is one line
/// and a non-zero exit before anything is written.
final class FitOutputsTests: XCTestCase {
    func testFitLearnsTheChosenOutputsOnly() throws {
        let dir = try makeTemporaryDirectory(self)
        let (t, u, x) = DrivenOscillator(samples: 200).generate()
        // y = 3 x + 1: another output on another scale.
        var both = "t (s),u (A),x (V),y (V)\n", yOnly = "t (s),u (A),y (V)\n"
        for i in t.indices {
            both += "\(t[i]),\(u[i]),\(x[i]),\(3 * x[i] + 1)\n"
            yOnly += "\(t[i]),\(u[i]),\(3 * x[i] + 1)\n"
        }
        try both.write(toFile: dir + "/both.csv", atomically: true, encoding: .utf8)
        try yOnly.write(toFile: dir + "/y.csv", atomically: true, encoding: .utf8)
        let bothTraces = dir + "/both.h5", yTraces = dir + "/y.h5"
        try runSpinode(["import", "csv", dir + "/both.csv", "--time", "t", "--input", "u", "--output", "x,y", "--uniform", "--out", bothTraces])
        try runSpinode(["import", "csv", dir + "/y.csv", "--time", "t", "--input", "u", "--output", "y", "--uniform", "--out", yTraces])
        XCTAssertEqual(try TraceFile.read(bothTraces)[0].outputNames, ["x", "y"])

        let common = ["--iterations", "5", "--hidden", "8", "--seed", "3", "--quiet"]
        let chosen = dir + "/chosen.h5", alone = dir + "/alone.h5"
        try runSpinode(["fit", bothTraces, "--outputs", "y", "--out", chosen] + common)
        try runSpinode(["fit", yTraces, "--out", alone] + common)
        // Both models predict the y-only trace alike, to the bit, and the chosen model reads the two-output trace by name.
        let p1 = dir + "/p1.h5", p2 = dir + "/p2.h5", p3 = dir + "/p3.h5"
        try runSpinode(["predict", chosen, yTraces, "--out", p1])
        try runSpinode(["predict", alone, yTraces, "--out", p2])
        try runSpinode(["predict", chosen, bothTraces, "--out", p3])
        let a = try TraceFile.read(p1)[0], b = try TraceFile.read(p2)[0], c = try TraceFile.read(p3)[0]
        XCTAssertEqual(a.outputNames, ["y"])
        XCTAssertEqual(c.outputNames, ["y"])
        XCTAssertEqual(a.outputs.storage, b.outputs.storage)
        XCTAssertEqual(c.outputs.storage, b.outputs.storage)
        // The full model learns both channels, so it is another model.
        let full = dir + "/full.h5", p4 = dir + "/p4.h5"
        try runSpinode(["fit", bothTraces, "--out", full] + common)
        try runSpinode(["predict", full, bothTraces, "--out", p4])
        XCTAssertEqual(try TraceFile.read(p4)[0].outputNames, ["x", "y"])

        for (bad, says) in [("q", "has no output 'q'"), ("none", "--outputs"), ("y,", "empty name")] {
            let out = dir + "/bad.h5"
            let r = try runProcess(try spinode(), ["fit", bothTraces, "--outputs", bad, "--out", out] + common, timeout: 120)
            XCTAssertEqual(r.status, 1, bad)
            XCTAssertEqual(r.stderrLines.count, 1, "\(bad): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(says), "\(bad): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), bad)
        }
    }
}
