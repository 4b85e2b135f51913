import Devices
import Foundation
import XCTest

/// Absurd sizes are refused when the spec is read, with the estimate and what the machine offers
/// (issue 13, item 13), before any array is allocated or any step is taken. The absurd values below
/// exceed any machine by orders of magnitude (1e12 cells need ~1.5 PB), so the tests hold everywhere.
final class SpecLimitsTests: XCTestCase {
    func parseError(_ text: String) -> SpecError? {
        do { _ = try SimulationSpec(text: text, file: "big.toml"); return nil } catch let e as SpecError { return e } catch {
            XCTFail("unexpected error \(error)"); return nil
        }
    }

    func assertResources(_ text: String, key: String, saying parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        let clock = ContinuousClock(), started = clock.now
        let e = parseError(text)
        XCTAssertLessThan(clock.now - started, .seconds(2), "refusal must come before any work", file: file, line: line)
        guard case let .resources(f, k, _)? = e else { return XCTFail("not refused for resources: \(String(describing: e))", file: file, line: line) }
        XCTAssertEqual(f, "big.toml", file: file, line: line)
        XCTAssertEqual(k, key, file: file, line: line)
        let text = e!.description
        XCTAssertFalse(text.contains("\n"), file: file, line: line)
        for p in parts { XCTAssertTrue(text.contains(p), "'\(p)' missing from: \(text)", file: file, line: line) }
    }

    func testAbsurdMeshIsRefusedWithMemoryEstimate() {
        let text = SpecParsingTests.base.replacingOccurrences(of: "cells = [8, 8, 1]", with: "cells = [100000, 100000, 100]")
        // 1e12 cells x 1000 B (base working set) = 1 PB, against MemAvailable.
        assertResources(text, key: "mesh.cells", saying: ["1e+12 cells", "1.0 PB", "available (MemAvailable)"])
    }

    /// A cell count beyond Int64 used to wrap to -9223372036854775808 in messages.
    func testHugeCellCountDoesNotOverflow() {
        let text = SpecParsingTests.base.replacingOccurrences(of: "cells = [8, 8, 1]", with: "cells = [1e20, 1e20, 1]")
        assertResources(text, key: "mesh.cells", saying: ["1e+40 cells"])
        XCTAssertFalse(parseError(text)!.description.contains("-9223372036854775808"))
    }

    func testEndlessDurationIsRefused() {
        let text = SpecParsingTests.base.replacingOccurrences(of: "duration = 1e-12", with: "duration = 1e300")
        // Adaptive: at least one step per 10 ps segment: 1e311 steps, beyond Double's range.
        assertResources(text, key: "stage[0]", saying: ["duration 1e+300 s", "more than 1.8e+308 steps", "64 cells",
                                                        "limits are 1e+10 steps and 1e+14 cell updates"])
        let moderate = SpecParsingTests.base.replacingOccurrences(of: "duration = 1e-12", with: "duration = 1")
        assertResources(moderate, key: "stage[0]", saying: ["duration 1 s", "1e+11 steps"])
    }

    func testTinyFixedStepIsRefused() {
        let text = SpecParsingTests.base.replacingOccurrences(of: "duration = 1e-12", with: "duration = 1e-9\nsolver = \"rk4\"\nstep = 1e-30")
        assertResources(text, key: "stage[0]", saying: ["at step 1e-30 s", "1e+21 steps"])
    }

    func testTinyIntervalIsRefusedWithSampleMemory() {
        let text = SpecParsingTests.base.replacingOccurrences(of: "interval = 1e-12", with: "interval = 1e-30")
        assertResources(text, key: "output.interval", saying: ["1e+18 samples", "available (MemAvailable)"])
    }

    /// Every drive piece is solved on its own: a hold of 1e-30 s means 1e18 pieces in 1 ps.
    func testTinyDriveHoldIsRefused() {
        let text = SpecParsingTests.base.replacingOccurrences(of: "record = true", with: "record = true\ndrive = \"u\"") + """

        [drive.u]
        kind = "piecewise"
        target = "field_z"
        hold = 1e-30
        values = [0.1, 0.2]
        """
        assertResources(text, key: "stage[0]", saying: ["in pieces of drive.u (hold or period 1e-30 s) is at least 1e+18 steps"])
    }

