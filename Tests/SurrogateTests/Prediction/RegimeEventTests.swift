import Surrogate
import XCTest

/// `RegimeEvent`: parsing `NAME<VALUE` / `NAME>VALUE` and the settled crossing (the first sample from
/// which the condition holds to the end).
final class RegimeEventTests: XCTestCase {
    func testParsing() throws {
        let q = try RegimeEvent(parsing: "topological_charge>-0.5")
        XCTAssertEqual(q, RegimeEvent(output: "topological_charge", direction: .above, threshold: -0.5))
        XCTAssertEqual(q.description, "topological_charge>-0.5")
        XCTAssertEqual(try RegimeEvent(parsing: " mz < 0.95 "), RegimeEvent(output: "mz", direction: .below, threshold: 0.95))
        XCTAssertEqual(try RegimeEvent(parsing: "skyrmion_radius<3e-9").threshold, 3e-9)
        for bad in ["mz", "mz=0.9", "<0.9", "mz>", "mz>abc", "mz>nan", "mz>inf"] {
            XCTAssertThrowsError(try RegimeEvent(parsing: bad), bad)
        }
    }

    func testSettledIndexIsTheLastCrossingThatStays() {
        let above = RegimeEvent(output: "mz", direction: .above, threshold: 0.95)
        // Crosses at 2, comes back at 4, crosses for good at 6.
        XCTAssertEqual(above.settledIndex([0.5, 0.9, 0.96, 0.97, 0.8, 0.9, 0.96, 0.99, 0.98]), 6)
        XCTAssertEqual(above.settledIndex([0.96, 0.97]), 0)
        XCTAssertNil(above.settledIndex([0.99, 0.9]), "the last sample does not hold")
        XCTAssertNil(above.settledIndex([Double]()))
        XCTAssertNil(above.settledIndex([0.99, .nan]), "NaN holds no condition")
        XCTAssertFalse(above.holds(0.95), "strictly beyond the threshold")
        let below = RegimeEvent(output: "q", direction: .below, threshold: 0.5)
        XCTAssertEqual(below.settledIndex([1, 1, 0.4, 0.1, 0]), 2)
        XCTAssertEqual(below.settledIndex([1, 0.2, 0.7, 0.4][1...]), 2, "a slice counts from its start")
    }
}
