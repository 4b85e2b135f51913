import Devices
import Foundation
import Micromagnetics
import XCTest

/// Snapshots and file-driven drives of the spec runner.
final class SpecOutputTests: XCTestCase {
    func temporary(_ name: String) -> String { NSTemporaryDirectory() + "spinode-spec-out-\(getpid())-\(name)" }

    /// OVF snapshots every 100 ps of a 200 ps recorded run: three files whose cell average equals the
    /// recorded <m> at the same instant (the same state; 1e-12), on the spec's mesh, |m| = 1 to 1e-6
    /// (states between renormalisations carry the integration error).
    func testSnapshotsMatchRecordedAverages() throws {
        let dir = temporary("snaps")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = SpecRunnerTests.tinySpec(demag: false).replacingOccurrences(
            of: "checkpoint_every = 50e-12", with: "checkpoint_every = 50e-12\nsnapshot_every = 100e-12\nsnapshot_dir = \"\(dir)\"")
        let r = try SimulationRunner(spec: SimulationSpec(text: text, file: "tiny.toml")).run()
        for (k, sample) in [(0, 0), (1, 10), (2, 20)] {
            let f = try OVFField.read(from: dir + String(format: "/m%06d.ovf", k))
            XCTAssertEqual([f.nx, f.ny, f.nz], [16, 8, 1])
            XCTAssertEqual(f.cellSize.x, 4e-9, accuracy: 1e-20)
            var avg = SIMD3<Double>(0, 0, 0)
            for i in 0..<f.cellCount {
                let v = SIMD3(f.values[3 * i], f.values[3 * i + 1], f.values[3 * i + 2])
                XCTAssertEqual((v * v).sum().squareRoot(), 1, accuracy: 1e-6)
                avg += v
            }
            avg /= Double(f.cellCount)
            for c in 0..<3 { XCTAssertEqual(avg[c], r.outputs[sample][c], accuracy: 1e-12, "snapshot \(k)") }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/m000003.ovf"))
    }

    /// `topological_charge` and `skyrmion_radius` recorded by a run (the 2D DMI standard problem's disk, a
    /// Neel skyrmion minimised and run 20 ps at alpha = 0.5) are `LLGSystem.topologicalCharge` and
    /// `skyrmionRadius` of the state in the OVF snapshot taken at the same sample, in their units; the state
    /// keeps one winding (|Q| > 0.9: the DMI's rim tilt takes a few per cent), and an unknown name is refused
    /// with the list of accepted ones.
    func testTopologicalObservablesAreRecorded() throws {
        let dir = temporary("topology")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = """
        title = "DMI standard problem disk"
        [mesh]
        cells = [50, 50, 1]
        cell_size = [2e-9, 2e-9, 2e-9]
        [geometry]
        shape = "disk"
        diameter = 100e-9
        [material]
        Msat = 0.86e6
        Aex = 13e-12
        Ku1 = 0.4e6
        anisU = [0, 0, 1]
        Dind = 3e-3
        alpha = 0.5
        [initial]
        kind = "neel-skyrmion"
        radius = 22e-9
        wall_width = 5e-9
        core = 1
        centres = [[0, 0]]
        [[stage]]
        kind = "minimize"
        [[stage]]
        kind = "run"
        duration = 20e-12
        record = true
        solver = "rk4"
        step = 50e-15
        [output]
        interval = 10e-12
        quantities = ["mz", "topological_charge", "skyrmion_radius"]
        snapshot_every = 10e-12
        snapshot_dir = "\(dir)"
        """
        let r = try SimulationRunner(spec: SimulationSpec(text: text, file: "sp-dmi.toml")).run()
        XCTAssertEqual(r.outputNames, ["mz", "topological_charge", "skyrmion_radius"])
        XCTAssertEqual(r.outputUnits, ["", "", "m"])
        XCTAssertEqual(r.outputs.count, 3)
        let snapshot = try OVFField.read(from: dir + "/m000002.ovf")
        let mesh = try Mesh(nx: 50, ny: 50, nz: 1, dx: 2e-9, dy: 2e-9, dz: 2e-9)
        let magnet = try Magnet(mesh: mesh, shape: .disk(diameter: 100e-9), material: Material(Msat: 0.86e6))
        let system = LLGSystem(magnet: magnet, demag: false)
        let n = mesh.cellCount
        var m = [Double](repeating: 0, count: 3 * n)
        for i in 0..<n { for c in 0..<3 { m[c * n + i] = snapshot.values[3 * i + c] } }
        XCTAssertEqual(r.outputs[2][0], system.averageMagnetisation(m).z, accuracy: 1e-12)
        XCTAssertEqual(r.outputs[2][1], system.topologicalCharge(m), accuracy: 1e-12)
        XCTAssertEqual(r.outputs[2][2], system.skyrmionRadius(m), accuracy: 1e-20)
        XCTAssertGreaterThan(abs(r.outputs[2][1]), 0.9)
        XCTAssertGreaterThan(r.outputs[2][2], 5e-9)
        XCTAssertThrowsError(try SimulationSpec(text: text.replacingOccurrences(of: "\"skyrmion_radius\"]", with: "\"Q\"]"),
                                                file: "sp-dmi.toml")) { error in
            XCTAssertTrue("\(error)".contains("topological_charge"), "\(error)")
        }
    }

    /// A piecewise drive read from a CSV column (declared header skipped) and from a float64 .npy vector gives
    /// the same values at the hold centres.
    func testPiecewiseDriveFromFiles() throws {
        let csv = temporary("u.csv"), npy = temporary("u.npy")
        defer { try? FileManager.default.removeItem(atPath: csv); try? FileManager.default.removeItem(atPath: npy) }
        let values = [0.25, -1.5, 3e-3, 7.0]
        try ("t,u\n" + values.enumerated().map { "\($0.offset),\($0.element)" }.joined(separator: "\n") + "\n")
            .write(toFile: csv, atomically: true, encoding: .utf8)
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (\(values.count),), }"
        while (10 + header.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 255), UInt8(header.count >> 8)]
        bytes += Array(header.utf8)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
        XCTAssertTrue(FileManager.default.createFile(atPath: npy, contents: Data(bytes)))
        for (file, column) in [(csv, 1), (npy, 0)] {
            let text = SpecParsingTests.base + """

            [drive.u]
            kind = "piecewise"
            target = "field_z"
            hold = 10e-12
            file = "\(file)"
            column = \(column)
            scale = 2
            """ + (file == csv ? "\nheader_lines = 1" : "")
            let d = try XCTUnwrap(try SimulationSpec(text: text, file: "f.toml").drives["u"])
            for (i, v) in values.enumerated() { XCTAssertEqual(d.value(at: (Double(i) + 0.5) * 10e-12), 2 * v, file) }
            XCTAssertEqual(d.value(at: 1e-9), 2 * values.last!)         // held after the end
        }
    }

    /// Recorded inputs are the right-continuous drive at the sample times: with 10 ps samples and 50 ps
    /// holds, sample 5k reports piece k (sample times n dt round to either side of the jumps k hold).
    func testRecordedInputsSwitchAtJumps() throws {
        let text = SpecRunnerTests.tinySpec(demag: false).replacingOccurrences(of: """
            kind = "sine-carrier"
            target = "field_z"
            amplitude = 0.01
            frequency = 4e9
            period = 50e-12
            low = -2
            high = 2
            """, with: """
            kind = "piecewise"
            target = "field_z"
            hold = 50e-12
            values = [0.01, -0.02, 0.03, 0.04]
            """)
        let r = try SimulationRunner(spec: SimulationSpec(text: text, file: "tiny.toml")).run()
        XCTAssertEqual(r.inputNames, ["deltaBz"])
        XCTAssertEqual(r.inputUnits, ["T"])
        let expected = (0...20).map { [0.01, -0.02, 0.03, 0.04][min($0 / 5, 3)] }
        XCTAssertEqual(r.inputs.map { $0[0] }, expected)
    }
}
