import XCTest
import Foundation
import Micromagnetics
import Numerics

final class OVFTests: XCTestCase {
    /// A 3 x 2 x 2 vector field with seeded random values, a non-zero origin and a description line.
    private func sampleField() -> OVFField {
        var rng = SeededRandom(seed: 42)
        let values = (0..<(3 * 2 * 2 * 3)).map { _ in rng.normal() }
        return OVFField(nx: 3, ny: 2, nz: 2, cellSize: [2e-9, 3e-9, 1.5e-9], origin: [1e-9, -2e-9, 0],
                        values: values, title: "m", descriptions: ["Total simulation time:  1e-09  s"])
    }

    private func temporaryPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spinode-ovf-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    /// Binary 8 and Text round trips are exact (every Float64 bit); Binary 4 returns each value
    /// rounded to Float32, and all header data (mesh, origin, labels, units, title, Desc) survive.
    func testRoundTripInAllThreeEncodings() throws {
        let field = sampleField()
        for format in OVFDataFormat.allCases {
            let path = temporaryPath("roundtrip-\(format.rawValue.replacingOccurrences(of: " ", with: "")).ovf")
            try field.write(to: path, format: format)
            let back = try OVFField.read(from: path)
            var expected = field
            if format == .binary4 { expected.values = field.values.map { Double(Float($0)) } }
            XCTAssertEqual(back, expected, "\(format)")
            XCTAssertEqual(back.valueLabels, ["m_x", "m_y", "m_z"])
            XCTAssertEqual(back.valueUnits, ["1", "1", "1"])
        }
        // Binary 4 really is float32: the value 0.1 comes back as Float(0.1), not 0.1.
        var one = OVFField(nx: 1, ny: 1, nz: 1, cellSize: [1, 1, 1], valueDimension: 1, values: [0.1], title: "u")
        one.valueUnits = ["J/m3"]
        let b4 = try OVFField.decode(one.encoded(.binary4), source: "mem")
        XCTAssertEqual(b4.values, [Double(Float(0.1))])
        XCTAssertNotEqual(b4.values, [0.1])
        XCTAssertEqual(b4.valueLabels, ["u"])
        XCTAssertEqual(b4.valueUnits, ["J/m3"])
    }

