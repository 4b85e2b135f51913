import Devices
import Foundation
import XCTest

/// The spec runner end to end on small specs: checkpoint/resume reproduces an uninterrupted run.
final class SpecRunnerTests: XCTestCase {
    /// A 16 x 8 permalloy film relaxed, then driven by a sine-carrier field: small enough for a unit test,
    /// with demag, exchange, a drive with period jumps and several checkpoints.
    static func tinySpec(demag: Bool) -> String { """
    title = "tiny film"
    seed = 3
    [mesh]
    cells = [16, 8, 1]
    cell_size = [4e-9, 4e-9, 3e-9]
    [material]
    Msat = 800e3
    Aex = 13e-12
    alpha = 0.02
    [terms]
    demag = \(demag)
    [initial]
    uniform = [1, 0.1, 0]
    [[stage]]
    kind = "relax"
    torque_tolerance = 1e-2
    [[stage]]
    kind = "run"
    duration = 0.2e-9
    field = [-0.03, 0.005, 0]
    record = true
    drive = "k"
    [drive.k]
    kind = "sine-carrier"
    target = "field_z"
    amplitude = 0.01
    frequency = 4e9
    period = 50e-12
    low = -2
    high = 2
    [output]
    interval = 10e-12
    checkpoint_every = 50e-12
    """ }

    func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "spinode-spec-\(getpid())-\(name)"
    }

    /// Straight run vs. a run stopped after 2 checkpoints and resumed, without demag: every recorded
    /// sample equal to 1e-12 (the chunks and their start states are identical, so the runs are too).
    func testResumeReproducesUninterruptedRun() throws {
        try checkResume(demag: false, tolerance: 1e-12)
    }

    /// The same with demag. `Demag` carries state between evaluations: `ZeroPaddedFFT.inverse` writes
    /// whole padded rows of its real buffer and `Demag.addField` rewrites only the first nx entries of
    /// each row before the next `forward`, which assumes the rest is zero. Evaluating the same m before
    /// and after another m differs by 2.4e-8 T of a 0.22 T field (measured on this 16 x 8 film), so a
    /// resumed run (fresh buffers) drifts from the straight one by ~3e-10 in <m> over 100 ps.
    /// Tolerance 1e-8 until that is fixed in Micromagnetics.
    func testResumeWithDemagAgreesToSolverRounding() throws {
        try checkResume(demag: true, tolerance: 1e-8)
    }

    func checkResume(demag: Bool, tolerance: Double) throws {
        let spec = try SimulationSpec(text: Self.tinySpec(demag: demag), file: "tiny.toml")
        let straight = try SimulationRunner(spec: spec).run()
        XCTAssertEqual(straight.times.count, 21)
        XCTAssertEqual(straight.inputNames, ["deltaBz", "a"])

        let path = temporaryPath("ckpt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = SimulationRunner(spec: spec)
        first.checkpointPath = path
        first.stopAfterCheckpoints = 2
        let partial = try first.run()
        XCTAssertFalse(partial.completed)
        XCTAssertEqual(partial.times.count, 11)           // samples 0 ... 100 ps
        let second = SimulationRunner(spec: spec)
        second.checkpointPath = path
        let resumed = try second.run(resume: true)
        XCTAssertTrue(resumed.completed)
        XCTAssertEqual(resumed.times, straight.times)
        for i in straight.outputs.indices {
            for c in 0..<3 { XCTAssertEqual(resumed.outputs[i][c], straight.outputs[i][c], accuracy: tolerance, "sample \(i)") }
            XCTAssertEqual(resumed.inputs[i], straight.inputs[i])
        }
        XCTAssertEqual(resumed.statistics.acceptedSteps, straight.statistics.acceptedSteps)
    }
}
