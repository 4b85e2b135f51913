import Devices
import Foundation
import Micromagnetics
import XCTest

/// Rerunning a published mumax3 study exactly (issue 14, item 2): a sine carrier with a given amplitude
/// sequence (inline, CSV, .npy or mumax3's OVF input table), mumax3's NeelSkyrmion initial state, and one
/// sample at a stage boundary whose two times differ by rounding.
final class SpecPublishedDriveTests: XCTestCase {
    func temporary(_ name: String) -> String {
        let dir = NSTemporaryDirectory() + "spinode-published-\(getpid())-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir + "/" + name
    }

    func spec(_ keys: String) -> String {
        SpecParsingTests.base + """

        [drive.k]
        kind = "sine-carrier"
        amplitude = 2e3
        frequency = 4e9
        period = 1e-9
        \(keys)
        """
    }

    struct NoDrive: Error {}

    func drive(_ keys: String) throws -> Drive {
        guard let d = try SimulationSpec(text: spec(keys), file: "p.toml").drives["k"] else { throw NoDrive() }
        return d
    }

    /// delta(tau) = 2e3 a_i sin(2 pi 4e9 tau) with a_i the given sequence over [i ns, (i + 1) ns), the last
    /// value held after it: at tau = 1.0625 ns (piece 1, sin(2 pi 4.25) = 1) it is 2e3 x (-0.5) x 1.
    func testInlineAmplitudesAreUsedExactly() throws {
        let d = try drive("values = [0.25, -0.5, 0.75]")
        XCTAssertEqual(d.target, .Ku1)
        XCTAssertEqual(d.value(at: 1.0625e-9), -1000, accuracy: 1e-9)
        XCTAssertEqual(d.value(at: 0.0625e-9), 500, accuracy: 1e-9)          // sin(2 pi 0.25) = 1, a_0 = 0.25
        XCTAssertEqual(d.value(at: 2.1875e-9), -1500, accuracy: 1e-9)        // sin(2 pi 8.75) = -1, a_2 = 0.75
        XCTAssertEqual(d.value(at: 5.0625e-9), 1500, accuracy: 1e-9)         // after the sequence: a_2 held
        XCTAssertEqual((0..<4).map(d.pieceValue), [0.25, -0.5, 0.75, 0.75])
    }

