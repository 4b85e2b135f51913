import Reservoir
import XCTest

final class NARMA10Tests: XCTestCase {
    /// The recursion as written (Atiya and Parlos 2000), recomputed term by term with the ten-term sum spelled out.
    func testRecursion() throws {
        let u = NARMA10.inputs(count: 300, seed: 4)
        XCTAssertTrue(u.allSatisfy { $0 >= 0 && $0 < 0.5 })
        let y = try NARMA10.outputs(inputs: u)
        XCTAssertEqual(y.count, 301)
        XCTAssertEqual(Array(y[0...9]), [Double](repeating: 0, count: 10))
        XCTAssertEqual(y[10], 1.5 * u[0] * u[9] + 0.1, accuracy: 1e-15)
        for t in [10, 57, 123, 299] {
            let s = y[t] + y[t - 1] + y[t - 2] + y[t - 3] + y[t - 4] + y[t - 5] + y[t - 6] + y[t - 7] + y[t - 8] + y[t - 9]
            XCTAssertEqual(y[t + 1], 0.3 * y[t] + 0.05 * y[t] * s + 1.5 * u[t - 9] * u[t] + 0.1, accuracy: 1e-14)
        }
        // With u in [0, 0.5] the output stays bounded (here within (0, 1)).
        XCTAssertTrue(y[11...].allSatisfy { $0 > 0 && $0 < 1 })
    }

    /// Inputs large enough to blow the recursion up are reported, not trapped.
    func testDivergenceIsAnError() {
        XCTAssertThrowsError(try NARMA10.outputs(inputs: [Double](repeating: 3, count: 200)))
    }
}
