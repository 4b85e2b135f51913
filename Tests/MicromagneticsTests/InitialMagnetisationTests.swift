import Micromagnetics
import XCTest

/// Initial states against the formulas they reproduce.
final class InitialMagnetisationTests: XCTestCase {
    /// mumax3's NeelSkyrmion(1, -1) on an 8 x 8 x 1 mesh of 2 nm cells (w = 8 dx = 16 nm): cell centres at
    /// dx (i - 3.5); expected values from mz = 2 pol (exp(-r^2/w^2) - 1/2), m_xy = charge (x, y)/r (1 - |mz|),
    /// normalised (evaluated by hand in double precision with Python's math module).
    func testMumaxNeelSkyrmionProfile() throws {
        let mesh = try Mesh(nx: 8, ny: 8, nz: 1, dx: 2e-9, dy: 2e-9, dz: 1e-9)
        let magnet = try Magnet(mesh: mesh, material: Material(Msat: 580e3))
        let m = magnet.mumaxNeelSkyrmion(charge: 1, polarisation: -1, background: SIMD3(0, 0, 1))
        let n = mesh.cellCount
        func at(_ ix: Int, _ iy: Int) -> SIMD3<Double> {
            let i = mesh.index(ix, iy, 0)
            return SIMD3(m[i], m[n + i], m[2 * n + i])
        }
        let expected: [(Int, Int, SIMD3<Double>)] = [
            (4, 3, SIMD3(0.011178099352415339, -0.011178099352415339, -0.9998750422876527)),
            (6, 1, SIMD3(0.34077506209601344, -0.34077506209601344, -0.8762104279834362)),
            (0, 0, SIMD3(-0.6137804366857693, -0.6137804366857693, -0.4965351458695072)),
        ]
        for (ix, iy, v) in expected {
            let got = at(ix, iy)
            for c in 0..<3 { XCTAssertEqual(got[c], v[c], accuracy: 1e-15, "cell (\(ix), \(iy)) component \(c)") }
        }
        // Charge -1 mirrors the in-plane part; pol +1 flips m_z.
        let flipped = magnet.mumaxNeelSkyrmion(charge: -1, polarisation: 1, background: SIMD3(0, 0, -1))
        let i = mesh.index(6, 1, 0)
        XCTAssertEqual(flipped[i], -m[i], accuracy: 1e-15)
        XCTAssertEqual(flipped[2 * n + i], -m[2 * n + i], accuracy: 1e-15)
    }

    /// The core cell of an odd mesh (r = 0) is (0, 0, pol) as mumax3's noNaN; `diameter` sets the profile
    /// only inside circle(D) (x^2 + y^2 <= D^2 / 4) and the background elsewhere; `centre` translates both.
    func testMumaxNeelSkyrmionCoreCircleAndTranslation() throws {
        let mesh = try Mesh(nx: 9, ny: 9, nz: 1, dx: 2e-9, dy: 2e-9, dz: 1e-9)
        let magnet = try Magnet(mesh: mesh, material: Material(Msat: 580e3))
        let n = mesh.cellCount
        let m = magnet.mumaxNeelSkyrmion(charge: 1, polarisation: -1, diameter: 8.5e-9, background: SIMD3(1, 0, 0))
        let core = mesh.index(4, 4, 0)
        XCTAssertEqual([m[core], m[n + core], m[2 * n + core]], [0, 0, -1])
        // (6, 4): r = 4 nm, inside D/2 = 4.25 nm; (7, 4): r = 6 nm, outside; (6, 6): r = 5.66 nm, outside.
        XCTAssertNotEqual(m[2 * n + mesh.index(6, 4, 0)], 0)
        for (ix, iy) in [(7, 4), (6, 6), (0, 0)] {
            let i = mesh.index(ix, iy, 0)
            XCTAssertEqual([m[i], m[n + i], m[2 * n + i]], [1, 0, 0], "cell (\(ix), \(iy))")
        }
        // Translated by one cell along x: the core moves to (5, 4).
        let shifted = magnet.mumaxNeelSkyrmion(charge: 1, polarisation: -1, centre: SIMD2(2e-9, 0), background: SIMD3(0, 0, 1))
        let moved = mesh.index(5, 4, 0)
        XCTAssertEqual([shifted[moved], shifted[n + moved], shifted[2 * n + moved]], [0, 0, -1])
        let unshifted = magnet.mumaxNeelSkyrmion(charge: 1, polarisation: -1, background: SIMD3(0, 0, 1))
        XCTAssertEqual(shifted[2 * n + mesh.index(6, 2, 0)], unshifted[2 * n + mesh.index(5, 2, 0)], accuracy: 1e-15)
    }
}
