import Devices
import Foundation
import XCTest

/// A diverging run stops with the time, the stage and the cause, and its last good checkpoint stays
/// (issue 13, item 9); a resume refuses a changed drive file (item 10); thermal runs need Heun (item 19).
final class SpecDivergenceTests: XCTestCase {
    /// An 8 x 8 permalloy film from a random state (exchange only, 2 nm cells): RK4 is stable at 10 fs
    /// and unstable at 0.25 ps (|m| drifts by a few per cent within the first picosecond) and beyond
    /// (at 1 ps m overflows within two steps).
    static func film(secondStep: Double) -> String { """
    seed = 5
    [mesh]
    cells = [8, 8, 1]
    cell_size = [2e-9, 2e-9, 2e-9]
    [material]
    Msat = 800e3
    Aex = 13e-12
    alpha = 0.02
    [terms]
    demag = false
    [initial]
    kind = "random"
    [[stage]]
    kind = "run"
    duration = 20e-12
    solver = "rk4"
    step = 10e-15
    record = true
    [[stage]]
    kind = "run"
    duration = 20e-12
    solver = "rk4"
    step = \(secondStep)
    record = true
    [output]
    interval = 1e-12
    checkpoint_every = 10e-12
    """ }

    func temporaryPath(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "spinode-diverge-\(getpid())-\(UUID().uuidString)-\(name)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testStableFilmRuns() throws {
        let r = try SimulationRunner(spec: try SimulationSpec(text: Self.film(secondStep: 10e-15), file: "film.toml")).run()
        XCTAssertEqual(r.times.count, 41)
        XCTAssertTrue(r.outputs.allSatisfy { $0.allSatisfy { abs($0) <= 1 } })
    }

    /// Before, a drifting |m| was recorded and then renormalised away, without an error. Now the run stops
    /// in stage[1] at its first sample (t = 21 ps), and the checkpoint written at the end of stage[0]
    /// (t = 20 ps) stays in place and is named.
    func testDivergenceStopsWithTimeStageAndCause() throws {
        let spec = try SimulationSpec(text: Self.film(secondStep: 0.25e-12), file: "film.toml")
        let runner = SimulationRunner(spec: spec)
        let checkpoint = temporaryPath("ckpt")
        runner.checkpointPath = checkpoint
        XCTAssertThrowsError(try runner.run()) { e in
            guard case let .simulation(file, stage, reason)? = e as? SpecError else { return XCTFail("\(e)") }
            XCTAssertEqual(file, "film.toml")
            XCTAssertEqual(stage, "stage[1]")
            XCTAssertTrue(reason.hasPrefix("the integration diverged at t = 2.1e-11 s: m in cell ("), reason)
            XCTAssertTrue(reason.contains("beyond the tolerance ||m| - 1| <= 0.01"), reason)
            XCTAssertTrue(reason.hasSuffix("the last good checkpoint (t = 2e-11 s) is kept in \(checkpoint)"), reason)
            XCTAssertFalse("\(e)".contains("\n"))
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: checkpoint))
    }

    /// `norm_tolerance` is the stage's threshold: at 0.25 ps the drift stays below 0.5 (the run is
    /// inaccurate but bounded), so a stage with `norm_tolerance = 0.5` completes.
    func testNormToleranceIsPerStage() throws {
        let text = Self.film(secondStep: 0.25e-12).replacingOccurrences(of: "step = 2.5e-13", with: "step = 2.5e-13\nnorm_tolerance = 0.5")
        let r = try SimulationRunner(spec: try SimulationSpec(text: text, file: "film.toml")).run()
        XCTAssertEqual(r.times.count, 41)
    }

    /// Far beyond the stability limit m overflows inside a segment: the ODE engine's non-finite check
    /// stops it, reported as a divergence with the time.
    func testOverflowIsReportedAsDivergence() throws {
        let spec = try SimulationSpec(text: Self.film(secondStep: 1e-12), file: "film.toml")
        XCTAssertThrowsError(try SimulationRunner(spec: spec).run()) { e in
            guard case let .simulation(_, stage, reason)? = e as? SpecError else { return XCTFail("\(e)") }
            XCTAssertEqual(stage, "stage[1]")
            XCTAssertTrue(reason.hasPrefix("time integration failed at t = 2."), reason)
            XCTAssertTrue(reason.hasSuffix("m became non-finite: the integration diverged; use a smaller step or tighter tolerances"), reason)
        }
    }

    func testThermalRunWithRK4IsRefused() {
        let text = Self.film(secondStep: 10e-15).replacingOccurrences(of: "demag = false", with: "demag = false\ntemperature = 300")
        XCTAssertThrowsError(try SimulationSpec(text: text, file: "film.toml")) { e in
            XCTAssertEqual("\(e)", "film.toml: key 'stage[0].solver' = \"rk4\" is invalid: thermal runs (terms.temperature > 0) "
                           + "need solver = \"heun\" with a fixed step")
        }
    }

    func testZeroInitialDirectionReadsAsAVector() {
        let text = Self.film(secondStep: 10e-15).replacingOccurrences(of: "kind = \"random\"", with: "uniform = [0, 0, 0]")
        XCTAssertThrowsError(try SimulationSpec(text: text, file: "film.toml")) { e in
            XCTAssertEqual("\(e)", "film.toml: key 'initial.uniform' = (0, 0, 0) is invalid: must be a non-zero direction")
        }
    }

    /// A resume refuses a drive file that changed after the checkpoint (it used to join two drives),
    /// naming the file; with the file restored it resumes.
    func testResumeRefusesChangedDriveFile() throws {
        let csv = temporaryPath("u.csv")
        try "0.01\n-0.01\n0.02\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let text = Self.film(secondStep: 10e-15) + """

        [drive.u]
        kind = "piecewise"
        target = "field_z"
        hold = 10e-12
        file = "\(csv)"
        """
        let withDrive = text.replacingOccurrences(of: "step = 10e-15\nrecord = true", with: "step = 10e-15\nrecord = true\ndrive = \"u\"")
        let checkpoint = temporaryPath("ckpt")
        let first = SimulationRunner(spec: try SimulationSpec(text: withDrive, file: "film.toml"))
        first.checkpointPath = checkpoint
        first.stopAfterCheckpoints = 1
        XCTAssertFalse(try first.run().completed)

        try "0.01\n-0.01\n0.5\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let second = SimulationRunner(spec: try SimulationSpec(text: withDrive, file: "film.toml"))
        second.checkpointPath = checkpoint
        XCTAssertThrowsError(try second.run(resume: true)) { e in
            guard case let .badCheckpoint(file, reason)? = e as? SpecError else { return XCTFail("\(e)") }
            XCTAssertEqual(file, checkpoint)
            XCTAssertTrue(reason.hasPrefix("\(csv) (drive.u.file) changed since the checkpoint was written (SHA-256 "), reason)
        }

        try "0.01\n-0.01\n0.02\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let third = SimulationRunner(spec: try SimulationSpec(text: withDrive, file: "film.toml"))
        third.checkpointPath = checkpoint
        XCTAssertTrue(try third.run(resume: true).completed)
    }
}
