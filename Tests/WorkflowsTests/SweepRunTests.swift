import Foundation
import SafeIO
import TestSupport
import XCTest
import Workflows

/// Which tasks `SweepRun` starts, and how a task it does not start is counted (docs/scaling.md).
final class SweepRunTests: XCTestCase {
    private let sweepText = """
    [sweep]
    command = "reservoir"
    seed = 5
    arguments = ["mackey-glass", "--device", "esn"]
    [grid]
    "--nodes" = [6, 10]
    """

    private func sweep() throws -> SweepRun {
        let dir = try makeTemporaryDirectory(self)
        let plan = try SweepPlan(text: sweepText, file: dir + "/sweep.toml")
        let run = SweepRun(plan: plan, results: dir + "/results", executable: "/bin/false")
        try run.prepareResults()
        return run
    }

    private func writeStatus(_ run: SweepRun, _ index: Int, ok: Bool) throws {
        try FileManager.default.createDirectory(atPath: (run.statusPath(index) as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let json = """
        {"index": \(index), "status": "\(ok ? "ok" : "failed")", "error": \(ok ? "null" : "\"exit 1\""), \
        "exit_code": \(ok ? 0 : 1), "wall_seconds": 0.5, "seed": 1, "output": null}
        """
        try Data(json.utf8).write(to: URL(fileURLWithPath: run.statusPath(index)))
        XCTAssertEqual(SweepTaskStatus.read(run.statusPath(index))?.isOK, ok)
    }

    /// A task whose lock another holder has is running elsewhere, whatever its status says, with
    /// `retryFailed` too (the other process is retrying it); a task another process finished since it was
    /// found pending is counted as finished. The count follows what `start` saw at the lock (before, the
    /// status was read again afterwards, so a task that ended elsewhere in between was counted by its new
    /// status).
    func testNotStartedTasksAreCountedByTheReasonStartGave() throws {
        let run = try sweep()
        run.retryFailed = true
        try writeStatus(run, 0, ok: false)
        let held = try FileLock.acquire(run.lockedPath(0))
        guard case .notStarted(.runningElsewhere) = try run.start(0) else { return XCTFail("task 0 is held") }
        held.release()

        // Task 1 finished (ok) elsewhere between the pending scan and start: not run, counted as skipped.
        try writeStatus(run, 1, ok: true)
        guard case .notStarted(.finishedElsewhere) = try run.start(1) else { return XCTFail("task 1 finished") }

        var summary = SweepRun.Summary()
        summary.notRun(.runningElsewhere)
        summary.notRun(.finishedElsewhere)
        XCTAssertEqual(summary.runningElsewhere, 1)
        XCTAssertEqual(summary.skipped, 1)
        XCTAssertEqual(summary.failed, 0)
    }

    /// The MPI request code of a task not started carries both the index and the reason.
    func testNotStartedCodesRoundTrip() {
        for index in [0, 1, 2, 7, 1_000_003] {
            for reason in [SweepRun.NotStarted.runningElsewhere, .finishedElsewhere] {
                let code = SweepMPI.notStartedCode(index, reason)
                XCTAssertLessThanOrEqual(code, -2)
                XCTAssertEqual(SweepMPI.notStarted(code: code).index, index)
                XCTAssertEqual(SweepMPI.notStarted(code: code).reason, reason)
            }
        }
        XCTAssertEqual(SweepMPI.notStartedCode(0, .runningElsewhere), -2)
        XCTAssertEqual(SweepMPI.notStartedCode(0, .finishedElsewhere), -3)
        XCTAssertEqual(SweepMPI.notStartedCode(1, .runningElsewhere), -4)
    }
}
