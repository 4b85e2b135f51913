import Foundation
import Numerics
import TraceIO
import XCTest

/// End to end through the built `spinode` binary (.build/release/spinode, built by `swift test`
/// as the CLITests dependency): import, inspect and export on small files. Skipped if the binary
/// is not there.
final class CommandLineTests: XCTestCase {
    private func spinode() throws -> String {
        for configuration in ["release", "debug"] {
            let path = repositoryRoot() + "/.build/\(configuration)/spinode"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw XCTSkip("spinode binary not built")
    }

    private func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    func testImportInspectAndErrors() throws {
        let binary = try spinode()
        let dir = try makeTemporaryDirectory(self)
        var table = "# t (s)\tmx ()\tmy ()\tmz ()\tKu1.region100 (J/m3)\n"
        for i in 0..<40 { table += "\(Double(i) * 5e-12)\t1\t0\t\(0.5 + 0.01 * Double(i))\t\(8e5 + Double(i % 4) * 1e4)\n" }
        try table.write(toFile: dir + "/table.txt", atomically: true, encoding: .utf8)
        let out = dir + "/traces.h5"
        let imported = try runProcess(binary, ["import", "mumax", dir + "/table.txt", "--input", "Ku1.region100",
                                               "--output", "mz", "--out", out, "--every", "2", "--from", "1e-11", "--json"])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let summary = try json(imported.stdout)
        XCTAssertEqual(summary["samples"] as? Int, 19)  // rows 2, 4, ..., 38
        XCTAssertEqual(summary["trace"] as? String, "table")
        XCTAssertEqual(summary["input_units"] as? [String], ["J/m3"])

        let inspected = try runProcess(binary, ["inspect", out, "--json"])
        XCTAssertEqual(inspected.status, 0, inspected.stderr)
        let traces = try XCTUnwrap(try json(inspected.stdout)["traces"] as? [[String: Any]])
        XCTAssertEqual(traces.count, 1)
        let outputs = try XCTUnwrap(traces[0]["outputs"] as? [[String: Any]])
        XCTAssertEqual(outputs[0]["min"] as? Double, 0.52)
        XCTAssertEqual(outputs[0]["max"] as? Double, 0.88)
        XCTAssertEqual(traces[0]["dt_s"] as? Double ?? 0, 1e-11, accuracy: 1e-22)

        // Same name again without --replace: refused, one line naming the file and the trace.
        let again = try runProcess(binary, ["import", "mumax", dir + "/table.txt", "--output", "mz", "--out", out])
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains(out) && again.stderr.contains("/traces/table"), again.stderr)
        let missing = try runProcess(binary, ["import", "csv", dir + "/table.txt", "--time", "t", "--output", "mq", "--out", out])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("column 'mq'"), missing.stderr)
        let notHDF5 = try runProcess(binary, ["inspect", dir + "/table.txt"])
        XCTAssertNotEqual(notHDF5.status, 0)
        XCTAssertTrue(notHDF5.stderr.contains("not an HDF5 file"), notHDF5.stderr)
    }

    func testInspectAndExportModel() throws {
        let binary = try spinode()
        let dir = try makeTemporaryDirectory(self)
        let model = ModelFileTests.sampleModel()
        try model.write(to: dir + "/model.h5")
        let inspected = try runProcess(binary, ["inspect", dir + "/model.h5", "--json"])
        XCTAssertEqual(inspected.status, 0, inspected.stderr)
        let summary = try json(inspected.stdout)
        XCTAssertEqual(summary["layer_widths"] as? [Int], [6, 5, 4, 3])
        XCTAssertEqual(summary["weights"] as? Int, 5 * 6 + 5 + 4 * 5 + 4 + 3 * 4 + 3)
        XCTAssertEqual((summary["metrics"] as? [String: Double])?["train_mse"], 1.25e-4)
        let text = try runProcess(binary, ["inspect", dir + "/model.h5"])
        XCTAssertTrue(text.stdout.contains("input_interpolation: zoh"), text.stdout)

        let exported = try runProcess(binary, ["export", dir + "/model.h5", "--format", "npz", "--out", dir + "/export", "--json"])
        XCTAssertEqual(exported.status, 0, exported.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/export").sorted(), ["config.json", "model.npz"])
        let tensors = try XCTUnwrap(try json(exported.stdout)["tensors"] as? [String: [Int]])
        XCTAssertEqual(tensors["4.weight"], [3, 4])
        let npz = try Data(contentsOf: URL(fileURLWithPath: dir + "/export/model.npz"))
        XCTAssertEqual(npz, NPY.encodeArchive(ModelExport.tensors(model)))
    }
}