    /// The same sequence from a CSV column, a .npy vector and an OVF 2.0 table (component `column` of the
    /// cells along x, as mumax3's `s.get(column, i, 0, 0)` after `loadfile`) gives the same drive.
    func testAmplitudeFilesCSVNPYAndOVF() throws {
        let a = [0.25, -0.5, 0.75, 0.125]
        let csv = temporary("a.csv")
        try a.map { "\($0)" }.joined(separator: "\n").write(toFile: csv, atomically: true, encoding: .utf8)
        let npy = temporary("a.npy")
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }"
        while (10 + header.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count), 0] + Array(header.utf8)
        for v in a { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
        try Data(bytes).write(to: URL(fileURLWithPath: npy))
        let scalar = temporary("a.ovf")
        try OVFField(nx: 4, ny: 1, nz: 1, cellSize: SIMD3(1, 1, 1), valueDimension: 1, values: a, title: "a").write(to: scalar)
        // A vector table: component 1 holds the sequence, row y = 1 holds something else.
        let vector = temporary("v.ovf")
        var values = [Double](repeating: 9, count: 4 * 2 * 3)
        for i in 0..<4 { values[3 * i + 1] = a[i] }
        try OVFField(nx: 4, ny: 2, nz: 1, cellSize: SIMD3(1, 1, 1), values: values).write(to: vector, format: .text)
        for (keys, what) in [("file = \"\(csv)\"", "csv"), ("file = \"\(npy)\"", "npy"), ("file = \"\(scalar)\"", "ovf"),
                             ("file = \"\(vector)\"\ncolumn = 1", "vector ovf")] {
            let d = try drive(keys)
            XCTAssertEqual((0..<4).map(d.pieceValue), a, what)
            XCTAssertEqual(d.value(at: 3.0625e-9), 2e3 * 0.125, accuracy: 1e-9, what)
            XCTAssertNotNil(d.source, what)
        }
        XCTAssertThrowsError(try drive("file = \"\(scalar)\"\ncolumn = 1")) { e in
            XCTAssertTrue("\(e)".contains("has 1 component(s) per cell; column = 1 is not one of them"), "\(e)")
        }
    }

    /// A given sequence excludes drawn amplitudes; empty or non-finite sequences are refused at parse.
    func testAmplitudeSequenceRefusals() {
        for (keys, says) in [("values = [1, 2]\nlow = -1", "give either values (the amplitudes a_i) or low/high"),
                             ("values = []", "give at least one value"),
                             ("values = [1, nan]", "must be an array of finite numbers"),
                             ("values = [1]\nfile = \"x.csv\"", "give only one of values, file")] {
            XCTAssertThrowsError(try drive(keys), keys) { e in XCTAssertTrue("\(e)".contains(says), "\(keys): \(e)") }
        }
    }

    /// `kind = "mumax-neel-skyrmion"` parses charge, pol, centre, diameter and background (default
    /// (0, 0, -pol)); bad values are refused.
    func testMumaxNeelSkyrmionInitialState() throws {
        func initial(_ keys: String) throws -> SimulationSpec.Initial? {
            let text = SpecParsingTests.base.replacingOccurrences(of: "uniform = [0, 0, 1]", with: keys)
            return try SimulationSpec(text: text, file: "i.toml").magnet?.initial
        }
        guard case let .mumaxNeelSkyrmion(charge, pol, centre, diameter, background)? =
                try initial("kind = \"mumax-neel-skyrmion\"\ncharge = 1\npol = -1\ndiameter = 80e-9\ncentre = [5e-9, 0]") else {
            return XCTFail("not parsed as mumax-neel-skyrmion")
        }
        XCTAssertEqual([charge, pol], [1, -1])
        XCTAssertEqual(centre, SIMD2(5e-9, 0))
        XCTAssertEqual(diameter, 80e-9)
        XCTAssertEqual(background, SIMD3(0, 0, 1))
        for (keys, says) in [("kind = \"mumax-neel-skyrmion\"\ncharge = 2\npol = 1", "must be +1 or -1"),
                             ("kind = \"mumax-neel-skyrmion\"\ncharge = 1", "pol"),
                             ("kind = \"mumax-neel-skyrmion\"\ncharge = 1\npol = 1\ndiameter = -1", "diameter")] {
            XCTAssertThrowsError(try initial(keys), keys) { e in XCTAssertTrue("\(e)".contains(says), "\(keys): \(e)") }
        }
    }

    /// Two recorded stages of 25 ps and 35 ps sampled every 5 ps: 5 x 5 ps = 2.4999999999999998e-11 rounds
    /// below the stage end 2.5e-11, which starts the next stage. The boundary is stored once, at the stage
    /// end: 13 samples (0 ... 60 ps), strictly increasing, each 5 ps apart to rounding.
    func testStageBoundarySampleIsStoredOnce() throws {
        let text = """
        title = "boundary"
        [mesh]
        cells = [4, 4, 1]
        cell_size = [2e-9, 2e-9, 1e-9]
        [material]
        Msat = 580e3
        Aex = 15e-12
        alpha = 0.1
        [terms]
        demag = false
        field = [0, 0.01, 0]
        [initial]
        uniform = [0, 0, 1]
        [[stage]]
        kind = "run"
        duration = 2.5e-11
        record = true
        [[stage]]
        kind = "run"
        duration = 3.5e-11
        record = true
        [output]
        interval = 5e-12
        """
        let result = try SimulationRunner(spec: SimulationSpec(text: text, file: "b.toml")).run()
        XCTAssertEqual(result.times.count, 13, "\(result.times)")
        XCTAssertEqual(result.times[5], 2.5e-11)
        for k in 1..<result.times.count {
            XCTAssertEqual(result.times[k] - result.times[k - 1], 5e-12, accuracy: 1e-20, "sample \(k)")
        }
    }
}
