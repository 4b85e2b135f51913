import XCTest
import Micromagnetics
import ODE

/// `LLGSystem.run` stops a run whose |m| leaves 1 before renormalisation (`normTolerance`) instead of
/// renormalising the error away. Reference: undamped precession in a uniform field is linear,
/// dm/dt = -gamma m x B, so one RK4 step of phase theta = gamma B h multiplies |m| by the modulus of
/// RK4's stability polynomial, |R(i theta)| = |1 - theta^2/2 + theta^4/24 + i (theta - theta^3/6)|,
/// = 0.94143 at theta = 1.5 (Hairer and Wanner, Solving ODEs II, section IV.2).
final class NormDriftTests: XCTestCase {
    func precessingCell(tolerance: Double) throws -> (LLGSystem, [Double]) {
        let mesh = try Mesh(nx: 1, ny: 1, nz: 1, dx: 5e-9, dy: 5e-9, dz: 5e-9)
        let magnet = try Magnet(mesh: mesh, material: Material(Msat: 8e5, alpha: 0))
        let b = 1.5 / (Material.gammaLL * 10e-12)          // theta = 1.5 per 10 ps step
        let system = LLGSystem(magnet: magnet, demag: false, externalField: { _ in SIMD3(0, 0, b) })
        system.normTolerance = tolerance
        return (system, magnet.uniform(SIMD3(1, 0, 0)))
    }

    func testDriftBeyondToleranceStopsTheRun() throws {
        let (system, start) = try precessingCell(tolerance: 1e-2)
        var m = start
        let rk4 = ODESolver(method: .rk4, stepping: .fixed(step: 10e-12))
        XCTAssertThrowsError(try system.run(&m, from: 0, to: 50e-12, solver: rk4)) { e in
            guard case let .normDrift(time, cell, position, norm, tolerance)? = e as? MicromagneticsError else {
                return XCTFail("\(e)")
            }
            XCTAssertEqual(time, 10e-12)
            XCTAssertEqual(cell, 0)
            XCTAssertEqual(position, SIMD3(0, 0, 0))
            XCTAssertEqual(norm, 0.94143, accuracy: 1e-5)
            XCTAssertEqual(tolerance, 1e-2)
            XCTAssertTrue("\(e)".hasPrefix("the integration diverged at t = 1e-11 s: m in cell (0, 0, 0) drifted to |m| = 0.9414"))
        }
    }

    /// The same run with a tolerance above the drift completes, renormalised after every segment.
    func testDriftWithinToleranceIsRenormalised() throws {
        let (system, start) = try precessingCell(tolerance: 0.1)
        var m = start
        let rk4 = ODESolver(method: .rk4, stepping: .fixed(step: 10e-12))
        try system.run(&m, from: 0, to: 50e-12, solver: rk4)
        XCTAssertEqual((m[0] * m[0] + m[1] * m[1] + m[2] * m[2]).squareRoot(), 1, accuracy: 1e-15)
    }
}
