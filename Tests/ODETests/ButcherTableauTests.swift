import XCTest
import ODE

/// The invariants every tableau must satisfy (HNW I, II.1: order conditions of order 1 and the
/// row-sum simplifying assumption), FSAL derivation, and rejection of invalid tableaus.
final class ButcherTableauTests: XCTestCase {
    let all: [ButcherTableau] = [.euler, .midpoint, .rk4, .bogackiShampine32, .dormandPrince54, .tsitouras54]

    func testInvariantsAndFSAL() {
        for tab in all {
            XCTAssertEqual(tab.b.reduce(0, +), 1, accuracy: 1e-14, tab.name)
            for i in 0..<tab.stageCount {
                XCTAssertEqual(tab.a[i].reduce(0, +), tab.c[i], accuracy: 1e-14, tab.name)
            }
            if let e = tab.errorWeights { XCTAssertEqual(e.reduce(0, +), 0, accuracy: 1e-14, tab.name) }
        }
        XCTAssertEqual(all.map(\.isFSAL), [false, false, false, true, true, true])
        XCTAssertEqual(all.map(\.order), [1, 2, 4, 3, 5, 5])
        XCTAssertEqual(ButcherTableau.dormandPrince54.embeddedOrder, 4)
    }

    /// Second-order condition sum b_i c_i = 1/2 and third-order sum b_i c_i^2 = 1/3 (HNW I, II.2, Table 2.2).
    func testOrderConditions() {
        for tab in all where tab.order >= 2 {
            let bc = zip(tab.b, tab.c).map { $0 * $1 }.reduce(0, +)
            XCTAssertEqual(bc, 0.5, accuracy: 1e-13, tab.name)
        }
        for tab in all where tab.order >= 3 {
            let bc2 = zip(tab.b, tab.c).map { $0 * $1 * $1 }.reduce(0, +)
            XCTAssertEqual(bc2, 1.0 / 3, accuracy: 1e-13, tab.name)
        }
    }

    func testInvalidTableausThrow() {
        // Row sum of a differs from c.
        XCTAssertThrowsError(try ButcherTableau(name: "bad c", citation: "", a: [[0, 0], [0.4, 0]], b: [0, 1],
                                                c: [0, 0.5], order: 2))
        // Weights do not sum to 1.
        XCTAssertThrowsError(try ButcherTableau(name: "bad b", citation: "", a: [[0, 0], [0.5, 0]], b: [0.5, 0.6],
                                                c: [0, 0.5], order: 2))
        // Implicit (diagonal entry).
        XCTAssertThrowsError(try ButcherTableau(name: "implicit", citation: "", a: [[0.5, 0], [0.5, 0]], b: [0, 1],
                                                c: [0.5, 0.5], order: 2))
        // Embedded weights that do not sum to 1 give error weights that do not sum to 0.
        XCTAssertThrowsError(try ButcherTableau(name: "bad bhat", citation: "", a: [[0, 0], [1, 0]], b: [0.5, 0.5],
                                                c: [0, 1], embeddedWeights: [1, 0.1], order: 2, embeddedOrder: 1))
        // A valid Heun-Euler 2(1) pair is accepted.
        XCTAssertNoThrow(try ButcherTableau(name: "Heun-Euler", citation: "", a: [[0, 0], [1, 0]], b: [0.5, 0.5],
                                            c: [0, 1], embeddedWeights: [1, 0], order: 2, embeddedOrder: 1))
    }
}
