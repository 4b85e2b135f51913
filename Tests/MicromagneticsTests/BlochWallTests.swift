import XCTest
import Micromagnetics

/// A Bloch wall in a uniaxial chain relaxes to m_z(x) = tanh(x / Delta), Delta = sqrt(A / K)
/// (REFERENCES.md; cobalt A = 30 pJ/m, K = 520 kJ/m^3, Delta = 7.60 nm).
final class BlochWallTests: XCTestCase {
    func testMinimisedWallMatchesTanhProfile() throws {
        let a = 30e-12, k = 520e3
        let delta = (a / k).squareRoot()
        XCTAssertEqual(delta, 7.60e-9, accuracy: 0.005e-9)
        let dx = 0.5e-9
        let mesh = try Mesh(nx: 200, ny: 1, nz: 1, dx: dx, dy: 1e-9, dz: 1e-9)
        let cobalt = Material(Msat: 1.4e6, Aex: a, Ku1: k, anisU: SIMD3(0, 0, 1), alpha: 0.5)
        let magnet = try Magnet(mesh: mesh, material: cobalt)
        let system = LLGSystem(magnet: magnet, demag: false)
        // A wall three times too wide, rotating in the yz plane (Bloch; without demag Bloch = Neel in 1D).
        var m = magnet.magnetisation { p in
            let mz = tanh(p.x / (3 * delta))
            return SIMD3(0, (1 - mz * mz).squareRoot(), mz)
        }
        try system.minimize(&m, torqueTolerance: 1e-6)
        // Width from the exact identity integral (1 - m_z^2) dx = 2 Delta.
        var integral = 0.0, worst = 0.0
        for i in 0..<200 {
            let x = mesh.centre(i, 0, 0).x
            integral += (1 - m[400 + i] * m[400 + i]) * dx
            worst = max(worst, abs(m[400 + i] - tanh(x / delta)))
            XCTAssertEqual(m[i], 0, accuracy: 1e-9)
        }
        print("Bloch wall: width \(integral / 2) m vs sqrt(A/K) = \(delta) m (relative \((integral / 2 - delta) / delta)), worst |m_z - tanh| \(worst)")
        // Discretisation error of the width is about (dx / Delta)^2 / 12 = 3.6e-4 relative.
        XCTAssertEqual(integral / 2, delta, accuracy: 2e-3 * delta)
        XCTAssertLessThan(worst, 2e-3)
    }
}

#if canImport(Glibc)
import Glibc
#endif
