import XCTest
import Micromagnetics

/// muMAG standard problem 4, field 1 (long validation, a few seconds in release):
/// <m>(1 ns) = (-0.9846, 0.1260, 0.0433) (mumax3, 128 x 32 x 1 cells) within 5e-3 per component, first zero
/// crossing of <m_x> at 0.1385 ns (OOMMF) within 3 ps.
final class StandardProblem4Tests: XCTestCase {
    func testField1Reversal() throws {
        let (magnet, system) = try StandardProblem4.system()
        let clock = Date()
        let s = try StandardProblem4.sState(magnet, system)
        print("SP4 S-state in \(Date().timeIntervalSince(clock)) s")
        let s0 = s.withUnsafeBufferPointer { system.averageMagnetisation($0.baseAddress!) }
        // The S-state: mostly along +x with a small +y tilt.
        XCTAssertGreaterThan(s0.x, 0.95)
        let r = try StandardProblem4.reverse(system, from: s)
        print("SP4 field 1: S-state <m> = \(s0), <m>(1 ns) = \(r.finalM), zero crossing \(r.zeroCrossing ?? -1) s, \(r.statistics)")
        XCTAssertEqual(r.finalM.x, -0.9846, accuracy: 5e-3)
        XCTAssertEqual(r.finalM.y, 0.1260, accuracy: 5e-3)
        XCTAssertEqual(r.finalM.z, 0.0433, accuracy: 5e-3)
        XCTAssertEqual(try XCTUnwrap(r.zeroCrossing), 0.1385e-9, accuracy: 3e-12)
    }
}
