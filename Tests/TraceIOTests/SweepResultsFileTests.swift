import Foundation
import TestSupport
import XCTest
import TraceIO

/// The gathered sweep file: written atomically, read back, summary columns with NaN for missing values.
final class SweepResultsFileTests: XCTestCase {
    func testRoundTripAndSummaryColumns() throws {
        let dir = try makeTemporaryDirectory(self)
        let file = SweepResultsFile(command: "fit", seed: 3, tasks: [
            .init(index: 0, seed: 11, status: "ok", wallSeconds: 1.5, parameters: [.init(key: "--hidden", value: .string("20,20")),
                  .init(key: "--order", value: .integer(2))], figures: [.init(name: "best_validation_nrmse", value: 0.125)],
                  output: "tasks/000000/model.h5"),
            .init(index: 1, seed: 12, status: "failed", error: "Error: diverged", wallSeconds: 0.5,
                  parameters: [.init(key: "--hidden", value: .string("5")), .init(key: "--order", value: .integer(3))]),
            .init(index: 2, seed: 13, status: "missing", parameters: [.init(key: "--order", value: .integer(4))]),
        ])
        try file.write(to: dir + "/sweep.h5")
        let back = try SweepResultsFile.read(dir + "/sweep.h5")
        XCTAssertEqual(back, file)
        XCTAssertEqual(back.missingTasks, [2])
        XCTAssertEqual(try SweepResultsFile.column("--order", in: dir + "/sweep.h5"), [2, 3, 4])
        XCTAssertEqual(try SweepResultsFile.column("status_code", in: dir + "/sweep.h5"), [1, 0, -1])
        let nrmse = try SweepResultsFile.column("best_validation_nrmse", in: dir + "/sweep.h5")
        XCTAssertEqual(nrmse[0], 0.125)
        XCTAssertTrue(nrmse[1].isNaN && nrmse[2].isNaN)
        XCTAssertEqual(try HDF5File.open(dir + "/sweep.h5").root.integerArrayAttribute("missing_tasks"), [2])
    }
}
