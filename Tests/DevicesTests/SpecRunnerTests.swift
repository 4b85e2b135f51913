import Devices
import Foundation
import TestSupport
import XCTest

/// The spec runner end to end on small specs: checkpoint/resume reproduces an uninterrupted run bit for bit.
final class SpecRunnerTests: XCTestCase {
    /// A 16 x 8 permalloy film relaxed, then driven by a sine-carrier field: small enough for a unit test,
    /// with demag, exchange, a drive with period jumps and several checkpoints.
    static func tinySpec(demag: Bool) -> String {
        TinyFilmSpec.text(demag: demag, duration: "0.2e-9", checkpointEvery: "50e-12")
    }

    func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "spinode-spec-\(getpid())-\(name)"
    }

    /// Straight run vs. a run stopped after 2 checkpoints and resumed, without demag: every recorded
    /// sample bit-identical (the chunks and their start states are identical, so the runs are too).
    func testResumeReproducesUninterruptedRun() throws {
        try checkResume(text: Self.tinySpec(demag: false))
    }

    /// The same with demag: bit-identical too (FFTW plans by estimate, `Demag` keeps no state between
    /// evaluations).
    func testResumeWithDemagIsBitIdentical() throws {
        try checkResume(text: Self.tinySpec(demag: true))
    }

    /// With the demag transforms in single precision (`demag_precision = "float32"`): bit-identical too
    /// (its plans are estimated and its spectrum layout follows from the size alone).
    func testResumeWithFloat32DemagIsBitIdentical() throws {
        let text = Self.tinySpec(demag: true).replacingOccurrences(of: "demag = true", with: "demag = true\ndemag_precision = \"float32\"")
        XCTAssertTrue(text.contains("demag_precision = \"float32\""))
        try checkResume(text: text)
    }

    /// A thermal run (300 K, Heun at 0.1 ps) resumed from a checkpoint continues the checkpointed noise
    /// stream, so it equals the straight run bit for bit (before, the resumed run drew fresh noise).
    func testThermalResumeIsBitIdentical() throws {
        let text = Self.tinySpec(demag: false)
            .replacingOccurrences(of: "[terms]\n", with: "[terms]\ntemperature = 300\n")
            .replacingOccurrences(of: "[[stage]]\nkind = \"relax\"\ntorque_tolerance = 1e-2\n", with: "")
            .replacingOccurrences(of: "record = true", with: "record = true\nsolver = \"heun\"\nstep = 1e-13")
        try checkResume(text: text)
    }

    /// Two runs of one spec in one process give bit-identical traces (two processes: CLITests).
    func testTwoRunsAreBitIdentical() throws {
        let spec = try SimulationSpec(text: Self.tinySpec(demag: true), file: "tiny.toml")
        let a = try SimulationRunner(spec: spec).run(), b = try SimulationRunner(spec: spec).run()
        XCTAssertEqual(a.times, b.times)
        XCTAssertEqual(a.outputs, b.outputs)
        XCTAssertEqual(a.finalM, b.finalM)
    }

    /// A checkpoint of the first format (no input-file digests, no thermal state) is refused, not misread.
    func testOldCheckpointFormatIsRefused() throws {
        let path = temporaryPath("old-ckpt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(Array("SPNCKPT1".utf8) + [UInt8](repeating: 0, count: 64)).write(to: URL(fileURLWithPath: path))
        let runner = SimulationRunner(spec: try SimulationSpec(text: Self.tinySpec(demag: false), file: "tiny.toml"))
        runner.checkpointPath = path
        XCTAssertThrowsError(try runner.run(resume: true)) { e in
            XCTAssertEqual("\(e)", "\(path): cannot resume from checkpoint: written by an older SpinODE (no input-file digests); "
                           + "run again without --resume")
        }
    }

    /// Damaged checkpoints (truncated at every length, counts near Int64.max) are refused with a reason,
    /// never a crash: counts are checked against the bytes left by division, so they cannot overflow.
    func testDamagedCheckpointsAreRefused() throws {
        let spec = try SimulationSpec(text: Self.tinySpec(demag: false), file: "tiny.toml")
        let path = temporaryPath("damaged")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = SimulationRunner(spec: spec)
        first.checkpointPath = path
        first.stopAfterCheckpoints = 1
        _ = try first.run()
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        var damaged: [Data] = stride(from: 0, to: good.count, by: max(1, good.count / 40)).map { good.prefix($0) }
        // The count of m (after magic, hash, 7 counters and 2 times) set to Int64.max / 4 and Int64.max.
        for huge in [Int64.max / 4, Int64.max] {
            var d = good
            withUnsafeBytes(of: huge.littleEndian) { d.replaceSubrange((8 + 8 + 56 + 16)..<(8 + 8 + 56 + 24), with: $0) }
            damaged.append(d)
        }
        for (i, d) in damaged.enumerated() {
            try d.write(to: URL(fileURLWithPath: path))
            let runner = SimulationRunner(spec: spec)
            runner.checkpointPath = path
            XCTAssertThrowsError(try runner.run(resume: true), "damaged checkpoint \(i)") { e in
                guard case .badCheckpoint? = e as? SpecError else { return XCTFail("\(i): \(e)") }
            }
        }
    }

    func checkResume(text: String, samplesBeforeStop: Int = 11) throws {
        let spec = try SimulationSpec(text: text, file: "tiny.toml")
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
        XCTAssertEqual(partial.times.count, samplesBeforeStop)           // samples 0 ... 100 ps
        let second = SimulationRunner(spec: spec)
        second.checkpointPath = path
        let resumed = try second.run(resume: true)
        XCTAssertTrue(resumed.completed)
        XCTAssertEqual(resumed.times, straight.times)
        for i in straight.outputs.indices {
            XCTAssertEqual(resumed.outputs[i], straight.outputs[i], "sample \(i): not bit-identical")
            XCTAssertEqual(resumed.inputs[i], straight.inputs[i])
        }
        XCTAssertEqual(resumed.finalM, straight.finalM)
        XCTAssertEqual(resumed.statistics.acceptedSteps, straight.statistics.acceptedSteps)
    }
}
