import Foundation
import XCTest

/// `spinode bench surrogate-rk4 --json` at its smallest sizes prints one parseable JSON object with a
/// positive rate and a fused kernel that agrees with the unfused reference (speed itself is not
/// asserted: that is the benchmark's job on a quiet machine).
final class BenchCommandTests: XCTestCase {
    func testSurrogateRK4BenchPrintsJSON() throws {
        let result = try runSpinode(["bench", "surrogate-rk4", "--samples", "1000", "--batch", "2", "--batched-steps", "100",
                                     "--reference-steps", "10", "--repeats", "1", "--json"])
        let r = try jsonObject(result.stdout)
        let rate = try number(r["steps_per_second"])
        XCTAssertTrue(rate.isFinite && rate > 0, "steps_per_second = \(rate)")
        XCTAssertGreaterThan(try number(r["batched_steps_per_second"]), 0)
        XCTAssertEqual(r["samples"] as? Int, 1000)
        XCTAssertEqual(r["batch"] as? Int, 2)
        // 4-50-50-2 MLP: 4 x 50 + 50 x 50 + 50 x 2 = 2,800 multiply-adds (2 flops each) per evaluation, 4 RK4
        // stages per step: 22,400 flops per step (the count Sources/Benchmarks/SurrogateRK4.swift states).
        XCTAssertEqual(try number(r["flops_per_step_per_member"]), 22_400)
        let difference = try number(r["fused_vs_unfused_max_difference"])
        XCTAssertLessThan(difference, 1e-12, "fused and unfused RK4 disagree by \(difference)")
        let final = try XCTUnwrap(r["final_state"] as? [Double])
        XCTAssertEqual(final.count, 2)
        XCTAssertTrue(final.allSatisfy(\.isFinite))
    }

    /// `bench sp4` checks every option before its minutes-long run (the fuzz run found `--step=nan` and
    /// `--step=-inf` accepted: the first ran the whole benchmark with exit 0, the second ran past 10 s).
    func testSP4RefusesBadOptionsBeforeRunning() throws {
        for (option, expected) in [("--step=nan", "--step must be a time > 0 s"), ("--step=-inf", "--step must be a time > 0 s"),
                                   ("--step=0", "--step must be a time > 0 s"), ("--method=euler", "--method must be"),
                                   ("--rtol=2", "--rtol must be in (0, 1)"), ("--atol=-1", "--atol must be > 0"),
                                   ("--repeats=0", "--repeats must be >= 1")] {
            let result = try runProcess(try spinode(), ["bench", "sp4", option], timeout: 20)
            XCTAssertFalse(result.signalled, option)
            XCTAssertNotEqual(result.status, 0, "bench sp4 \(option) ran")
            XCTAssertTrue(result.stderrLines.first?.hasPrefix("Error: \(expected)") == true, "\(option): \(result.stderr)")
        }
    }
}
