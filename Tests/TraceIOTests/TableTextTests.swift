import Foundation
import TraceIO
import XCTest

/// Text-level variants of the same tables (issue 13, items 17 and 19): CRLF line ends and a UTF-8
/// byte-order mark, as tables get after a Windows editor or spreadsheet, read exactly like the plain
/// files; UTF-16 text and a directory are refused with what they are.
final class TableTextTests: XCTestCase {
    private var dir = ""
    override func setUpWithError() throws { dir = try makeTemporaryDirectory(self) }

    private func write(_ name: String, _ text: String, crlf: Bool, bom: Bool) throws -> String {
        var bytes = [UInt8]()
        if bom { bytes += [0xEF, 0xBB, 0xBF] }
        bytes += Array((crlf ? text.replacingOccurrences(of: "\n", with: "\r\n") : text).utf8)
        let path = dir + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    private let mumax = "# t (s)\tmx ()\tmz ()\tKu1.region100 (J/m3)\n0\t1\t0.5\t800000\n5e-12\t0.9\t0.25\t810000\n1e-11\t0.8\t0.125\t820000\n"
    private let odt = """
        # ODT 1.0
        # Table Start
        # Columns: {Oxs_TimeDriver::Simulation time} Oxs_TimeDriver::mz {Oxs_UZeeman::Bx}
        # Units: s {} mT
        0 0.5 1
        1e-11 0.25 2
        # Table End

        """
    private let csv = "t (s),current (A),voltage [V]\n0,1e-3,0.5\n1e-9,2e-3,0.25\n"

    func testCRLFAndByteOrderMarkReadAsThePlainFile() throws {
        let plain = (mumax: try MumaxTable.read(try write("p.txt", mumax, crlf: false, bom: false)),
                     odt: try OOMMFTable.read(try write("p.odt", odt, crlf: false, bom: false)),
                     csv: try DelimitedTable.read(try write("p.csv", csv, crlf: false, bom: false)))
        XCTAssertEqual(plain.mumax.names, ["t", "mx", "mz", "Ku1.region100"])
        XCTAssertEqual(plain.mumax.units, ["s", "", "", "J/m3"])
        for (crlf, bom) in [(true, false), (false, true), (true, true)] {
            let label = "crlf \(crlf) bom \(bom)"
            let m = try MumaxTable.read(try write("m.txt", mumax, crlf: crlf, bom: bom))
            XCTAssertEqual(m.names, plain.mumax.names, label)
            XCTAssertEqual(m.units, plain.mumax.units, label)
            XCTAssertEqual(m.rows, plain.mumax.rows, label)
            XCTAssertEqual(m.lines, plain.mumax.lines, label)
            XCTAssertEqual(try m.column("Ku1.region100"), 3, label)
            let o = try write("o.odt", odt, crlf: crlf, bom: bom)
            XCTAssertTrue(OOMMFTable.recognises(o))
            let oRead = try OOMMFTable.read(o)
            XCTAssertEqual(oRead.names, plain.odt.names, label)
            XCTAssertEqual(oRead.units, plain.odt.units, label)
            XCTAssertEqual(oRead.rows, plain.odt.rows, label)
            let c = try DelimitedTable.read(try write("c.csv", csv, crlf: crlf, bom: bom))
            XCTAssertEqual(c.names, ["t", "current", "voltage"], label)
            XCTAssertEqual(c.units, ["s", "A", "V"], label)
            XCTAssertEqual(c.rows, plain.csv.rows, label)
        }
        // An ODT table without the .odt suffix is recognised by its first line, after a byte-order mark too.
        XCTAssertTrue(OOMMFTable.recognises(try write("odt-as.txt", odt, crlf: true, bom: true)))
        XCTAssertFalse(OOMMFTable.recognises(try write("mumax.txt", mumax, crlf: true, bom: true)))
    }

    func testUTF16AndDirectoriesAreNamed() throws {
        let utf16 = dir + "/u16.txt"
        try mumax.data(using: .utf16LittleEndian).map { Data([0xFF, 0xFE]) + $0 }!.write(to: URL(fileURLWithPath: utf16))
        assertTraceIOError(.wrongFormat, file: utf16, object: "UTF-16") { _ = try MumaxTable.read(utf16) }
        let folder = dir + "/run.out"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for read in [MumaxTable.read, OOMMFTable.read, DelimitedTable.read] {
            assertTraceIOError(.notAFile, file: folder, object: "is a directory") { _ = try read(folder) }
        }
        assertTraceIOError(.notAFile, file: folder, object: "is a directory") { _ = try TraceFile.read(folder) }
        assertTraceIOError(.fileNotFound, file: folder + "/table.txt", object: nil) { _ = try MumaxTable.read(folder + "/table.txt") }
    }
}
