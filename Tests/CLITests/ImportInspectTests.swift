import Foundation
import XCTest

/// Writes the oscillator's CSV into `dir` and imports it with uniform sampling; returns the trace file.
func importOscillator(_ oscillator: DrivenOscillator, into dir: String, name: String = "osc",
                      file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let csv = dir + "/\(name).csv"
    try oscillator.csv().write(toFile: csv, atomically: true, encoding: .utf8)
    let traces = dir + "/traces.h5"
    try runSpinode(["import", "csv", csv, "--time", "t", "--input", "u", "--output", "x", "--uniform",
                    "--out", traces, "--json"], file: file, line: line)
    return traces
}

/// `spinode import csv` of a driven damped oscillator, then `spinode inspect --json`: the trace
/// holds exactly what the test wrote (length, sampling, names, units, ranges).
final class ImportInspectTests: XCTestCase {
    func testImportCSVThenInspect() throws {
        let dir = try makeTemporaryDirectory(self)
        let oscillator = DrivenOscillator()
        let (_, u, x) = oscillator.generate()
        let csv = dir + "/scope.csv"
        try oscillator.csv().write(toFile: csv, atomically: true, encoding: .utf8)
        let traces = dir + "/traces.h5"

        let imported = try jsonObject(try runSpinode(["import", "csv", csv, "--input", "u", "--output", "x",
                                                      "--uniform", "--out", traces, "--json"]).stdout)
        XCTAssertEqual(imported["trace"] as? String, "scope")
        XCTAssertEqual(imported["samples"] as? Int, oscillator.samples)
        XCTAssertEqual(imported["input_units"] as? [String], ["A"])
        XCTAssertEqual(imported["output_units"] as? [String], ["V"])
        XCTAssertEqual(imported["traces_in_file"] as? Int, 1)

        let summary = try jsonObject(try runSpinode(["inspect", traces, "--json"]).stdout)
        XCTAssertEqual(summary["format"] as? String, "spinode-traces")
        let list = try XCTUnwrap(summary["traces"] as? [[String: Any]])
        XCTAssertEqual(list.count, 1)
        let trace = list[0]
        XCTAssertEqual(trace["name"] as? String, "scope")
        XCTAssertEqual(trace["samples"] as? Int, oscillator.samples)
        XCTAssertEqual(trace["sampling"] as? String, "uniform")
        // Uniform sampling from printed times: dt to the import tolerance's worth of rounding (1e-4 relative
        // is the accepted spread; the printed times here are exact to 1 ulp, so 1e-12 relative).
        XCTAssertEqual(try number(trace["dt_s"]), oscillator.dt, accuracy: 1e-12 * oscillator.dt)
        XCTAssertEqual(try number(trace["t_first_s"]), 0)
        XCTAssertEqual(try number(trace["t_last_s"]), Double(oscillator.samples - 1) * oscillator.dt,
                       accuracy: 1e-12 * Double(oscillator.samples) * oscillator.dt)

        // Channels and ranges: the CSV holds Swift's round-trip text of each Double, so the extrema are exact.
        let inputs = try XCTUnwrap(trace["inputs"] as? [[String: Any]])
        let outputs = try XCTUnwrap(trace["outputs"] as? [[String: Any]])
        XCTAssertEqual(inputs.count, 1)
        XCTAssertEqual(outputs.count, 1)
        XCTAssertEqual(inputs[0]["name"] as? String, "u")
        XCTAssertEqual(inputs[0]["unit"] as? String, "A")
        XCTAssertEqual(outputs[0]["name"] as? String, "x")
        XCTAssertEqual(outputs[0]["unit"] as? String, "V")
        XCTAssertEqual(try number(inputs[0]["min"]), u.min()!)
        XCTAssertEqual(try number(inputs[0]["max"]), u.max()!)
        XCTAssertEqual(try number(outputs[0]["min"]), x.min()!)
        XCTAssertEqual(try number(outputs[0]["max"]), x.max()!)
        // The data really move: a steady oscillator excursion, not a flat line (x spans more than the drive's
        // mean step; exact data from DrivenOscillator).
        XCTAssertGreaterThan(x.max()! - x.min()!, 1)

        // A second import under another name adds a trace; --from/--to select rows by time (seconds).
        let tail = try jsonObject(try runSpinode(["import", "csv", csv, "--input", "u", "--output", "x", "--uniform",
                                                  "--name", "tail", "--from", "2.995e-8", "--out", traces, "--json"]).stdout)
        XCTAssertEqual(tail["traces_in_file"] as? Int, 2)
        XCTAssertEqual(tail["samples"] as? Int, oscillator.samples - 300)  // t_i >= 29.95 ns: i = 300 ... 399
        let both = try XCTUnwrap(try jsonObject(try runSpinode(["inspect", traces, "--json"]).stdout)["traces"] as? [[String: Any]])
        XCTAssertEqual(Set(both.compactMap { $0["name"] as? String }), ["scope", "tail"])

        // The text form names the channels with their units.
        let text = try runSpinode(["inspect", traces]).stdout
        XCTAssertTrue(text.contains("scope") && text.contains("unit: V"), text)
    }
}
