import Foundation
import TraceIO
import XCTest

/// `spinode simulate SPEC --out TRACES.h5 --json` on a small spec (TestSupport's TinyFilmSpec, the 16 x 8
/// permalloy film of DevicesTests/SpecRunnerTests.swift, no demag, run for 1 ns): the JSON summary and the
/// trace file agree with what the spec asks for (samples = duration / interval + 1, channels, SI time axis).
final class SimulateCommandTests: XCTestCase {
    static let spec = TinyFilmSpec.text(duration: "1e-9", checkpointEvery: "0.5e-9")

    func testSimulateWritesTheSpecsTrace() throws {
        let dir = try makeTemporaryDirectory(self)
        let spec = dir + "/film.toml"
        try Self.spec.write(toFile: spec, atomically: true, encoding: .utf8)
        let out = dir + "/film.h5"
        let summary = try jsonObject(try runSpinode(["simulate", spec, "--out", out, "--json", "--quiet"]).stdout)
        XCTAssertEqual(summary["completed"] as? Bool, true)
        XCTAssertEqual(summary["samples"] as? Int, 101)  // 1 ns / 10 ps + 1
        XCTAssertEqual(try number(summary["simulated_seconds"]), 1e-9, accuracy: 1e-21)
        XCTAssertEqual(summary["outputs"] as? [String], ["mx", "my", "mz"])
        let finalM = try XCTUnwrap(summary["final_m"] as? [Double])
        XCTAssertEqual(finalM.count, 3)
        // <m> of a uniform-magnitude film: |<m>| <= 1, and close to 1 for this nearly uniform state.
        let norm = finalM.reduce(0) { $0 + $1 * $1 }.squareRoot()
        XCTAssertLessThanOrEqual(norm, 1 + 1e-9)
        XCTAssertGreaterThan(norm, 0.9)

        let trace = try XCTUnwrap(try TraceFile.read(out).first)
        XCTAssertEqual(trace.name, "film")
        XCTAssertEqual(trace.count, 101)
        XCTAssertEqual(trace.outputNames, ["mx", "my", "mz"])
        XCTAssertEqual(trace.time(100) - trace.time(0), 1e-9, accuracy: 1e-18)
        let last = (0..<3).map { trace.outputs[100, $0] }
        // The samples come from the solver's dense output at the sample times, final_m from the last step's end
        // point: they agree to the adaptive solver's local error (1.7e-11 measured), not to rounding.
        for c in 0..<3 { XCTAssertEqual(last[c], finalM[c], accuracy: 1e-8, "final m_\(c) in file vs summary") }
    }

    /// The film with demag for 0.2 ns and checkpoints every 50 ps (small enough for three runs).
    static let demagSpec = spec.replacingOccurrences(of: "demag = false", with: "demag = true")
        .replacingOccurrences(of: "duration = 1e-9", with: "duration = 0.2e-9")
        .replacingOccurrences(of: "checkpoint_every = 0.5e-9", with: "checkpoint_every = 50e-12")

    /// Outputs of the first trace of `path`, row by row.
    func outputs(_ path: String) throws -> [[Double]] {
        let t = try XCTUnwrap(try TraceFile.read(path).first)
        return (0..<t.count).map { i in (0..<t.outputNames.count).map { t.outputs[i, $0] } }
    }

