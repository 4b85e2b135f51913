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

    /// A varied spec key named like a fixed column (`seed`, the spec's own seed) gets its own column
    /// "parameter seed" next to the tasks' seeds; a figure named like a parameter gets "figure NAME".
    func testParameterNamedLikeAColumnGetsItsOwn() throws {
        let dir = try makeTemporaryDirectory(self)
        let file = SweepResultsFile(command: "simulate", seed: 5, tasks: [
            .init(index: 0, seed: 21, status: "ok", wallSeconds: 6, parameters: [.init(key: "final_mz", value: .number(0.5)),
                  .init(key: "seed", value: .integer(1))], figures: [.init(name: "final_mz", value: 0.805)]),
            .init(index: 1, seed: 22, status: "ok", wallSeconds: 6, parameters: [.init(key: "final_mz", value: .number(0.25)),
                  .init(key: "seed", value: .integer(2))], figures: [.init(name: "final_mz", value: 0.79)]),
        ])
        XCTAssertEqual(file.columns.map(\.name), ["task", "status_code", "seed", "wall_seconds", "final_mz", "parameter seed", "figure final_mz"])
        try file.write(to: dir + "/sweep.h5")
        XCTAssertEqual(try SweepResultsFile.read(dir + "/sweep.h5"), file)
        XCTAssertEqual(try SweepResultsFile.column("seed", in: dir + "/sweep.h5"), [21, 22])
        XCTAssertEqual(try SweepResultsFile.column("parameter seed", in: dir + "/sweep.h5"), [1, 2])
        XCTAssertEqual(try SweepResultsFile.column("figure final_mz", in: dir + "/sweep.h5"), [0.805, 0.79])
    }
}
