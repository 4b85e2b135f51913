import Micromagnetics
import XCTest

/// The topological charge (Berg-Luescher lattice form, as mumax3's ext_topologicalchargelattice) and the
/// skyrmion core size against exact values: 0 for a uniform state, an integer for a texture that is
/// uniform along the border, and a relaxed skyrmion of the DMI standard problem.
final class TopologicalChargeTests: XCTestCase {
    func testUniformStateHasNoChargeAndNoCore() throws {
        let mesh = try Mesh(nx: 12, ny: 10, nz: 2, dx: 2e-9, dy: 2e-9, dz: 1e-9)
        let magnet = try Magnet(mesh: mesh, shape: .disk(diameter: 20e-9), material: Material(Msat: 580e3))
        let system = LLGSystem(magnet: magnet, demag: false)
        let m = magnet.magnetisation { _ in SIMD3(0.6, 0, 0.8) }
        XCTAssertEqual(system.topologicalCharge(m), 0)
        XCTAssertEqual(system.skyrmionCoreArea(m), 0)
        XCTAssertEqual(system.skyrmionRadius(m), 0)
    }

    /// mumax3's NeelSkyrmion profile (w = 8 cells) on 96 x 96 cells: m_z is within 3e-16 of the background
    /// along the border, so the lattice charge is the winding number up to round-off: -1 for the core down
    /// in a +z background, whichever the in-plane chirality (charge = +-1), +1 with the core up in -z. The
    /// same profile on 3 identical layers gives the same Q (the layer average). m_z < 0 inside r = w sqrt(ln 2).
    func testSkyrmionProfileHasUnitChargeOfThePolaritysSign() throws {
        for layers in [1, 3] {
            let mesh = try Mesh(nx: 96, ny: 96, nz: layers, dx: 1e-9, dy: 1e-9, dz: 1e-9)
            let magnet = try Magnet(mesh: mesh, material: Material(Msat: 580e3))
            let system = LLGSystem(magnet: magnet, demag: false)
            let down = magnet.mumaxNeelSkyrmion(charge: 1, polarisation: -1, background: SIMD3(0, 0, 1))
            let inward = magnet.mumaxNeelSkyrmion(charge: -1, polarisation: -1, background: SIMD3(0, 0, 1))
            let up = magnet.mumaxNeelSkyrmion(charge: 1, polarisation: 1, background: SIMD3(0, 0, -1))
            XCTAssertEqual(system.topologicalCharge(down), -1, accuracy: 1e-9, "\(layers) layers")
            XCTAssertEqual(system.topologicalCharge(inward), -1, accuracy: 1e-9)
            XCTAssertEqual(system.topologicalCharge(up), 1, accuracy: 1e-9)
            // Cells with r^2 < w^2 ln 2 (w = 8 nm) are reversed: count them on the cell-centre grid.
            var inside = 0
            for iy in 0..<96 { for ix in 0..<96 {
                let c = mesh.centre(ix, iy, 0)
                if c.x * c.x + c.y * c.y < 64e-18 * log(2) { inside += 1 }
            } }
            XCTAssertEqual(system.skyrmionCoreArea(down), Double(inside) * 1e-18, accuracy: 1e-30)
            XCTAssertEqual(system.skyrmionRadius(down), 8e-9 * log(2).squareRoot(), accuracy: 0.3e-9)
        }
    }

    /// The relaxed skyrmion of the 2D DMI standard problem (Cortes-Ortuno et al., New J. Phys. 20, 113015
    /// (2018): 100 nm disk, 2 nm cells, core up, background down, m_z = 0 at r = 22.09 nm in mumax3). The
    /// DMI tilts m at the disk's rim (m_z = -0.84 there in mumax3's profile), and the rim's tilt is a band of
    /// solid angle that the lattice sum counts as well: for an axisymmetric state Q = (m_z(0) - m_z(R)) / 2,
    /// here about 0.92, and the relaxed uniform state carries the rim's band alone, about -0.08. The
    /// skyrmion's own charge, the difference, is 1 to within 2 %; the core's equivalent radius is the
    /// m_z = 0 crossing to within a cell.
    func testRelaxedSkyrmionOfTheDMIStandardProblem() throws {
        let mesh = try Mesh(nx: 50, ny: 50, nz: 1, dx: 2e-9, dy: 2e-9, dz: 2e-9)
        let material = Material(Msat: 0.86e6, Aex: 13e-12, Ku1: 0.4e6, anisU: SIMD3(0, 0, 1), Dind: 3e-3)
        let magnet = try Magnet(mesh: mesh, shape: .disk(diameter: 100e-9), material: material)
        let system = LLGSystem(magnet: magnet, demag: false)
        var m = magnet.magnetisation { p in SIMD3(0, 0, (p.x * p.x + p.y * p.y).squareRoot() < 25e-9 ? 1 : -1) }
        try system.minimize(&m, torqueTolerance: 1e-5)
        var uniform = magnet.magnetisation { _ in SIMD3(0, 0, -1) }
        try system.minimize(&uniform, torqueTolerance: 1e-5)
        let q = system.topologicalCharge(m), background = system.topologicalCharge(uniform), r = system.skyrmionRadius(m)
        let n = mesh.cellCount, rim = m[2 * n + mesh.index(49, 25, 0)], centre = m[2 * n + mesh.index(25, 25, 0)]
        print("DMI standard problem 2D: Q = \(q), relaxed uniform state \(background), core radius \(r * 1e9) nm")
        XCTAssertEqual(q, (centre - rim) / 2, accuracy: 0.02)
        XCTAssertEqual(q - background, 1, accuracy: 0.02)
        XCTAssertEqual(system.skyrmionCoreArea(uniform), 0)
        XCTAssertEqual(r, 22.09e-9, accuracy: 2e-9)
    }
}
