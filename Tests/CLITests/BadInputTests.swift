import Foundation
import TraceIO
import XCTest

/// Bad input files: every command that reads them exits non-zero with exactly one line on stderr that
/// names the file, prints nothing on stdout, and leaves no output file behind (STYLE.md: errors carry
/// context and read well as one line; DESIGN.md/trace-format.md: writing is atomic).
final class BadInputTests: XCTestCase {
    /// The four bad files: missing, not HDF5, a truncated HDF5 trace file, a trace file missing `outputs`.
    private func badFiles(in dir: String) throws -> [(label: String, path: String, expected: String)] {
        let traces = try importOscillator(DrivenOscillator(samples: 200), into: dir)

        let missing = dir + "/missing.h5"
        let notHDF5 = dir + "/notes.h5"
        try "t,x\n0,1\n".write(toFile: notHDF5, atomically: true, encoding: .utf8)

        let truncated = dir + "/truncated.h5"
        let whole = try Data(contentsOf: URL(fileURLWithPath: traces))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: truncated))

        let noOutputs = dir + "/no-outputs.h5"
        try FileManager.default.copyItem(atPath: traces, toPath: noOutputs)
        let file = try HDF5File.open(noOutputs, writable: true)
        try file.root.group("traces").group("osc").removeMember("outputs")
        try file.close()

        return [("missing file", missing, "no such file"), ("not HDF5", notHDF5, "not an HDF5 file"),
                ("truncated HDF5", truncated, "truncated"), ("no outputs", noOutputs, "/traces/osc/outputs")]
    }

    private func assertFails(_ arguments: [String], naming path: String, saying expected: String?, leaves out: String?,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try runProcess(try spinode(), arguments)
        let command = "spinode " + arguments.joined(separator: " ")
        XCTAssertNotEqual(result.status, 0, "\(command) succeeded", file: file, line: line)
        XCTAssertEqual(result.stderrLines.count, 1, "\(command): stderr is not one line:\n\(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(path), "\(command): stderr does not name \(path): \(result.stderr)", file: file, line: line)
        if let expected {
            XCTAssertTrue(result.stderr.contains(expected), "\(command): stderr lacks '\(expected)': \(result.stderr)",
                          file: file, line: line)
        }
        XCTAssertTrue(result.stdout.isEmpty, "\(command) printed: \(result.stdout)", file: file, line: line)
        if let out {
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(command) left \(out)", file: file, line: line)
        }
    }

    /// No temporary siblings (`.<name>.tmp-...`) or outputs left in `dir` beyond `expected`.
    private func assertOnly(_ expected: Set<String>, in dir: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
        XCTAssertEqual(present.subtracting(expected), [], "files left behind", file: file, line: line)
    }

    func testBadTraceFiles() throws {
        let dir = try makeTemporaryDirectory(self)
        let bad = try badFiles(in: dir)
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
        // A valid model, for predict's trace argument.
        let model = dir + "/model.h5"
        try runSpinode(["fit", dir + "/traces.h5", "--out", model, "--iterations", "2", "--hidden", "8", "--quiet"])
        let out = dir + "/out.h5"
        for (label, path, expected) in bad {
            let fitOut = dir + "/fitted.h5"
            try assertFails(["fit", path, "--out", fitOut, "--iterations", "2", "--checkpoint-every", "1"],
                            naming: path, saying: expected, leaves: fitOut)
            XCTAssertFalse(FileManager.default.fileExists(atPath: fitOut + ".checkpoint.json"), label)
            try assertFails(["predict", model, path, "--out", out], naming: path, saying: expected, leaves: out)
            try assertFails(["inspect", path], naming: path, saying: expected, leaves: nil)
            try assertFails(["inspect", path, "--json"], naming: path, saying: expected, leaves: nil)
        }
        try assertOnly(before.union(["model.h5"]), in: dir)
    }

    /// The same files given where a model file is expected (predict, export).
    func testBadModelFiles() throws {
        let dir = try makeTemporaryDirectory(self)
        let bad = try badFiles(in: dir)
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
        for (label, path, expected) in bad {
            // A trace file is not a model: the message says which format it has instead.
            let message = label == "no outputs" ? "spinode-model" : expected
            let out = dir + "/prediction.h5"
            try assertFails(["predict", path, dir + "/traces.h5", "--out", out], naming: path, saying: message, leaves: out)
            let exported = dir + "/export"
            try assertFails(["export", path, "--format", "npz", "--out", exported], naming: path, saying: message,
                            leaves: exported)
        }
        try assertOnly(before, in: dir)
    }

    /// A trace file whose /traces group is empty: predict refuses it instead of writing an empty prediction
    /// file with exit 0 (found by the fuzz run, FuzzTests).
    func testPredictRefusesAFileWithoutTraces() throws {
        let dir = try makeTemporaryDirectory(self)
        let traces = try importOscillator(DrivenOscillator(samples: 200), into: dir)
        let model = dir + "/model.h5"
        try runSpinode(["fit", traces, "--out", model, "--iterations", "2", "--hidden", "8", "--quiet"])
        let empty = dir + "/empty.h5"
        try FileManager.default.copyItem(atPath: traces, toPath: empty)
        let file = try HDF5File.open(empty, writable: true)
        try file.root.group("traces").removeMember("osc")
        try file.close()
        let out = dir + "/prediction.h5"
        try assertFails(["predict", model, empty, "--out", out], naming: empty, saying: "/traces: holds no trace to predict",
                        leaves: out)
    }

    /// Simulation specs: missing, TOML syntax error, an invalid value; no trace or checkpoint written.
    func testBadSpecs() throws {
        let dir = try makeTemporaryDirectory(self)
        let out = dir + "/run.h5"
        let missing = dir + "/missing.toml"
        try assertFails(["simulate", missing, "--out", out], naming: missing, saying: "no such file", leaves: out)
        let broken = dir + "/broken.toml"
        try "title = \"x\"\n[mesh\ncells = [1, 1, 1]\n".write(toFile: broken, atomically: true, encoding: .utf8)
        try assertFails(["simulate", broken, "--out", out], naming: broken, saying: "TOML", leaves: out)
        let negative = dir + "/negative.toml"
        try SimulateCommandTests.spec.replacingOccurrences(of: "Msat = 800e3", with: "Msat = -800e3")
            .write(toFile: negative, atomically: true, encoding: .utf8)
        try assertFails(["simulate", negative, "--out", out], naming: negative, saying: "Msat", leaves: out)
        try assertOnly(["broken.toml", "negative.toml"], in: dir)
    }

    /// Import from a missing table, and a table without the requested output column.
    func testBadTables() throws {
        let dir = try makeTemporaryDirectory(self)
        let out = dir + "/traces.h5"
        let missing = dir + "/missing.csv"
        try assertFails(["import", "csv", missing, "--output", "x", "--out", out], naming: missing, saying: nil, leaves: out)
        let table = dir + "/table.csv"
        try DrivenOscillator(samples: 20).csv().write(toFile: table, atomically: true, encoding: .utf8)
        try assertFails(["import", "csv", table, "--output", "mz", "--out", out], naming: table, saying: "'mz'", leaves: out)
        try assertOnly(["table.csv"], in: dir)
    }
}
