import Foundation
import Numerics
import TraceIO
import XCTest

/// Importers of mumax3 `table.txt`, OOMMF `.odt` and CSV tables, on small tables written here in
/// each tool's format. Values are written with Swift's shortest round-trip formatting, so parsed
/// numbers must equal the generated ones exactly.
final class TableImportTests: XCTestCase {
    private var dir = ""
    override func setUpWithError() throws { dir = try makeTemporaryDirectory(self) }

    private func write(_ name: String, _ text: String) throws -> String {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A mumax3 table of n rows: t = 2.5 ps i, m on a circle, Ku1 of region 100 switching.
    private func mumaxTable(rows n: Int, extra: String = "") throws -> (String, [[Double]]) {
        var text = "# t (s)\tmx ()\tmy ()\tmz ()\tE_total (J)\tKu1.region100 (J/m3)\n"
        var rows: [[Double]] = []
        for i in 0..<n {
            let t = Double(i) * 2.5e-12
            let row = [t, cos(Double(i) / 7), sin(Double(i) / 7) * 0.6, sin(Double(i) / 7) * 0.8, -1e-19 * Double(i),
                       8e5 + 1e5 * sin(2 * .pi * 4e9 * t)]
            rows.append(row)
            text += row.map { "\($0)" }.joined(separator: "\t") + "\n"
        }
        return (try write("table.txt", text + extra), rows)
    }

    func testMumaxTableColumnsUnitsRangeAndDownsampling() throws {
        let (path, rows) = try mumaxTable(rows: 100)
        let table = try MumaxTable.read(path)
        XCTAssertEqual(table.names, ["t", "mx", "my", "mz", "E_total", "Ku1.region100"])
        XCTAssertEqual(table.units, ["s", "", "", "", "J", "J/m3"])
        // Name lookup: exact, with units, any case.
        for query in ["mz", "mz ()", "MZ", " mz "] { XCTAssertEqual(try table.column(query), 3, query) }
        XCTAssertEqual(try table.column("Ku1.region100 (J/m3)"), 5)
        XCTAssertEqual(try table.column("ku1.REGION100"), 5)

        let options = TableImportOptions(name: "drive", every: 3, from: 10 * 2.5e-12, to: 60 * 2.5e-12)
        let trace = try table.trace(time: "t", inputs: ["Ku1.region100"], outputs: ["mz", "mx"], options: options)
        let kept = Array(stride(from: 10, through: 60, by: 3))
        XCTAssertEqual(trace.name, "drive")
        XCTAssertEqual(trace.count, kept.count)
        XCTAssertEqual(trace.times, kept.map { rows[$0][0] })
        XCTAssertEqual(trace.inputs.storage, kept.map { rows[$0][5] })
        XCTAssertEqual(trace.outputs.storage, kept.flatMap { [rows[$0][3], rows[$0][1]] })
        XCTAssertEqual(trace.inputNames, ["Ku1.region100"])
        XCTAssertEqual(trace.outputNames, ["mz", "mx"])
        XCTAssertEqual(trace.inputUnits, ["J/m3"])
        XCTAssertEqual(trace.outputUnits, ["", ""])

        // Through a trace file and back, unchanged.
        let h5 = dir + "/traces.h5"
        try TraceFile.write([trace], to: h5)
        XCTAssertEqual(try TraceFile.read(h5, trace: "drive"), trace)
    }

    /// Times printed with 7 significant digits (as "%e" prints them) are jittered by up to ~5e-8
    /// relative; `.nominalGrid` stores t0 (the first time) and dt (the fitted interval, here the
    /// period exactly) instead.
    func testUniformSamplingFromPrintedTimes() throws {
        var text = "# t (s)\tmz ()\n"
        for i in 0..<200 { text += String(format: "%e\t%e\n", Double(i) * 5e-12 + 1e-9 / 3, 0.001 * Double(i)) }
        let path = try write("printed.txt", text)
        let table = try MumaxTable.read(path)
        let trace = try table.trace(time: "t", inputs: [], outputs: ["mz"],
                                    options: .init(name: "u", every: 2, sampling: .nominalGrid(tolerance: 1e-4)))
        guard case .uniform(let t0, let dt) = trace.sampling else { return XCTFail("expected uniform sampling") }
        XCTAssertEqual(t0, 3.333333e-10)
        XCTAssertEqual(dt, 1e-11)
        XCTAssertEqual(trace.count, 100)
        let jittered = try write("jitter.txt", "# t (s)\tmz ()\n0\t0\n1e-12\t0\n2.5e-12\t0\n3e-12\t0\n")
        assertTraceIOError(.invalidValue, file: jittered, object: "column 't (s)' line 4") {
            _ = try MumaxTable.read(jittered).trace(time: "t", inputs: [], outputs: ["mz"],
                                                    options: .init(name: "u", sampling: .nominalGrid(tolerance: 1e-2)))
        }
    }

    func testMumaxTableErrors() throws {
        let (path, _) = try mumaxTable(rows: 5)
        let table = try MumaxTable.read(path)
        assertTraceIOError(.missingColumn, file: path, object: "column 'Ku1.region7'") {
            _ = try table.trace(time: "t", inputs: ["Ku1.region7"], outputs: ["mz"], options: .init(name: "x"))
        }
        assertTraceIOError(.emptyTrace, file: path, object: "rows with t in") {
            _ = try table.trace(time: "t", inputs: [], outputs: ["mz"], options: .init(name: "x", from: 1, to: 2))
        }
        // A second run() appended rows starting at an earlier time.
        let (repeated, _) = try mumaxTable(rows: 3, extra: "0\t1\t0\t0\t0\t800000\n")
        assertTraceIOError(.nonIncreasingTime, file: repeated, object: "column 't (s)' line 5") {
            _ = try MumaxTable.read(repeated).trace(time: "t", inputs: [], outputs: ["mz"], options: .init(name: "x"))
        }
        let ragged = try write("ragged.txt", "# t (s)\tmx ()\tmz ()\n0\t1\t0\n1e-12\t0.9\n")
        assertTraceIOError(.raggedRow, file: ragged, object: "line 3") { _ = try MumaxTable.read(ragged) }
        let unnamed = try write("unnamed.txt", "# t (s)\t (J)\tmz ()\n0\t1\t0\n")
        assertTraceIOError(.wrongFormat, file: unnamed, object: "line 1") { _ = try MumaxTable.read(unnamed) }
        assertTraceIOError(.wrongFormat, file: unnamed, object: "column 2 has no name") { _ = try MumaxTable.read(unnamed) }
        let unnamedCSV = try write("unnamed.csv", "t,,y\n0,1,2\n")
        assertTraceIOError(.wrongFormat, file: unnamedCSV, object: "column 2 has no name") { _ = try DelimitedTable.read(unnamedCSV) }
        let bad = try write("bad.txt", "# t (s)\tmz ()\n0\t1\n1e-12\tabc\n")
        assertTraceIOError(.badNumber, file: bad, object: "line 3, column 'mz'") { _ = try MumaxTable.read(bad) }
        let nan = try write("nan.txt", "# t (s)\tmz ()\n0\t1\n1e-12\tNaN\n")
        assertTraceIOError(.nonFinite, file: nan, object: "column 'mz' line 3") {
            _ = try MumaxTable.read(nan).trace(time: "t", inputs: [], outputs: ["mz"], options: .init(name: "x"))
        }
        assertTraceIOError(.fileNotFound, file: dir + "/none.txt", object: nil) { _ = try MumaxTable.read(self.dir + "/none.txt") }
    }

    /// OOMMF ODT: braced and bare names, `{}` units, a continued Columns line and two tables.
    func testOOMMFTable() throws {
        let header = """
        # ODT 1.0
        # Table Start
        # Title: Oxs_TimeDriver on sp4.mif
        # Columns: {Oxs_RungeKuttaEvolve:evolver:Total energy} {Oxs_RungeKuttaEvolve:evolver:Energy calc count} \\
        #   Oxs_TimeDriver::Iteration {Oxs_TimeDriver::Simulation time} Oxs_TimeDriver::mx Oxs_TimeDriver::my \\
        #   Oxs_TimeDriver::mz {Oxs_UZeeman::Bx}
        # Units: J {} {} s {} {} {} mT

        """
        var text = header
        var expected: [(t: Double, mz: Double, bx: Double)] = []
        for i in 0..<12 {
            if i == 6 { text += "# Table End\n" + header }
            let t = Double(i) * 1e-11, mz = 0.01 * Double(i), bx = -24.6 + Double(i)
            expected.append((t, mz, bx))
            text += "      \(-1e-17 * Double(i))   \(i * 3)  \(i * 2)   \(t)   0.97   0.1   \(mz)   \(bx)\n"
        }
        text += "# Table End\n"
        let path = try write("sp4.odt", text)
        let table = try OOMMFTable.read(path)
        XCTAssertEqual(table.names.count, 8)
        XCTAssertEqual(table.names[3], "Oxs_TimeDriver::Simulation time")
        XCTAssertEqual(table.units, ["J", "", "", "s", "", "", "", "mT"])
        XCTAssertEqual(try table.column("Oxs_TimeDriver::mz"), 6)
        XCTAssertEqual(try table.column("mz"), 6)
        XCTAssertEqual(try table.column("simulation time"), 3)
        XCTAssertEqual(try table.column("Total energy"), 0)
        let trace = try table.trace(time: "Simulation time", inputs: ["Bx"], outputs: ["mz"], options: .init(name: "sp4"))
        XCTAssertEqual(trace.times, expected.map(\.t))
        XCTAssertEqual(trace.outputs.storage, expected.map(\.mz))
        XCTAssertEqual(trace.inputs.storage, expected.map(\.bx))
        XCTAssertEqual(trace.inputUnits, ["mT"])
        XCTAssertEqual(trace.outputNames, ["Oxs_TimeDriver::mz"])
        assertTraceIOError(.missingColumn, file: path, object: "column 'mq'") { _ = try table.column("mq") }
        // "m" would be ambiguous only if several columns had it; "::mx" style suffixes are unique here.
        let ambiguous = try write("amb.odt", "# Columns: A::mz B::mz {C::Simulation time}\n# Units: {} {} s\n1 2 0\n")
        assertTraceIOError(.invalidValue, file: ambiguous, object: "column 'mz'") { _ = try OOMMFTable.read(ambiguous).column("mz") }
        let ragged = try write("ragged.odt", "# Columns: a b\n# Units: {} {}\n1 2\n3\n")
        assertTraceIOError(.raggedRow, file: ragged, object: "line 4") { _ = try OOMMFTable.read(ragged) }
    }

    func testCSVWithUnitsAndErrors() throws {
        let path = try write("drive.csv", "time [s],current (A),\"V\"\n0,1e-3,0.5\n1e-9,2e-3,0.25\n# comment\n2e-9,3e-3,0.125\n")
        let table = try DelimitedTable.read(path)
        XCTAssertEqual(table.names, ["time", "current", "V"])
        XCTAssertEqual(table.units, ["s", "A", ""])
        let trace = try table.trace(time: "time", inputs: ["current"], outputs: ["V"], options: .init(name: "iv", every: 2))
        XCTAssertEqual(trace.times, [0, 2e-9])
        XCTAssertEqual(trace.inputs.storage, [1e-3, 3e-3])
        XCTAssertEqual(trace.outputs.storage, [0.5, 0.125])
        XCTAssertEqual(trace.inputUnits, ["A"])

        let tsv = try write("x.tsv", "t\tu\ty\n0\t1\t2\n1\t3\t4\n")
        XCTAssertEqual(try DelimitedTable.read(tsv).rows, [[0, 1, 2], [1, 3, 4]])

        let ragged = try write("ragged.csv", "t,u,y\n0,1,2\n1,3,4\n2,5\n")
        assertTraceIOError(.raggedRow, file: ragged, object: "line 4") { _ = try DelimitedTable.read(ragged) }
        assertTraceIOError(.raggedRow, file: ragged, object: "has 2 fields, header has 3") { _ = try DelimitedTable.read(ragged) }
        let missing = try write("m.csv", "t,u,y\n0,1,2\n")
        assertTraceIOError(.missingColumn, file: missing, object: "column 'z'") {
            _ = try DelimitedTable.read(missing).trace(time: "t", inputs: ["u"], outputs: ["z"], options: .init(name: "a"))
        }
        assertTraceIOError(.missingColumn, file: missing, object: "t, u, y") { _ = try DelimitedTable.read(missing).column("z") }
    }
}
