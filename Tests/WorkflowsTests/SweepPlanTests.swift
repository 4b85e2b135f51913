import Devices
import Foundation
import TestSupport
import XCTest
import Workflows

/// SWEEP.toml expansion, task seeds and spec editing (docs/scaling.md).
final class SweepPlanTests: XCTestCase {
    private let reservoir = """
    [sweep]
    command = "reservoir"
    seed = 42
    arguments = ["mackey-glass", "--device", "esn"]
    [grid]
    "--nodes" = [6, 10, 14]
    "--input-scaling" = [0.3, 0.6]
    [[task]]
    "--nodes" = 40
    "--seed" = 7
    """

    /// The task poll backs off with the quiet time: 2 ms up to 2 s, then a thousandth of it, at most 100 ms.
    func testPollIntervalBacksOffWithTheQuietTime() {
        XCTAssertEqual(SweepTaskProcess.pollMicroseconds(idleSeconds: 0), 2_000)
        XCTAssertEqual(SweepTaskProcess.pollMicroseconds(idleSeconds: 1.5), 2_000)
        XCTAssertEqual(SweepTaskProcess.pollMicroseconds(idleSeconds: 30), 30_000)
        XCTAssertEqual(SweepTaskProcess.pollMicroseconds(idleSeconds: 3_600), 100_000)
        XCTAssertEqual(SweepTaskProcess.pollMicroseconds(idleSeconds: .infinity), 100_000)
    }

    func testGridIsCartesianFirstKeySlowestThenTasks() throws {
        let plan = try SweepPlan(text: reservoir, file: "/tmp/sweep.toml")
        XCTAssertEqual(plan.tasks.count, 7)
        // Keys in name order (TOML tables are unordered), the first slowest.
        XCTAssertEqual(plan.tasks[1].label, "--input-scaling = 0.3, --nodes = 10")
        XCTAssertEqual(plan.tasks[4].label, "--input-scaling = 0.6, --nodes = 10")
        XCTAssertEqual(plan.tasks[6].label, "--nodes = 40, --seed = 7")
        XCTAssertEqual(plan.commandLine(for: plan.tasks[1], folder: "/r/t"),
                       ["reservoir", "mackey-glass", "--device", "esn", "--input-scaling", "0.3", "--nodes", "10",
                        "--json", "--quiet", "--seed", String(SweepSeed.task(1, sweepSeed: 42))])
        // An explicit seed wins and is not added twice.
        XCTAssertEqual(plan.tasks[6].seed, 7)
        XCTAssertEqual(plan.commandLine(for: plan.tasks[6], folder: "/r/t").filter { $0 == "--seed" }.count, 1)
    }

    /// A task's seed is a function of (sweep seed, index) only: the same in any order of evaluation, different
    /// between tasks and between sweep seeds, and a valid TOML integer (< 2^63).
    func testTaskSeedsDependOnSweepSeedAndIndexOnly() {
        let forward = (0..<1000).map { SweepSeed.task($0, sweepSeed: 42) }
        let backward = (0..<1000).reversed().map { SweepSeed.task($0, sweepSeed: 42) }.reversed()
        XCTAssertEqual(forward, Array(backward))
        XCTAssertEqual(Set(forward).count, 1000)
        XCTAssertTrue(forward.allSatisfy { $0 <= UInt64(Int.max) })
        XCTAssertNotEqual(SweepSeed.task(0, sweepSeed: 42), SweepSeed.task(0, sweepSeed: 43))
        // SplitMix64 of state 0 after one step is 0xE220A8397B1DCDAF (Vigna's reference splitmix64.c); >> 1:
        XCTAssertEqual(SweepSeed.task(0, sweepSeed: 0), 0xE220_A839_7B1D_CDAF >> 1)
    }

    func testSpecKeysAreReplacedAndTheTaskSeedSet() throws {
        let dir = try makeTemporaryDirectory(self)
        try Data(TinyFilmSpec.text(duration: "1e-10").utf8).write(to: URL(fileURLWithPath: dir + "/film.toml"))
        let text = "[sweep]\ncommand = \"simulate\"\nseed = 9\nspec = \"film.toml\"\n[grid]\n\"material.alpha\" = [0.1]\n\"stage.1.duration\" = [3e-11]\n"
        let plan = try SweepPlan(text: text, file: dir + "/sweep.toml")
        let spec = try SimulationSpec(text: try plan.specText(for: plan.tasks[0], at: dir + "/t.toml"), file: dir + "/t.toml")
        XCTAssertEqual(spec.seed, SweepSeed.task(0, sweepSeed: 9))
        let tree = try SpecValue.parse(try plan.specText(for: plan.tasks[0], at: dir + "/t.toml"), file: "t")
        XCTAssertEqual(tree.value(at: "material.alpha"), .double(0.1))
        XCTAssertEqual(tree.value(at: "stage.1.duration"), .double(3e-11))
        XCTAssertEqual(tree.value(at: "material.Msat"), .double(800e3))
    }

    func testTOMLTextRoundTrips() throws {
        let tree = try SpecValue.parse("a = 1\nb = 2.5e-9\n[c]\nd = \"x \\\"q\\\"\"\ne = [1, 2]\n[[f]]\ng = true\n", file: "t")
        XCTAssertEqual(try SpecValue.parse(tree.tomlDocument, file: "t"), tree)
    }
}