    /// `--partial FILE` writes the samples a stopped run's checkpoint holds, equal bit for bit to the first
    /// samples of the finished run, without simulating and without touching OUT; with no checkpoint left,
    /// or aimed at OUT, it is refused with one line and writes nothing.
    func testPartialTraceFromTheCheckpoint() throws {
        let dir = try makeTemporaryDirectory(self)
        let spec = dir + "/film.toml", out = dir + "/film.h5", partial = dir + "/partial.h5"
        try Self.spec.write(toFile: spec, atomically: true, encoding: .utf8)
        try runSpinode(["simulate", spec, "--out", out, "--quiet", "--stop-after-checkpoints", "1"])
        let summary = try jsonObject(try runSpinode(["simulate", spec, "--out", out, "--partial", partial, "--json"]).stdout)
        XCTAssertEqual(summary["completed"] as? Bool, false)
        XCTAssertEqual(try number(summary["simulated_seconds"]), 0.5e-9, accuracy: 1e-21)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        let part = try XCTUnwrap(try TraceFile.read(partial).first)
        XCTAssertEqual(summary["samples"] as? Int, part.count)
        XCTAssertTrue(part.count > 1 && part.count < 101, "\(part.count) samples at 0.5 of 1 ns")
        XCTAssertEqual(try number(summary["last_sample_s"]), part.time(part.count - 1))
        XCTAssertTrue(part.description.hasPrefix("partial: the \(part.count) samples recorded by 5e-10 of 1e-09 s"), part.description)
        XCTAssertEqual(part.outputNames, ["mx", "my", "mz"])
        // `inspect` of the checkpoint says what it is and how to read it.
        let inspect = try runProcess(try spinode(), ["inspect", out + ".checkpoint"])
        XCTAssertNotEqual(inspect.status, 0)
        XCTAssertEqual(inspect.stderrLines.count, 1, inspect.stderr)
        XCTAssertTrue(inspect.stderr.contains("a simulation checkpoint") && inspect.stderr.contains("--partial"), inspect.stderr)

        try runSpinode(["simulate", spec, "--out", out, "--quiet", "--resume"])
        let whole = try XCTUnwrap(try TraceFile.read(out).first)
        XCTAssertEqual(whole.count, 101)
        for i in 0..<part.count {
            XCTAssertEqual(part.time(i), whole.time(i))
            for c in 0..<3 { XCTAssertEqual(part.outputs[i, c].bitPattern, whole.outputs[i, c].bitPattern, "sample \(i), output \(c)") }
            for c in 0..<part.inputNames.count { XCTAssertEqual(part.inputs[i, c].bitPattern, whole.inputs[i, c].bitPattern) }
        }

        let none = try runProcess(try spinode(), ["simulate", spec, "--out", out, "--partial", dir + "/late.h5"])
        XCTAssertNotEqual(none.status, 0)
        XCTAssertEqual(none.stderrLines.count, 1, none.stderr)
        XCTAssertTrue(none.stderr.contains("film.h5.checkpoint") && none.stderr.contains("there is none"), none.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/late.h5"))
        let before = try Data(contentsOf: URL(fileURLWithPath: out))
        let onOut = try runProcess(try spinode(), ["simulate", spec, "--out", out, "--partial", out])
        XCTAssertNotEqual(onOut.status, 0)
        XCTAssertEqual(onOut.stderrLines.count, 1, onOut.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), before)
        let both = try runProcess(try spinode(), ["simulate", spec, "--out", out, "--partial", partial, "--resume"])
        XCTAssertNotEqual(both.status, 0)
        XCTAssertTrue(both.stderr.contains("--partial"), both.stderr)
    }

