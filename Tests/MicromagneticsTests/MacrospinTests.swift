import XCTest
import Micromagnetics
import ODE

/// Damped precession of a single cell in a constant field along z, against the analytic solution
/// (REFERENCES.md, macrospin): beta = gamma B t / (1 + alpha^2), m = (cos beta / cosh(alpha beta),
/// sin beta / cosh(alpha beta), tanh(alpha beta)) from m = (1, 0, 0).
final class MacrospinTests: XCTestCase {
    func testDampedPrecessionMatchesAnalyticSolution() throws {
        let mesh = try Mesh(nx: 1, ny: 1, nz: 1, dx: 5e-9, dy: 5e-9, dz: 5e-9)
        let alpha = 0.1, bz = 0.1
        let magnet = try Magnet(mesh: mesh, material: Material(Msat: 8e5, alpha: alpha))
        let system = LLGSystem(magnet: magnet, demag: false, externalField: { _ in SIMD3(0, 0, bz) })
        let m = magnet.uniform(SIMD3(1, 0, 0))
        let gamma = Material.gammaLL
        // Through the ODE engine: Dormand-Prince 5(4) (default method) and fixed-step RK4.
        let times = (1...8).map { Double($0) * 0.125e-9 }
        for solver in [ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: 1e-10, atol: 1e-10)),
                       ODESolver(method: .rk4, stepping: .fixed(step: 0.1e-12))] {
            var state = m
            var seen = 0
            var worst = 0.0
            defer { print("macrospin damped precession (\(solver.method.name)): worst |m - analytic| \(worst)") }
            try system.run(&state, from: 0, to: 1e-9, solver: solver, sampleTimes: times) { t, y in
                let beta = gamma * bz * t / (1 + alpha * alpha)
                worst = max(worst, abs(y[0] - cos(beta) / cosh(alpha * beta)), abs(y[1] - sin(beta) / cosh(alpha * beta)),
                            abs(y[2] - tanh(alpha * beta)))
                XCTAssertEqual(y[0], cos(beta) / cosh(alpha * beta), accuracy: 1e-6)
                XCTAssertEqual(y[1], sin(beta) / cosh(alpha * beta), accuracy: 1e-6)
                XCTAssertEqual(y[2], tanh(alpha * beta), accuracy: 1e-6)
                seen += 1
            }
            XCTAssertEqual(seen, 8)
        }
    }

    /// The Zeeman energy -Ms V B . m and the uniaxial anisotropy energy -Ku V (m . u)^2 of one cell.
    func testSingleCellEnergies() throws {
        let mesh = try Mesh(nx: 1, ny: 1, nz: 1, dx: 2e-9, dy: 3e-9, dz: 4e-9)
        let mat = Material(Msat: 1e6, Ku1: 5e5, anisU: SIMD3(0, 0, 1))
        let magnet = try Magnet(mesh: mesh, material: mat)
        let system = LLGSystem(magnet: magnet, demag: false, externalField: { _ in SIMD3(0.1, 0, 0.2) })
        let theta = 0.3
        let m = magnet.uniform(SIMD3(sin(theta), 0, cos(theta)))
        let e = system.energies(m: m)
        let v = mesh.cellVolume
        let zeeman = e.terms.first { $0.0 == "Zeeman" }!.1
        let anis = e.terms.first { $0.0 == "anisotropy" }!.1
        XCTAssertEqual(zeeman, -1e6 * v * (0.1 * sin(theta) + 0.2 * cos(theta)), accuracy: 1e-12 * abs(zeeman))
        XCTAssertEqual(anis, -5e5 * v * cos(theta) * cos(theta), accuracy: 1e-12 * abs(anis))
    }
}

#if canImport(Glibc)
import Glibc
#endif
