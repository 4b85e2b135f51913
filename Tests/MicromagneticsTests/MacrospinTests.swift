import XCTest
import Micromagnetics

/// Damped precession of a single cell in a constant field along z, against the analytic solution
/// (REFERENCES.md, macrospin): beta = gamma B t / (1 + alpha^2), m = (cos beta / cosh(alpha beta),
/// sin beta / cosh(alpha beta), tanh(alpha beta)) from m = (1, 0, 0).
final class MacrospinTests: XCTestCase {
    func testDampedPrecessionMatchesAnalyticSolution() throws {
        let mesh = try Mesh(nx: 1, ny: 1, nz: 1, dx: 5e-9, dy: 5e-9, dz: 5e-9)
        let alpha = 0.1, bz = 0.1
        let magnet = try Magnet(mesh: mesh, material: Material(Msat: 8e5, alpha: alpha))
        let system = LLGSystem(magnet: magnet, demag: false, externalField: { _ in SIMD3(0, 0, bz) })
        var m = magnet.uniform(SIMD3(1, 0, 0))
        let gamma = Material.gammaLL
        var t = 0.0
        for _ in 0..<4 {
            let t1 = t + 0.25e-9
            integrateRK4(system, m: &m, from: t, to: t1, steps: 2500)
            t = t1
            let beta = gamma * bz * t / (1 + alpha * alpha)
            XCTAssertEqual(m[0], cos(beta) / cosh(alpha * beta), accuracy: 1e-6)
            XCTAssertEqual(m[1], sin(beta) / cosh(alpha * beta), accuracy: 1e-6)
            XCTAssertEqual(m[2], tanh(alpha * beta), accuracy: 1e-6)
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
