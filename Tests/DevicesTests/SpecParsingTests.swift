import Devices
import Foundation
import XCTest

/// The spec parser refuses bad specs with an error naming the file, the dotted key and the problem.
final class SpecParsingTests: XCTestCase {
    static let base = """
    title = "t"
    [mesh]
    cells = [8, 8, 1]
    cell_size = [2e-9, 2e-9, 1e-9]
    [material]
    Msat = 580e3
    Aex = 15e-12
    [initial]
    uniform = [0, 0, 1]
    [[stage]]
    kind = "run"
    duration = 1e-12
    record = true
    [output]
    interval = 1e-12
    """

    func parseError(_ text: String) -> SpecError? {
        do { _ = try SimulationSpec(text: text, file: "bad.toml"); return nil } catch let e as SpecError { return e } catch {
            XCTFail("unexpected error \(error)"); return nil
        }
    }

    func testValidBaseParses() throws {
        let s = try SimulationSpec(text: Self.base, file: "ok.toml")
        XCTAssertEqual(s.title, "t")
        XCTAssertEqual(s.magnet?.mesh.nx, 8)
        XCTAssertEqual(s.magnet?.material.Msat, 580e3)
        XCTAssertEqual(s.output.quantities, ["mx", "my", "mz"])
    }

    func testUnknownKey() {
        let e = parseError(Self.base.replacingOccurrences(of: "Aex = 15e-12", with: "Aex = 15e-12\nAexx = 1"))
        XCTAssertEqual(e, .unknownKey(file: "bad.toml", key: "material.Aexx"))
        XCTAssertEqual(e?.description, "bad.toml: unknown key 'material.Aexx'")
    }

    func testWrongType() {
        let e = parseError(Self.base.replacingOccurrences(of: "Msat = 580e3", with: "Msat = \"580e3\""))
        XCTAssertEqual(e, .wrongType(file: "bad.toml", key: "material.Msat", expected: "a number", found: "a string"))
    }

    func testMissingRequiredKey() {
        let e = parseError(Self.base.replacingOccurrences(of: "Msat = 580e3\n", with: ""))
        XCTAssertEqual(e, .missingKey(file: "bad.toml", key: "material.Msat"))
    }

    func testNegativeDuration() {
        let e = parseError(Self.base.replacingOccurrences(of: "duration = 1e-12", with: "duration = -1e-12"))
        XCTAssertEqual(e, .invalidValue(file: "bad.toml", key: "stage[0].duration", value: "-1e-12",
                                        requirement: "must be a positive time in seconds"))
    }

    func testUndefinedDrive() {
        let e = parseError(Self.base.replacingOccurrences(of: "record = true", with: "record = true\ndrive = \"vcma\""))
        XCTAssertEqual(e, .invalidValue(file: "bad.toml", key: "stage[0].drive", value: "\"vcma\"", requirement: "no [drive.vcma] table"))
    }

    func testNegativeMaterialValue() {
        let e = parseError(Self.base.replacingOccurrences(of: "Aex = 15e-12", with: "Aex = -15e-12"))
        XCTAssertEqual(e, .invalidValue(file: "bad.toml", key: "material.Aex", value: "-1.5e-11", requirement: "must be non-negative J/m"))
    }

    func testSyntaxErrorHasLine() {
        guard case let .syntax(file, line, _, _)? = parseError(Self.base + "\n[output\n") else { return XCTFail("expected a syntax error") }
        XCTAssertEqual(file, "bad.toml")
        XCTAssertEqual(line, 16)                          // the line of "[output"
    }

    func testRecordWithoutIntervalIsRefused() {
        let e = parseError(Self.base.replacingOccurrences(of: "[output]\ninterval = 1e-12", with: ""))
        XCTAssertEqual(e, .missingKey(file: "bad.toml", key: "output.interval"))
    }

    /// The paper's carrier: a_i uniform in [-2, 2), a pure function of (seed, name, i); delta(tau) =
    /// 0.1e6 a_i sin(2 pi 4e9 tau) J/m^3 (Chen et al. 2022, Methods).
    func testSineCarrierDrive() throws {
        let d = Drive(kind: .sineCarrier(amplitude: 0.1e6, frequency: 4e9, period: 250e-12, low: -2, high: 2),
                      target: .Ku1, hold: 250e-12, name: "vcma", seed: 5)
        let a = (0..<2000).map { d.carrierAmplitude(period: $0) }
        XCTAssertTrue(a.allSatisfy { $0 >= -2 && $0 < 2 })
        // Mean 0 and variance 16/12 of U(-2, 2): 2000 draws, 5 standard errors.
        let mean = a.reduce(0, +) / 2000
        XCTAssertEqual(mean, 0, accuracy: 5 * (16.0 / 12 / 2000).squareRoot())
        let variance = a.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 1999
        XCTAssertEqual(variance, 16.0 / 12, accuracy: 0.1)
        // Pure function: the same a_i whatever was drawn before.
        XCTAssertEqual(d.carrierAmplitude(period: 17), a[17])
        let tau = 17 * 250e-12 + 62.5e-12                  // a quarter carrier period into piece 17
        XCTAssertEqual(d.value(at: tau), 0.1e6 * a[17] * sin(2 * Double.pi * 4e9 * tau), accuracy: 1e-9)
        XCTAssertEqual(d.value(at: tau), 0.1e6 * a[17], accuracy: 1e-6)
        let jumps = d.jumps(duration: 1e-9)
        XCTAssertEqual(jumps.count, 3)
        for (j, t) in zip(jumps, [250e-12, 500e-12, 750e-12]) { XCTAssertEqual(j, t, accuracy: 1e-24) }
    }

    /// Device presets decode their Codable parameters over the defaults and refuse unknown names.
    func testDevicePresetParameters() throws {
        let text = """
        [device]
        kind = "macrospin"
        sample_interval = 50e-12
        drive = "j"
        [device.parameters]
        temperature = 300
        appliedField = [0.2, 0, 0]
        [drive.j]
        kind = "piecewise"
        target = "current_density"
        hold = 100e-12
        values = [1e11, 2e11]
        """
        let s = try SimulationSpec(text: text, file: "dev.toml")
        XCTAssertEqual(s.device?.macrospin?.temperature, 300)
        XCTAssertEqual(s.device?.macrospin?.appliedField, SIMD3(0.2, 0, 0))
        XCTAssertEqual(s.device?.macrospin?.damping, 0.01)           // default kept
        let e = parseError(text.replacingOccurrences(of: "temperature = 300", with: "temprature = 300"))
        XCTAssertEqual(e, .unknownKey(file: "bad.toml", key: "device.parameters.temprature"))
    }
}