    /// The binary layout is the one OVF 2.0 prescribes: the check value first, little-endian, then the
    /// values x fastest; the byte count is exact.
    func testBinaryLayout() throws {
        let field = OVFField(nx: 2, ny: 1, nz: 1, cellSize: [1e-9, 1e-9, 1e-9], valueDimension: 1, values: [1.5, -2],
                             title: "s")
        let bytes = try field.encoded(.binary8)
        let marker = Array("# Begin: Data Binary 8\n".utf8)
        let start = try XCTUnwrap(firstIndex(of: marker, in: bytes)) + marker.count
        func double(at o: Int) -> Double {
            Double(bitPattern: (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[o + $1]) << (8 * UInt64($1)) })
        }
        XCTAssertEqual(double(at: start), 123456789012345.0)
        XCTAssertEqual(double(at: start + 8), 1.5)
        XCTAssertEqual(double(at: start + 16), -2)
        XCTAssertEqual(String(decoding: bytes[(start + 24)...], as: UTF8.self), "\n# End: Data Binary 8\n# End: Segment\n")
    }

    /// A small text file written exactly as mumax3's `oommf/ovf2.go` writes one (header order, the
    /// "Desc: Total simulation time:  1e-09  s" line, float32-printed values with a trailing space)
    /// parses to the known values, cell order x fastest.
    func testParsesMumax3TextFile() throws {
        let text = """
        # OOMMF OVF 2.0
        # Segment count: 1
        # Begin: Segment
        # Begin: Header
        # Title: m
        # meshtype: rectangular
        # meshunit: m
        # xmin: 0
        # ymin: 0
        # zmin: 0
        # xmax: 4e-09
        # ymax: 4e-09
        # zmax: 1e-09
        # valuedim: 3
        # valuelabels: m_x m_y m_z
        # valueunits: 1 1 1
        # Desc: Total simulation time:  1e-09  s
        # xbase: 1e-09
        # ybase: 1e-09
        # zbase: 5e-10
        # xnodes: 2
        # ynodes: 2
        # znodes: 1
        # xstepsize: 2e-09
        # ystepsize: 2e-09
        # zstepsize: 1e-09
        # End: Header
        # Begin: Data Text
        1 0 0 \n0.70710677 0.70710677 0 \n0 1 0 \n-0.6 0 0.8 \n# End: Data Text
        # End: Segment

        """
        let f = try OVFField.decode(Array(text.utf8), source: "m000001.ovf")
        XCTAssertEqual([f.nx, f.ny, f.nz, f.valueDimension], [2, 2, 1, 3])
        XCTAssertEqual(f.cellSize, [2e-9, 2e-9, 1e-9])
        XCTAssertEqual(f.origin, [0, 0, 0])
        XCTAssertEqual(f.title, "m")
        XCTAssertEqual(f.descriptions, ["Total simulation time:  1e-09  s"])
        XCTAssertEqual(f[0, 0, 0, 0], 1)
        XCTAssertEqual(f[1, 0, 0, 0], 0.70710677)
        XCTAssertEqual(f[1, 0, 0, 1], 0.70710677)
        XCTAssertEqual(f[0, 1, 0, 1], 1)
        XCTAssertEqual(f[1, 1, 0, 0], -0.6)
        XCTAssertEqual(f[1, 1, 0, 2], 0.8)
    }

    /// An OOMMF-style header: "##" comments, the origin only as xbase (cell centre), braced unit lists,
    /// and Binary 4 data directly followed by the end marker (mumax3 writes no newline there).
    func testParsesOOMMFStyleHeaderAndMumax3BinaryEnd() throws {
        var header = """
        # OOMMF OVF 2.0
        ## A comment line
        # Segment count: 1
        # Begin: Segment
        # Begin: Header
        # Title: Magnetization  ## trailing comment
        # meshtype: rectangular
        # meshunit: m
        # xbase: 5e-10
        # ybase: 5e-10
        # zbase: 1e-09
        # xnodes: 2
        # ynodes: 1
        # znodes: 1
        # xstepsize: 1e-09
        # ystepsize: 1e-09
        # zstepsize: 2e-09
        # valuedim: 3
        # valuelabels: {Magnetization x} {Magnetization y} {Magnetization z}
        # valueunits: A/m A/m A/m
        # End: Header
        # Begin: Data Binary 4

        """
        header = header.replacingOccurrences(of: "\r", with: "")
        var bytes = Array(header.utf8)
        for v: Float in [1234567.0, 8e5, 0, 0, -4e5, 3e5, 0] { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
        bytes += Array("# End: Data Binary 4\n# End: Segment\n".utf8)
        let f = try OVFField.decode(bytes, source: "oommf.omf")
        XCTAssertEqual(f.title, "Magnetization")
        XCTAssertEqual(f.origin, [0, 0, 0])
        XCTAssertEqual(f.valueLabels, ["Magnetization x", "Magnetization y", "Magnetization z"])
        XCTAssertEqual(f.valueUnits, ["A/m", "A/m", "A/m"])
        XCTAssertEqual(f.values, [8e5, 0, 0, -4e5, 3e5, 0])
        // Written back, braced labels survive a second round trip.
        XCTAssertEqual(try OVFField.decode(f.encoded(.text), source: "again"), f)
    }

    /// Bad files give one-line errors that name the file.
    func testBadFilesGiveClearErrors() throws {
        let field = sampleField()
        let good = try field.encoded(.binary8)
        let marker = Array("# Begin: Data Binary 8\n".utf8)
        let start = try XCTUnwrap(firstIndex(of: marker, in: good)) + marker.count

        func expectError(_ bytes: [UInt8], _ name: String, _ check: (OVFError) -> Bool,
                         file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertThrowsError(try OVFField.decode(bytes, source: name), file: file, line: line) { error in
                guard let e = error as? OVFError else { return XCTFail("not an OVFError: \(error)", file: file, line: line) }
                XCTAssertTrue(check(e), "unexpected error \(e)", file: file, line: line)
                let text = "\(e)"
                XCTAssertTrue(text.hasPrefix(name + ": "), text, file: file, line: line)
                XCTAssertFalse(text.contains("\n"), text, file: file, line: line)
            }
        }

        // Wrong check value (here: the big-endian encoding of the right one).
        var swapped = good
        swapped.replaceSubrange(start..<(start + 8), with: good[start..<(start + 8)].reversed())
        expectError(swapped, "swapped.ovf") {
            if case .badCheckValue(_, "Binary 8", 123456789012345.0, _) = $0 { return true } else { return false }
        }
        // Truncated binary data: 10 bytes short of the last value, no end marker.
        let truncated = Array(good[..<(start + 8 + 8 * field.values.count - 10)])
        expectError(truncated, "truncated.ovf") {
            if case .truncatedData(_, "Binary 8", 36, 34) = $0 { return true } else { return false }
        }
        // Truncated text data: the last cell's line missing.
        let text = String(decoding: try field.encoded(.text), as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.remove(at: lines.firstIndex(of: "# End: Data Text")! - 1)
        expectError(Array(lines.joined(separator: "\n").utf8), "short.ovf") {
            if case .truncatedData(_, "Text", 36, 33) = $0 { return true } else { return false }
        }
        // A header claiming more values than the file can hold (here 1e27, an overflow of Int in the
        // product) is refused before anything is allocated.
        let absurd = text.replacingOccurrences(of: "# xnodes: ", with: "# xnodes: 1000000000000000")
            .replacingOccurrences(of: "# ynodes: ", with: "# ynodes: 1000000000000")
        expectError(Array(absurd.utf8), "absurd.ovf") {
            if case .inconsistentField(_, let reason) = $0 { return reason.contains("more values than the file's") } else { return false }
        }
        // Missing header keys.
        for key in ["xnodes", "zstepsize", "valuedim", "meshtype"] {
            let without = text.split(separator: "\n").filter { !$0.hasPrefix("# \(key):") }.joined(separator: "\n")
            expectError(Array(without.utf8), "nokey.ovf") { $0 == .missingHeaderKey(file: "nokey.ovf", key: key) }
        }
        // Not OVF 2.0 at all, OVF 1.0, no data block, a non-number in text data.
        expectError(Array("hello\n".utf8), "hello.txt") { if case .notOVF2 = $0 { return true } else { return false } }
        expectError(Array("# OOMMF: rectangular mesh v1.0\n".utf8), "old.omf") {
            if case .unsupported = $0 { return true } else { return false }
        }
        let headerOnly = text.components(separatedBy: "# Begin: Data")[0]
        expectError(Array(headerOnly.utf8), "nodata.ovf") { $0 == .missingDataBlock(file: "nodata.ovf") }
        expectError(Array(text.replacingOccurrences(of: "\n0.", with: "\nzero ").utf8), "nan.ovf") {
            if case .invalidNumber(_, "zero") = $0 { return true } else { return false }
        }
        // A file that does not exist.
        XCTAssertThrowsError(try OVFField.read(from: "/nonexistent/m.ovf")) { error in
            XCTAssertEqual("\(error)", "/nonexistent/m.ovf: cannot read or write OVF file: no such file or not readable")
        }
        // A field whose values do not fill its mesh is refused on writing.
        var broken = field
        broken.values.removeLast()
        XCTAssertThrowsError(try broken.encoded(.text, name: "out.ovf")) { error in
            XCTAssertEqual("\(error)", "out.ovf: inconsistent OVF field: 35 values for 3 x 2 x 2 cells of dimension 3")
        }
    }

    private func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) {
            return i
        }
        return nil
    }
}
