import Devices
import Foundation
import XCTest

/// Drive files are read and checked completely when the spec is read, before any compute (issue 13,
/// items 18 and 19): non-finite values, undeclared header lines, 2-D or truncated .npy arrays are
/// refused with the file, the line or shape, and the key.
final class SpecDriveFileTests: XCTestCase {
    func temporary(_ name: String) -> String {
        let dir = NSTemporaryDirectory() + "spinode-drivefile-\(getpid())-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir + "/" + name
    }

    func spec(file: String, extra: String = "") -> String {
        SpecParsingTests.base + """

        [drive.u]
        kind = "piecewise"
        target = "field_z"
        hold = 1e-12
        file = "\(file)"
        \(extra)
        """
    }

    func refusal(_ text: String) -> String? {
        do { _ = try SimulationSpec(text: text, file: "d.toml"); return nil } catch { return "\(error)" }
    }

    /// A .npy file of `shape` holding `values` (little-endian float64, C order).
    func npy(_ path: String, shape: String, values: [Double], dropBytes: Int = 0) throws {
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(shape), }"
        while (10 + header.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 255), UInt8(header.count >> 8)]
        bytes += Array(header.utf8)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
        try Data(bytes.dropLast(dropBytes)).write(to: URL(fileURLWithPath: path))
    }

    func testNaNInCSVIsRefusedAtParse() throws {
        let csv = temporary("u.csv")
        try "0.5\n1.5\nnan\n2\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let e = try XCTUnwrap(refusal(spec(file: csv)))
        XCTAssertEqual(e, "d.toml: key 'drive.u.file' = \"\(csv)\" is invalid: line 3: 'nan' is not a finite number")
    }

    func testInfinityInNPYIsRefusedAtParse() throws {
        let path = temporary("u.npy")
        try npy(path, shape: "(3,)", values: [1, .infinity, 2])
        XCTAssertEqual(try XCTUnwrap(refusal(spec(file: path))),
                       "d.toml: key 'drive.u.file' = \"\(path)\" is invalid: element 1 is inf (not finite)")
    }

    /// A header line must be declared; undeclared it is refused with a hint, declared it is skipped.
    /// Comment lines (#) are always skipped; CRLF line ends are accepted.
    func testHeaderLineMustBeDeclared() throws {
        let csv = temporary("u.csv")
        try "# made by hand\r\ntime,u\r\n0,0.25\r\n1,-1.5\r\n".write(toFile: csv, atomically: true, encoding: .utf8)
        XCTAssertEqual(try XCTUnwrap(refusal(spec(file: csv, extra: "column = 1"))),
                       "d.toml: key 'drive.u.file' = \"\(csv)\" is invalid: line 2: 'u' is not a number "
                       + "(a header line? declare it with header_lines = 1)")
        let s = try SimulationSpec(text: spec(file: csv, extra: "column = 1\nheader_lines = 1"), file: "d.toml")
        guard case .piecewise(let v)? = s.drives["u"]?.kind else { return XCTFail("not piecewise") }
        XCTAssertEqual(v, [0.25, -1.5])
    }

    /// A later non-number (a typo) is refused with its line, blank lines counted.
    func testTypoInCSVNamesItsLine() throws {
        let csv = temporary("u.csv")
        try "1\n\n2\n3..0\n".write(toFile: csv, atomically: true, encoding: .utf8)
        XCTAssertEqual(try XCTUnwrap(refusal(spec(file: csv))),
                       "d.toml: key 'drive.u.file' = \"\(csv)\" is invalid: line 4: '3..0' is not a number")
    }

    func testTwoDimensionalNPYIsRefused() throws {
        let path = temporary("u.npy")
        try npy(path, shape: "(3, 2)", values: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try XCTUnwrap(refusal(spec(file: path))),
                       "d.toml: key 'drive.u.file' = \"\(path)\" is invalid: .npy array has shape (3, 2); "
                       + "a drive is one sequence: shape (n,), (n, 1) or (1, n)")
    }

    func testColumnAndRowNPYAreAccepted() throws {
        for shape in ["(3, 1)", "(1, 3)", "(3,)"] {
            let path = temporary("u.npy")
            try npy(path, shape: shape, values: [1, 2, 3])
            let s = try SimulationSpec(text: spec(file: path), file: "d.toml")
            guard case .piecewise(let v)? = s.drives["u"]?.kind else { return XCTFail("not piecewise") }
            XCTAssertEqual(v, [1, 2, 3], shape)
        }
    }

    func testTruncatedNPYIsRefused() throws {
        let path = temporary("u.npy")
        try npy(path, shape: "(3,)", values: [1, 2, 3], dropBytes: 5)
        XCTAssertEqual(try XCTUnwrap(refusal(spec(file: path))),
                       "d.toml: key 'drive.u.file' = \"\(path)\" is invalid: .npy shape (3,) needs 24 data bytes, the file has 19")
    }

    func testDirectoryAsDriveFileIsNamedAsSuch() throws {
        let dir = temporary("folder.csv")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        XCTAssertEqual(try XCTUnwrap(refusal(spec(file: dir))),
                       "d.toml: key 'drive.u.file' = \"\(dir)\" is invalid: is a directory, not a file")
    }

    /// The spec records every file it read with the SHA-256 of its bytes (for resume checks).
    func testInputFilesCarryTheirDigest() throws {
        let csv = temporary("u.csv")
        try "abc".write(toFile: csv, atomically: true, encoding: .utf8)
        XCTAssertNotNil(refusal(spec(file: csv)))           // "abc" is no number
        try "1\n2\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let s = try SimulationSpec(text: spec(file: csv), file: "d.toml")
        // SHA-256("1\n2\n"), as printed by sha256sum.
        XCTAssertEqual(s.inputFiles.map(\.key), ["drive.u.file"])
        XCTAssertEqual(s.inputFiles.map(\.path), [csv])
        XCTAssertEqual(s.inputFiles.map(\.sha256), ["a6e2b7a040683432de03a18fd8a1939a2fdf82585b364bfc874bdd4095c4cae1"])
    }

    /// The initial OVF is read and checked against the mesh when the spec is read (before, only after the
    /// demag kernel had been computed), and recorded with its digest.
    func testInitialOVFIsCheckedAtParse() throws {
        let dir = temporary("snapshots")
        let runner = SimulationRunner(spec: try SimulationSpec(text: SpecParsingTests.base + "\nsnapshot_every = 1e-12\n", file: "s.toml"))
        runner.snapshotDirectory = dir
        _ = try runner.run()
        let ovf = dir + "/m000000.ovf"
        let text = SpecParsingTests.base.replacingOccurrences(of: "uniform = [0, 0, 1]", with: "ovf = \"\(ovf)\"")
        let s = try SimulationSpec(text: text, file: "o.toml")
        XCTAssertEqual(s.inputFiles.map(\.key), ["initial.ovf"])
        XCTAssertEqual(s.inputFiles.first?.sha256.count, 64)
        XCTAssertEqual(try XCTUnwrap(refusal(text.replacingOccurrences(of: "cells = [8, 8, 1]", with: "cells = [16, 8, 1]"))),
                       "d.toml: key 'initial.ovf' = \"\(ovf)\" is invalid: holds 8 x 8 x 1 cells of dimension 3, the mesh is 16 x 8 x 1 vectors")
    }
}
