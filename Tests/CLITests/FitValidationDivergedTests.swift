import Foundation
import XCTest

/// A fit whose every validation free run diverged (issue 13): before, the model was written to --out with
/// validation NRMSE inf and exit 0. Now --out is not written, the exit status is 1 with one line saying so,
/// and the trained weights are kept in the temporary folder (as on a full disk).
final class FitValidationDivergedTests: XCTestCase {
    func testAllDivergedValidationsRefuseTheModelAndKeepTheWeights() throws {
        let dir = try makeTemporaryDirectory(self)
        let traces = try importOscillator(DrivenOscillator(samples: 300), into: dir)
        let temporary = dir + "/tmp"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: false)
        let out = dir + "/model.h5"
        // ReLU with N(0, 5^2) weights: dy/dtau grows with y, and the 300-sample free run overflows to inf;
        // two iterations at the default learning rate cannot tame it.
        let result = try runProcess("/usr/bin/env", ["TMPDIR=\(temporary)/", try spinode(), "fit", traces, "--out", out,
                                                     "--iterations", "2", "--activation", "relu", "--init-sigma", "5", "--quiet"])
        XCTAssertFalse(result.signalled)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(result.stderrLines.count, 1, result.stderr)
        XCTAssert(result.stderr.contains("\(out): not written: the validation free run of the trained model diverged (NRMSE inf)"),
                  result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        // The weights are in the temporary folder, named in the message, and readable as a model.
        let kept = try FileManager.default.contentsOfDirectory(atPath: temporary).filter { $0.hasSuffix("-model.h5") }
        XCTAssertEqual(kept.count, 1, "\(kept)")
        let rescue = temporary + "/" + (kept.first ?? "")
        XCTAssert(result.stderr.contains("the last trained weights were saved to '\(rescue)'"), result.stderr)
        let inspect = try runSpinode(["inspect", rescue, "--json"])
        XCTAssertEqual(try jsonObject(inspect.stdout)["activations"] as? [String], ["relu", "relu", "identity"])

        // The same fit with the default tanh network predicts finitely and writes --out, exit 0.
        try runSpinode(["fit", traces, "--out", out, "--iterations", "2", "--quiet"])
        XCTAssert(FileManager.default.fileExists(atPath: out))
    }
}