    /// Without a memory figure (no /proc/meminfo) the sample count is still bounded.
    func testSampleCountIsBoundedWithoutMemoryFigure() throws {
        let spec = try SimulationSpec(text: SpecParsingTests.base, file: "ok.toml")
        var budget = SimulationBudget(spec: spec)
        budget.samples = 1e18
        XCTAssertThrowsError(try budget.check(spec: spec, memory: nil, disk: nil)) { e in
            XCTAssertEqual("\(e)", "ok.toml: output.interval: 1e+18 samples exceed the limit of 1e+09")
        }
    }

    /// A relax stage with an unreachable tolerance runs until max_time: bounded too.
    func testEndlessRelaxIsRefused() {
        let text = SpecParsingTests.base.replacingOccurrences(of: "[[stage]]\nkind = \"run\"",
                                                              with: "[[stage]]\nkind = \"relax\"\nmax_time = 1e10\n[[stage]]\nkind = \"run\"")
        assertResources(text, key: "stage[0].max_time", saying: ["max_time 1e+10 s", "1e+19 relaxation segments"])
    }

    func testTinyCheckpointIntervalIsRefused() {
        let text = SpecParsingTests.base + "\ncheckpoint_every = 1e-40\n"
        assertResources(text, key: "stage[0]", saying: ["steps"])
    }

    func testHugeRandomDriveIsRefusedBeforeDrawing() {
        let text = SpecParsingTests.base + """

        [drive.u]
        kind = "piecewise"
        target = "field_z"
        hold = 1e-12
        random_count = 100000000000000
        """
        assertResources(text, key: "drive.u.random_count", saying: ["100000000000000 values", "2.4 PB", "available"])
    }

    /// The memory check against a given amount: the 8 x 8 film (64 cells, demag on a single layer:
    /// 64 x 1550 B = 99.2 kB; 2 samples of 3 outputs: 2 x 3 x 96 B = 576 B) fits in 1 MB, not in 10 kB.
    func testBudgetAgainstGivenMemory() throws {
        let spec = try SimulationSpec(text: SpecParsingTests.base, file: "ok.toml")
        let budget = SimulationBudget(spec: spec)
        XCTAssertEqual(budget.cells, 64)
        XCTAssertEqual(budget.meshBytes, 64 * 1550)
        XCTAssertEqual(budget.samples, 2)
        XCTAssertEqual(budget.sampleBytes, 2 * 3 * (8 + 64 + 8 * 3))
        XCTAssertNoThrow(try budget.check(spec: spec, memory: 1e6, disk: nil))
        XCTAssertThrowsError(try budget.check(spec: spec, memory: 1e4, disk: nil)) { e in
            XCTAssertEqual((e as? SpecError)?.description,
                           "ok.toml: mesh.cells: the run needs an estimated 100 KB of memory (mesh 99 KB for 64 cells, "
                           + "2 samples 576 B); this machine has 10 KB available (MemAvailable)")
        }
    }

    /// Snapshots are refused when they cannot fit on the disk of their folder.
    func testSnapshotsBeyondDiskAreRefused() throws {
        let spec = try SimulationSpec(text: SpecParsingTests.base + "\nsnapshot_every = 1e-12\n", file: "ok.toml")
        let budget = SimulationBudget(spec: spec)
        XCTAssertEqual(budget.snapshots, 2)
        XCTAssertEqual(budget.snapshotBytes, 2 * (24 * 64 + 1024))
        XCTAssertThrowsError(try budget.check(spec: spec, memory: nil, disk: 1000)) { e in
            guard case .resources(_, "output.snapshot_every", _)? = e as? SpecError else { return XCTFail("\(e)") }
        }
    }

    /// Device presets: the sample count (drive length / sample_interval) and the sub-steps are bounded too.
    func testDevicePresetLimits() {
        let text = """
        [device]
        kind = "macrospin"
        sample_interval = 50e-12
        drive = "j"
        [drive.j]
        kind = "piecewise"
        target = "current_density"
        hold = 100e-12
        values = [1e11, 2e11]
        """
        XCTAssertNil(parseError(text))
        // 2 values x 1e20 samples each.
        assertResources(text.replacingOccurrences(of: "sample_interval = 50e-12", with: "sample_interval = 1e-30"),
                        key: "device.sample_interval", saying: ["2e+20 samples", "available (MemAvailable)"])
        // 4 samples x 5e19 sub-steps.
        assertResources(text.replacingOccurrences(of: "sample_interval = 50e-12", with: "sample_interval = 50e-12\ntime_step = 1e-30"),
                        key: "device.time_step", saying: ["4 samples", "2e+20 steps"])
    }
}
