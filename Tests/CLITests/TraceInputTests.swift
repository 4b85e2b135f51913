import Foundation
import TraceIO
import XCTest

/// `spinode import`, `predict`, `split`, `merge` and `inspect` on the inputs of issue 13 (items 8, 14-17
/// and 19): jittered mumax3 tables import with no flags and train; comma lists and repeated flags mean
/// the same; CRLF and a byte-order mark read as the plain table; predict matches channels by name and
/// accepts a sample interval within 1e-6 of the model's; every bad option value or input path is one line
/// on stderr naming it, a non-zero exit and no output file.
final class TraceInputTests: XCTestCase {
    /// A mumax3 table.txt: a row at the first solver step at or after each multiple of 5 ps, the solver
    /// stepping by 0.25 ... 0.49 % of that (xorshift64 draws), times printed with "%e"; inputs Ku1 (a sine
    /// of 1.3 GHz) and B_ext (constant), outputs mx, mz.
    static func mumaxTable(rows: Int, crlf: Bool = false, byteOrderMark: Bool = false) -> Data {
        var state: UInt64 = 0x9E3779B97F4A7C15
        var t = 0.0, next = 0.0
        var lines = ["# t (s)\tmx ()\tmz ()\tKu1.region100 (J/m3)\tB_extz (T)"]
        while lines.count <= rows {
            if t >= next {
                let ku = 8e5 + 1e4 * sin(2 * .pi * 1.3e9 * t)
                lines.append(String(format: "%e\t%e\t%e\t%e\t%e", t, cos(2 * .pi * 4e9 * t), sin(2 * .pi * 4e9 * t) * 0.3, ku, 0.01))
                next += 5e-12
            }
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            t += 5e-12 * (0.0025 + 0.0024 * Double(state >> 11) / Double(1 << 53))
        }
        let text = lines.joined(separator: crlf ? "\r\n" : "\n") + (crlf ? "\r\n" : "\n")
        return Data((byteOrderMark ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8))
    }

