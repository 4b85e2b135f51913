import Devices
import Foundation
import Micromagnetics
import XCTest

/// A run stage with two drives on different targets (`drive = ["vcma", "dmi"]`), and the Dind target:
/// both inputs recorded, a Dind drive equal to the material's D changed by the same amount, an added
/// zero drive changing no bit.
final class SpecTwoDrivesTests: XCTestCase {
    func spec(drives: String, dind: Double = 3.5e-3, extraDrives: String = "") -> String {
        """
        title = "two drives"
        seed = 5
        [mesh]
        cells = [12, 12, 1]
        cell_size = [2e-9, 2e-9, 1e-9]
        [material]
        Msat = 580e3
        Aex = 15e-12
        Ku1 = 0.8e6
        anisU = [0, 0, 1]
        Dind = \(dind)
        alpha = 0.1
        [initial]
        kind = "mumax-neel-skyrmion"
        charge = 1
        pol = -1
        [[stage]]
        kind = "run"
        duration = 200e-12
        record = true
        solver = "rk4"
        step = 50e-15
        \(drives)
        [drive.vcma]
        kind = "sine-carrier"
        target = "Ku1"
        amplitude = 1e5
        frequency = 4e9
        period = 250e-12
        [drive.dmi]
        kind = "piecewise"
        target = "Dind"
        hold = 100e-12
        values = [1e-4, -2e-4]
        \(extraDrives)
        [output]
        interval = 10e-12
        quantities = ["mx", "mz"]
        """
    }

    func run(_ text: String) throws -> SimulationResult {
        try SimulationRunner(spec: SimulationSpec(text: text, file: "two.toml")).run()
    }

    func testBothInputsAreRecorded() throws {
        let text = spec(drives: "drive = [\"vcma\", \"dmi\"]")
        let s = try SimulationSpec(text: text, file: "two.toml")
        let r = try run(text)
        XCTAssertEqual(r.inputNames, ["deltaKu1", "a", "deltaDind"])
        XCTAssertEqual(r.inputUnits, ["J/m3", "", "J/m2"])
        let vcma = try XCTUnwrap(s.drives["vcma"])
        let a0 = vcma.carrierAmplitude(period: 0)
        for (n, t) in r.times.enumerated() {
            let tau = t - r.times[0]
            guard tau > 1e-15, tau < 200e-12 - 1e-15, abs(tau - 100e-12) > 1e-15 else { continue }
            XCTAssertEqual(r.inputs[n][2], tau < 100e-12 ? 1e-4 : -2e-4, "deltaDind at \(tau) s")
            XCTAssertEqual(r.inputs[n][1], a0)
            XCTAssertEqual(r.inputs[n][0], 1e5 * a0 * sin(2 * Double.pi * 4e9 * tau), accuracy: 1e-6 * 1e5)
        }
    }

    /// A Dind drive held at +1e-4 J/m^2 gives the run of the material with D + 1e-4 (the field terms agree
    /// to round-off, so the recorded m to 1e-12); a second drive of value 0 leaves every bit of a run.
    func testDindDriveEqualsChangedMaterialAndZeroDriveChangesNothing() throws {
        let held = """
        [drive.hold]
        kind = "constant"
        target = "Dind"
        value = 1e-4
        [drive.zero]
        kind = "constant"
        target = "Dind"
        value = 0
        """
        let driven = try run(spec(drives: "drive = \"hold\"", extraDrives: held))
        let changed = try run(spec(drives: "", dind: 3.5e-3 + 1e-4, extraDrives: held))
        XCTAssertEqual(driven.outputs.count, changed.outputs.count)
        for (a, b) in zip(driven.outputs, changed.outputs) { for c in 0..<2 { XCTAssertEqual(a[c], b[c], accuracy: 1e-12) } }
        let alone = try run(spec(drives: "drive = \"vcma\"", extraDrives: held))
        let withZero = try run(spec(drives: "drive = [\"vcma\", \"zero\"]", extraDrives: held))
        XCTAssertEqual(alone.outputs, withZero.outputs)
        XCTAssertNotEqual(alone.outputs, driven.outputs)
    }

    func testRefusals() throws {
        let extra = """
        [drive.dmi2]
        kind = "constant"
        target = "Dind"
        value = 1e-4
        """
        XCTAssertThrowsError(try SimulationSpec(text: spec(drives: "drive = [\"dmi\", \"dmi2\"]", extraDrives: extra), file: "two.toml")) {
            XCTAssertTrue("\($0)".contains("a second drive of target Dind"), "\($0)")
        }
        XCTAssertThrowsError(try SimulationSpec(text: spec(drives: "drive = [\"dmi\"]", dind: 0), file: "two.toml")) {
            XCTAssertTrue("\($0)".contains("nonzero [material] Dind"), "\($0)")
        }
        XCTAssertThrowsError(try SimulationSpec(text: spec(drives: "drive = [1]"), file: "two.toml"))
    }
}
