import Workflows
import XCTest

/// `AxisUnit`: the SI prefix under which an axis reads as plain numbers.
final class AxisUnitTests: XCTestCase {
    func testPrefixes() {
        XCTAssertEqual(AxisUnit.time(magnitude: 3e-8), AxisUnit(scale: 1e9, unit: "ns"))
        XCTAssertEqual(AxisUnit.time(magnitude: 5e-10), AxisUnit(scale: 1e12, unit: "ps"))
        XCTAssertEqual(AxisUnit.time(magnitude: 2e-3), AxisUnit(scale: 1e3, unit: "ms"))
        XCTAssertEqual(AxisUnit.time(magnitude: 40), AxisUnit(scale: 1, unit: "s"))
        XCTAssertEqual(AxisUnit.time(magnitude: 0), AxisUnit(scale: 1, unit: "s"))
        XCTAssertEqual(AxisUnit.frequency(magnitude: 5e9), AxisUnit(scale: 1e-9, unit: "GHz"))
        XCTAssertEqual(AxisUnit.frequency(magnitude: 2.5e5), AxisUnit(scale: 1e-3, unit: "kHz"))
        XCTAssertEqual(AxisUnit.frequency(magnitude: 0.5), AxisUnit(scale: 1, unit: "Hz"))
        XCTAssertEqual(AxisUnit.frequency(magnitude: .nan), AxisUnit(scale: 1, unit: "Hz"))
    }
}