    /// Issue 13, item 12: two processes running one spec (with demag, i.e. FFTs) write bit-identical
    /// traces, and a run stopped after two checkpoints and resumed in a third process equals them bit for
    /// bit. (With FFTW_MEASURE plans two processes differed by up to 4.3e-9.)
    func testRunsAndResumedRunAreBitIdentical() throws {
        let dir = try makeTemporaryDirectory(self)
        let spec = dir + "/film.toml"
        try Self.demagSpec.write(toFile: spec, atomically: true, encoding: .utf8)
        try runSpinode(["simulate", spec, "--out", dir + "/a.h5", "--quiet"])
        try runSpinode(["simulate", spec, "--out", dir + "/b.h5", "--quiet"])
        let stopped = try runSpinode(["simulate", spec, "--out", dir + "/c.h5", "--quiet", "--stop-after-checkpoints", "2"])
        XCTAssertTrue(stopped.stdout.contains("stopped after 2 checkpoint(s)"), stopped.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/c.h5"))
        try runSpinode(["simulate", spec, "--out", dir + "/c.h5", "--quiet", "--resume"])
        let a = try outputs(dir + "/a.h5"), b = try outputs(dir + "/b.h5"), c = try outputs(dir + "/c.h5")
        XCTAssertEqual(a.count, 21)
        XCTAssertEqual(b.count, 21)
        XCTAssertEqual(c.count, 21)
        func largestDifference(_ x: [[Double]], _ y: [[Double]]) -> Double {
            zip(x, y).flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? .infinity
        }
        XCTAssertTrue(a == b, "two runs differ by up to \(largestDifference(a, b))")
        XCTAssertTrue(a == c, "the resumed run differs from the straight one by up to \(largestDifference(a, c))")
    }

    /// Issue 13, item 9: a run that diverges (RK4 far beyond its stability limit) fails with one line
    /// naming the spec, the stage, the time and the cause, and writes no trace.
    func testDivergingRunFailsWithoutTrace() throws {
        let dir = try makeTemporaryDirectory(self)
        let spec = dir + "/film.toml"
        try Self.spec.replacingOccurrences(of: "record = true", with: "record = true\nsolver = \"rk4\"\nstep = 2e-12")
            .replacingOccurrences(of: "uniform = [1, 0.1, 0]", with: "kind = \"random\"")
            .replacingOccurrences(of: "[[stage]]\nkind = \"relax\"\ntorque_tolerance = 1e-2\n", with: "")
            .write(toFile: spec, atomically: true, encoding: .utf8)
        let result = try runProcess(try spinode(), ["simulate", spec, "--out", dir + "/film.h5", "--quiet"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertEqual(result.stderrLines.count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains(spec + ": stage[0]: the integration diverged at t = "), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/film.h5"))
        XCTAssertEqual(result.stdout, "")
    }

    /// Issue 13, item 13: an absurd mesh is refused at once with the estimate and the available memory.
    func testAbsurdMeshIsRefusedUpFront() throws {
        let dir = try makeTemporaryDirectory(self)
        let spec = dir + "/huge.toml"
        try Self.spec.replacingOccurrences(of: "cells = [16, 8, 1]", with: "cells = [100000, 100000, 100]")
            .write(toFile: spec, atomically: true, encoding: .utf8)
        let result = try runProcess(try spinode(), ["simulate", spec, "--out", dir + "/huge.h5", "--quiet"], timeout: 20)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertEqual(result.stderrLines.count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains(spec + ": mesh.cells: 1e+12 cells need an estimated 1.0 PB of memory; this machine has "),
                      result.stderr)
        XCTAssertTrue(result.stderr.contains("available (MemAvailable)"), result.stderr)
    }

    /// A corpus of bad specs generated from the film spec, one defect each (issue 13, items 13, 18, 19):
    /// every one exits non-zero within seconds with exactly one line on stderr that names the spec file
    /// (and the expected words), prints nothing on stdout and writes no trace or checkpoint.
    func testBadSpecCorpus() throws {
        let dir = try makeTemporaryDirectory(self)
        let nanCSV = dir + "/nan.csv", headerCSV = dir + "/header.csv", matrixNPY = dir + "/matrix.npy"
        try "0.01\nnan\n".write(toFile: nanCSV, atomically: true, encoding: .utf8)
        try "u\n0.01\n".write(toFile: headerCSV, atomically: true, encoding: .utf8)
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }"
        while (10 + header.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var npy: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count), 0] + Array(header.utf8)
        for v in [1.0, 2, 3, 4] { withUnsafeBytes(of: v.bitPattern.littleEndian) { npy += $0 } }
        try Data(npy).write(to: URL(fileURLWithPath: matrixNPY))
        func drive(_ lines: String) -> String {
            Self.spec.replacingOccurrences(of: "drive = \"k\"", with: "drive = \"f\"") + "\n[drive.f]\nkind = \"piecewise\"\ntarget = \"field_z\"\nhold = 50e-12\n" + lines
        }
        let film = Self.spec
        let cases: [(label: String, text: String, expected: String)] = [
            ("huge mesh", film.replacingOccurrences(of: "cells = [16, 8, 1]", with: "cells = [100000, 100000, 100]"), "available (MemAvailable)"),
            ("overflowing mesh", film.replacingOccurrences(of: "cells = [16, 8, 1]", with: "cells = [1e20, 1e20, 1]"), "1e+40 cells"),
            ("zero cells", film.replacingOccurrences(of: "cells = [16, 8, 1]", with: "cells = [0, 8, 1]"), "mesh.cells"),
            ("fractional cells", film.replacingOccurrences(of: "cells = [16, 8, 1]", with: "cells = [16.5, 8, 1]"), "mesh.cells"),
            ("nan cell size", film.replacingOccurrences(of: "cell_size = [4e-9, 4e-9, 3e-9]", with: "cell_size = [nan, 4e-9, 3e-9]"), "mesh.cell_size"),
            ("endless duration", film.replacingOccurrences(of: "duration = 1e-9", with: "duration = 1e300"), "stage[1]"),
            ("nan duration", film.replacingOccurrences(of: "duration = 1e-9", with: "duration = nan"), "must be finite"),
            ("zero duration", film.replacingOccurrences(of: "duration = 1e-9", with: "duration = 0"), "stage[1].duration"),
            ("tiny interval", film.replacingOccurrences(of: "interval = 10e-12", with: "interval = 1e-30"), "output.interval"),
            ("tiny step", film.replacingOccurrences(of: "record = true", with: "record = true\nsolver = \"rk4\"\nstep = 1e-30"), "1e+21 steps"),
            ("rk4 without step", film.replacingOccurrences(of: "record = true", with: "record = true\nsolver = \"rk4\""), "stage[1].step"),
            ("thermal rk4", film.replacingOccurrences(of: "demag = false", with: "demag = false\ntemperature = 300")
                .replacingOccurrences(of: "record = true", with: "record = true\nsolver = \"rk4\"\nstep = 1e-13"), "need solver = \"heun\""),
            ("zero direction", film.replacingOccurrences(of: "uniform = [1, 0.1, 0]", with: "uniform = [0, 0, 0]"), "(0, 0, 0)"),
            ("tiny checkpoint interval", film.replacingOccurrences(of: "checkpoint_every = 0.5e-9", with: "checkpoint_every = 1e-40"), "steps"),
            ("tiny carrier period", film.replacingOccurrences(of: "period = 50e-12", with: "period = 1e-30"), "drive.k"),
            ("negative alpha", film.replacingOccurrences(of: "alpha = 0.02", with: "alpha = -0.02"), "alpha"),
            ("nan Msat", film.replacingOccurrences(of: "Msat = 800e3", with: "Msat = nan"), "material.Msat"),
            ("negative seed", film.replacingOccurrences(of: "seed = 3", with: "seed = -3"), "seed"),
            ("unknown key", film.replacingOccurrences(of: "Aex = 13e-12", with: "Aex = 13e-12\nAexx = 1"), "material.Aexx"),
            ("bad quantity", film.replacingOccurrences(of: "checkpoint_every", with: "quantities = [\"mq\"]\ncheckpoint_every"), "output.quantities"),
            ("absent region", film.replacingOccurrences(of: "checkpoint_every", with: "quantities = [\"mz.region7\"]\ncheckpoint_every"), "region 7 has no cell"),
            ("huge random drive", drive("random_count = 100000000000000\n"), "drive.f.random_count"),
            ("NaN in drive file", drive("file = \"\(nanCSV)\"\n"), "line 2: 'nan' is not a finite number"),
            ("undeclared header", drive("file = \"\(headerCSV)\"\n"), "header_lines = 1"),
            ("2-D npy drive", drive("file = \"\(matrixNPY)\"\n"), "shape (2, 2)"),
            ("missing drive file", drive("file = \"\(dir)/absent.csv\"\n"), "file not found"),
            ("directory drive file", drive("file = \"\(dir)\"\n"), "is a directory"),
            ("tiny hold", drive("values = [0.1, 0.2]\n").replacingOccurrences(of: "hold = 50e-12", with: "hold = 1e-30"), "drive.f"),
            ("syntax error", "title = \"x\"\n[mesh\n", "TOML syntax error"),
            ("empty file", "", "missing required key 'mesh'"),
            ("missing initial OVF", film.replacingOccurrences(of: "uniform = [1, 0.1, 0]", with: "ovf = \"absent.ovf\""), "initial.ovf"),
        ]
        for (i, c) in cases.enumerated() {
            let spec = dir + "/case\(i).toml", out = dir + "/case\(i).h5"
            try c.text.write(toFile: spec, atomically: true, encoding: .utf8)
            let result = try runProcess(try spinode(), ["simulate", spec, "--out", out, "--quiet"], timeout: 30)
            XCTAssertNotEqual(result.status, 0, "\(c.label): succeeded")
            XCTAssertEqual(result.stderrLines.count, 1, "\(c.label): stderr is not one line:\n\(result.stderr)")
            XCTAssertTrue(result.stderr.contains(spec), "\(c.label): stderr does not name the spec: \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(c.expected), "\(c.label): stderr lacks '\(c.expected)': \(result.stderr)")
            XCTAssertEqual(result.stdout, "", c.label)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(c.label): wrote a trace")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out + ".checkpoint"), "\(c.label): wrote a checkpoint")
        }
        // The spec path itself: absent, a directory, not UTF-8.
        let binary = dir + "/binary.toml"
        try Data([0xff, 0xfe, 0x00, 0x80]).write(to: URL(fileURLWithPath: binary))
        for (path, expected) in [(dir + "/absent.toml", "no such file"), (dir, "is a directory"), (binary, "not UTF-8 text")] {
            let result = try runProcess(try spinode(), ["simulate", path, "--out", dir + "/x.h5", "--quiet"], timeout: 30)
            XCTAssertNotEqual(result.status, 0, path)
            XCTAssertEqual(result.stderrLines.count, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains(path + ": cannot read spec: " + expected), result.stderr)
        }
    }
}