    /// Runs a command that must fail: non-zero exit (not a signal), one stderr line containing `expected`,
    /// nothing on stdout, and `out` not created.
    private func assertRefused(_ arguments: [String], _ expected: String, out: String?, file: StaticString = #filePath,
                               line: UInt = #line) throws {
        let result = try runProcess(try spinode(), arguments)
        let command = "spinode " + arguments.joined(separator: " ")
        XCTAssertEqual(result.status, 1, "\(command): exit \(result.status)\n\(result.stderr)", file: file, line: line)
        XCTAssertEqual(result.stderrLines.count, 1, "\(command): stderr is not one line:\n\(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(expected), "\(command): stderr lacks '\(expected)': \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stdout.isEmpty, "\(command) printed: \(result.stdout)", file: file, line: line)
        if let out { XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(command) wrote \(out)", file: file, line: line) }
    }

    func testJitteredMumaxTableImportsWithNoFlagsAndTrains() throws {
        let dir = try makeTemporaryDirectory(self)
        let table = dir + "/table.txt"
        try Self.mumaxTable(rows: 400).write(to: URL(fileURLWithPath: table))
        let traces = dir + "/traces.h5"
        let imported = try jsonObject(try runSpinode(["import", "mumax", table, "--input", "Ku1.region100", "--output", "mz",
                                                      "--out", traces, "--json"]).stdout)
        XCTAssertEqual(imported["sampling_source"] as? String, "nominal grid")
        XCTAssertEqual(try number(imported["dt_s"]), 5e-12)  // the save period itself
        let deviation = try number(imported["grid_deviation_max"])
        XCTAssertGreaterThan(deviation, 0.002)  // the solver's lag is there ...
        XCTAssertLessThan(deviation, 0.0055)    // ... below one step (0.49 %) plus the 7-digit printing
        let provenance = try HDF5File.open(traces).root.group("traces/table").stringAttribute("provenance")
        XCTAssertTrue(provenance.contains("times on the nominal grid t0 + i dt (t0 = 0.0 s, dt = 5e-12 s)"), provenance)
        let inspected = try XCTUnwrap(try jsonObject(try runSpinode(["inspect", traces, "--json"]).stdout)["traces"] as? [[String: Any]])
        XCTAssertEqual(inspected.first?["provenance"] as? String, provenance)
        XCTAssertEqual(try number(inspected.first?["dt_s"]), 5e-12)
        // `fit` takes the trace (it refused the explicit jittered times before).
        let model = dir + "/model.h5"
        try runSpinode(["fit", traces, "--out", model, "--iterations", "2", "--hidden", "8", "--quiet"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: model))

        // The old --uniform tolerance 1e-4 refuses the jitter, naming the line; --keep-times keeps the times.
        try assertRefused(["import", "mumax", table, "--output", "mz", "--out", dir + "/strict.h5", "--uniform",
                           "--uniform-tolerance", "1e-4"], "not uniformly sampled", out: dir + "/strict.h5")
        let h5 = try HDF5File.open(traces, writable: true)
        try h5.root.setAttribute("description", "skyrmion disk, 5 ps")
        try h5.close()
        let kept = try jsonObject(try runSpinode(["import", "mumax", table, "--output", "mz", "--out", traces, "--name", "kept",
                                                  "--keep-times", "--json"]).stdout)
        XCTAssertEqual(kept["sampling"] as? String, "explicit times")
        // Resampled onto 2 ps: 5 ps x 399 intervals = 1995 ps span, floor(1995 / 2) + 1 samples.
        let resampled = try jsonObject(try runSpinode(["import", "mumax", table, "--output", "mz", "--out", traces,
                                                       "--name", "fine", "--resample", "2e-12", "--json"]).stdout)
        XCTAssertEqual(resampled["sampling_source"] as? String, "resampled")
        XCTAssertEqual(resampled["samples"] as? Int, 998)
        // Importing into the file kept the first trace's provenance and the file's description.
        XCTAssertEqual(try HDF5File.open(traces).root.group("traces/table").stringAttribute("provenance"), provenance)
        XCTAssertEqual(try HDF5File.open(traces).root.stringAttribute("description"), "skyrmion disk, 5 ps")
    }

    func testCommaListsCRLFAndByteOrderMark() throws {
        let dir = try makeTemporaryDirectory(self)
        let plain = dir + "/plain.txt", windows = dir + "/windows.txt"
        try Self.mumaxTable(rows: 50).write(to: URL(fileURLWithPath: plain))
        try Self.mumaxTable(rows: 50, crlf: true, byteOrderMark: true).write(to: URL(fileURLWithPath: windows))
        let out = dir + "/traces.h5"
        try runSpinode(["import", "mumax", plain, "--input", "Ku1.region100,B_extz", "--output", "mz, mx", "--out", out,
                        "--name", "list"])
        try runSpinode(["import", "mumax", plain, "--input", "Ku1.region100", "--input", "B_extz", "--output", "mz",
                        "--output", "mx", "--out", out, "--name", "repeated"])
        try runSpinode(["import", "mumax", windows, "--input", "Ku1.region100", "--input", "B_extz (T)", "--output", "mz,mx",
                        "--out", out, "--name", "windows"])
        let traces = try TraceFile.read(out)
        XCTAssertEqual(traces.map(\.name), ["list", "repeated", "windows"])
        for trace in traces {
            XCTAssertEqual(trace.inputNames, ["Ku1.region100", "B_extz"], trace.name)
            XCTAssertEqual(trace.inputUnits, ["J/m3", "T"], trace.name)
            XCTAssertEqual(trace.outputNames, ["mz", "mx"], trace.name)
            XCTAssertEqual(trace.outputs.storage, traces[0].outputs.storage, trace.name)
            XCTAssertEqual(trace.inputs.storage, traces[0].inputs.storage, trace.name)
            XCTAssertEqual(trace.sampling, traces[0].sampling, trace.name)
        }
        try assertRefused(["import", "mumax", plain, "--output", "mz,", "--out", dir + "/x.h5"], "--output 'mz,': empty name",
                          out: dir + "/x.h5")
    }

    /// Every numeric option of import, predict and split refuses NaN, infinities and out-of-range values
    /// before reading anything (the files named here need not exist), and an input that is a directory is
    /// named as one.
    func testBadOptionValuesAndDirectories() throws {
        let dir = try makeTemporaryDirectory(self)
        let table = dir + "/table.txt", traces = dir + "/missing.h5", model = dir + "/missing-model.h5"
        try Self.mumaxTable(rows: 20).write(to: URL(fileURLWithPath: table))
        let out = dir + "/out.h5"
        let base = ["import", "mumax", table, "--output", "mz", "--out", out]
        let importCases: [([String], String)] = [
            (["--every", "-3"], "--every must be an integer >= 1, got -3"), (["--every=-3"], "--every must be an integer >= 1"),
            (["--every", "0"], "--every must be"), (["--from", "nan"], "--from must be a finite time"),
            (["--to", "inf"], "--to must be a finite time"), (["--from", "2e-9", "--to", "1e-9"], "--from 2e-09 is after --to"),
            (["--uniform-tolerance", "nan"], "--uniform-tolerance must be"), (["--uniform-tolerance", "0"], "--uniform-tolerance must be"),
            (["--uniform-tolerance", "0.5"], "--uniform-tolerance must be"), (["--resample", "0"], "--resample must be a positive, finite interval"),
            (["--resample", "nan"], "--resample must be"), (["--resample", "-1e-12"], "--resample must be"),
            (["--uniform", "--keep-times"], "--uniform and --keep-times exclude each other"),
            (["--resample", "1e-12", "--every", "2"], "--resample and --every exclude each other"),
            (["--input", ""], "--input '': empty name"), (["--name", "a/b"], "--name must be"),
        ]
        for (extra, expected) in importCases { try assertRefused(base + extra, expected, out: out) }
        // --from accepts negative times (the parser no longer reads "-1e-9" as a flag).
        try runSpinode(base + ["--from", "-1e-9", "--name", "negative"])
        try FileManager.default.removeItem(atPath: out)

        let predict = ["predict", model, traces, "--out", out]
        let predictCases: [([String], String)] = [
            (["--rtol", "nan"], "--rtol must be in (0, 1)"), (["--rtol", "1"], "--rtol must be"), (["--atol", "-1"], "--atol must be"),
            (["--atol", "inf"], "--atol must be"), (["--block", "0"], "--block must be"), (["--block", "-3"], "--block must be"),
            (["--steps-per-sample", "0"], "--steps-per-sample must be"), (["--steps-per-sample", "1000000"], "--steps-per-sample must be"),
            (["--trace", ""], "--trace '': empty name"), (["--map", "current"], "must be TRACE_CHANNEL=MODEL_CHANNEL"),
            (["--input-trace", "a"], "--input-trace needs --input"), (["--solver", "euler"], "--solver must be"),
        ]
        for (extra, expected) in predictCases { try assertRefused(predict + extra, expected, out: out) }

        let split = ["split", traces, "--out", out]
        for (extra, expected) in [(["--at", "nan"], "--at must be a finite time"), (["--at", "inf"], "--at must be"),
                                  (["--at", "1e-9", "--names", "a"], "--names must be two"),
                                  (["--at", "1e-9", "--names", "a/b,c"], "--names must be two")] {
            try assertRefused(split + extra, expected, out: out)
        }

        // Directories given as inputs.
        let folder = dir + "/run.out"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for arguments in [["import", "mumax", folder, "--output", "mz", "--out", out], ["import", "csv", folder, "--output", "x", "--out", out],
                          ["inspect", folder], ["split", folder, "--at", "1e-9", "--out", out], ["merge", folder, "--out", out],
                          ["predict", folder, traces, "--out", out]] {
            try assertRefused(arguments, "\(folder): is a directory, not a file", out: out)
        }
    }
}
