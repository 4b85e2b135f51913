import XCTest
import Micromagnetics

/// The 2D DMI standard problem of Cortes-Ortuno et al., New J. Phys. 20, 113015 (2018): a disk 100 nm wide,
/// 2 nm thick, 2 nm cells, A 13 pJ/m, Ms 0.86 MA/m, Ku 0.4 MJ/m^3 along z, D 3 mJ/m^2, no demag; core up for
/// r < 25 nm, background down; energy minimisation.
///
/// Reference: the paper's supplement (github.com/fangohr/paper-supplement-standard-problem-dmi,
/// notebooks/data/results_2d/): the m_z profile along x through the disk. Interpolating m_z = 0 there gives
/// x = 22.09 nm for mumax3 (same 2 nm discretisation and ghost-cell boundary condition, row next to the
/// centre), 21.87 nm for OOMMF and r = 22.03 nm for the continuum radial ODE solution. mumax3 m_z at
/// x = 1, 11, 19, 25, 35, 49 nm on that line: 0.99974, 0.95989, 0.50960, -0.49788, -0.99295, -0.84366.
final class DMIStandardProblemTests: XCTestCase {
    func disk(interfacial: Bool) throws -> (Mesh, [Double]) {
        let mesh = try Mesh(nx: 50, ny: 50, nz: 1, dx: 2e-9, dy: 2e-9, dz: 2e-9)
        let mat = Material(Msat: 0.86e6, Aex: 13e-12, Ku1: 0.4e6, anisU: SIMD3(0, 0, 1),
                           Dind: interfacial ? 3e-3 : 0, Dbulk: interfacial ? 0 : 3e-3)
        let magnet = try Magnet(mesh: mesh, shape: .disk(diameter: 100e-9), material: mat)
        let system = LLGSystem(magnet: magnet, demag: false)
        var m = magnet.magnetisation { p in SIMD3(0, 0, (p.x * p.x + p.y * p.y).squareRoot() < 25e-9 ? 1 : -1) }
        try system.minimize(&m, torqueTolerance: 1e-5)
        return (mesh, m)
    }

    /// m_z along x in row iy = 25 (y = +1 nm).
    func profile(_ mesh: Mesh, _ m: [Double]) -> [(Double, Double)] {
        (0..<50).map { ix in (mesh.centre(ix, 25, 0).x, m[2 * mesh.cellCount + mesh.index(ix, 25, 0)]) }
    }

    /// First x > 0 where m_z changes sign, by linear interpolation.
    func crossing(_ p: [(Double, Double)]) -> Double? {
        for j in 1..<p.count where p[j - 1].0 > 0 && p[j - 1].1 > 0 && p[j].1 <= 0 {
            return p[j - 1].0 + (p[j].0 - p[j - 1].0) * p[j - 1].1 / (p[j - 1].1 - p[j].1)
        }
        return nil
    }

    func testInterfacialSkyrmionRadiusMatchesPublishedProfiles() throws {
        let (mesh, m) = try disk(interfacial: true)
        let p = profile(mesh, m)
        let x0 = try XCTUnwrap(crossing(p))
        print("DMI standard problem 2D: m_z = 0 at x = \(x0 * 1e9) nm (mumax3 22.09, OOMMF 21.87, continuum 22.03)")
        XCTAssertEqual(x0, 22.09e-9, accuracy: 0.1e-9)
        XCTAssertEqual((x0 * x0 + 1e-18).squareRoot(), 22.03e-9, accuracy: 0.3e-9)
        let mumax: [(Double, Double)] = [(1, 0.99974), (11, 0.95989), (19, 0.50960), (25, -0.49788),
                                          (35, -0.99295), (49, -0.84366)]
        for (x, mz) in mumax {
            let ix = Int((x + 49) / 2)
            XCTAssertEqual(p[ix].0, x * 1e-9, accuracy: 1e-12)
            XCTAssertEqual(p[ix].1, mz, accuracy: 5e-3, "m_z at x = \(x) nm")
        }
    }

    /// With bulk DMI of the same strength the skyrmion is of Bloch type with the same m_z profile (in 2D
    /// without demag the two energies map onto each other by rotating m by 90 degrees about z).
    func testBulkSkyrmionHasTheSameRadius() throws {
        let (mesh, mi) = try disk(interfacial: true)
        let (_, mb) = try disk(interfacial: false)
        let xi = try XCTUnwrap(crossing(profile(mesh, mi))), xb = try XCTUnwrap(crossing(profile(mesh, mb)))
        XCTAssertEqual(xb, xi, accuracy: 1e-3 * xi)
        // Bloch: along +x the in-plane component is azimuthal (m_y), not radial (m_x).
        let n = mesh.cellCount, i = mesh.index(36, 25, 0)
        XCTAssertGreaterThan(abs(mb[n + i]), 10 * abs(mb[i]))
        XCTAssertGreaterThan(abs(mi[i]), 10 * abs(mi[n + i]))
    }
}
