import XCTest
import Micromagnetics

/// Exchange energy of a discrete spiral m = (cos kx, sin kx, 0): each interior cell has energy density
/// (2A/dx^2)(1 - cos k dx) exactly for the six-neighbour stencil (-> A k^2 as dx -> 0).
final class ExchangeTests: XCTestCase {
    func testSpiralEnergyDensity() throws {
        let mesh = try Mesh(nx: 64, ny: 1, nz: 1, dx: 1e-9, dy: 1e-9, dz: 1e-9)
        let a = 13e-12, k = 2 * Double.pi / 40e-9
        let magnet = try Magnet(mesh: mesh, material: Material(Msat: 8e5, Aex: a))
        let system = LLGSystem(magnet: magnet, demag: false)
        let m = magnet.magnetisation { p in SIMD3(cos(k * p.x), sin(k * p.x), 0) }
        let e = system.energyDensity(of: system.terms[0], m: m)
        let expected = 2 * a / (1e-18) * (1 - cos(k * 1e-9))
        for i in 1..<63 { XCTAssertEqual(e[i], expected, accuracy: 1e-9 * expected) }
        // Free ends: the end cells have one neighbour, half the interior energy.
        XCTAssertEqual(e[0], expected / 2, accuracy: 1e-9 * expected)
        // (k dx)^2 / 12 = 2.1e-3 relative discretisation error against the continuum A k^2.
        XCTAssertEqual(expected, a * k * k, accuracy: 2.5e-3 * a * k * k)
    }
}

#if canImport(Glibc)
import Glibc
#endif
