import XCTest
import Micromagnetics

final class GeometryTests: XCTestCase {
    /// Cell counts of shapes on a 1 nm grid against their areas (a disk of diameter 80 nm has pi 40^2 = 5026.5
    /// cells up to the staircase error ~ perimeter / 2 cells), and set algebra.
    func testShapesAndRegions() throws {
        let mesh = try Mesh(nx: 100, ny: 100, nz: 1, dx: 1e-9, dy: 1e-9, dz: 1e-9)
        let mat = Material(Msat: 5.8e5, Aex: 15e-12)
        let disk = try Magnet(mesh: mesh, shape: .disk(diameter: 80e-9), material: mat)
        XCTAssertEqual(Double(disk.magneticCellCount), Double.pi * 1600, accuracy: 40)
        let ring = try Magnet(mesh: mesh, shape: .disk(diameter: 80e-9).sub(.disk(diameter: 40e-9)), material: mat)
        XCTAssertEqual(Double(ring.magneticCellCount), Double.pi * (1600 - 400), accuracy: 60)
        let union = try Magnet(mesh: mesh, shape: .rectangle(20e-9, 100e-9).add(.rectangle(100e-9, 20e-9)), material: mat)
        XCTAssertEqual(union.magneticCellCount, 2000 + 2000 - 400)
        let cyl = try Magnet(mesh: try Mesh(nx: 20, ny: 20, nz: 10, dx: 1e-9, dy: 1e-9, dz: 1e-9),
                             shape: .cylinder(diameter: 20e-9, height: 5e-9), material: mat)
        XCTAssertEqual(cyl.magneticCellCount % 5, 0)
        var two = disk
        try two.setRegion(1, shape: .disk(diameter: 20e-9).translated(10e-9, 0), material: Material(Msat: 1e6))
        let p = two.cellParameters()
        XCTAssertEqual(p.Msat[mesh.index(60, 50, 0)], 1e6)
        XCTAssertEqual(p.Msat[mesh.index(30, 50, 0)], 5.8e5)
        XCTAssertEqual(p.Msat[mesh.index(0, 0, 0)], 0)
        let system = LLGSystem(magnet: two, demag: false)
        let m = two.magnetisation { r in r.x > 10e-9 ? SIMD3(0, 0, 1) : SIMD3(1, 0, 0) }
        XCTAssertEqual(system.averageMagnetisation(m, region: 1).z, 0.5, accuracy: 0.05)
        XCTAssertThrowsError(try Magnet(mesh: mesh, shape: .disk(diameter: 80e-9).translated(1, 1), material: mat))
        XCTAssertThrowsError(try Magnet(mesh: mesh, material: Material(Msat: -1)))
    }

    /// Voronoi grains: reproducible from the seed, about (L / grainSize)^2 grains, Gaussian spread of Ku with
    /// the requested relative width, axes tilted by at most maxTilt (the paper's 10 nm grains, 20 %, 0.2).
    func testVoronoiGrainStatistics() throws {
        let mesh = try Mesh(nx: 200, ny: 200, nz: 1, dx: 1e-9, dy: 1e-9, dz: 1e-9)
        let mat = Material(Msat: 5.8e5, Aex: 15e-12, Ku1: 0.8e6, anisU: SIMD3(0, 0, 1), Dind: 3.5e-3)
        var magnet = try Magnet(mesh: mesh, material: mat)
        magnet.grains = VoronoiGrains(grainSize: 10e-9, kuSpread: 0.2, dSpread: 0.2, maxTilt: 0.2, seed: 42)
        let p = magnet.cellParameters(), q = magnet.cellParameters()
        XCTAssertEqual(p.Ku1, q.Ku1)
        let grain = magnet.grains!.grainIndex(mesh: mesh)
        let ids = Set(grain)
        XCTAssertEqual(ids.count, 400)
        var kuOfGrain = [Int: Double](), dOfGrain = [Int: Double]()
        for i in 0..<mesh.cellCount {
            // One value per grain.
            if let k = kuOfGrain[grain[i]] { XCTAssertEqual(k, p.Ku1[i]) }
            kuOfGrain[grain[i]] = p.Ku1[i]
            dOfGrain[grain[i]] = p.Dind[i]
            XCTAssertLessThanOrEqual(acos(min(1, p.anisU[i].z)), 0.2 + 1e-12)
            XCTAssertEqual((p.anisU[i] * p.anisU[i]).sum(), 1, accuracy: 1e-12)
        }
        for f in [kuOfGrain.values.map { $0 / 0.8e6 }, dOfGrain.values.map { $0 / 3.5e-3 }] {
            let mean = f.reduce(0, +) / Double(f.count)
            let sd = (f.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(f.count - 1)).squareRoot()
            // 400 grains: standard errors 0.01 (mean) and 0.007 (sd).
            XCTAssertEqual(mean, 1, accuracy: 0.04)
            XCTAssertEqual(sd, 0.2, accuracy: 0.03)
        }
        var other = magnet
        other.grains!.seed = 43
        XCTAssertNotEqual(other.cellParameters().Ku1, p.Ku1)
    }

    /// Voltage-controlled anisotropy: Ku(t) = Ku + deltaKu(t) enters the field 2 Ku(t)/Ms (m.u) u.
    func testTimeDependentAnisotropy() throws {
        let mesh = try Mesh(nx: 1, ny: 1, nz: 1, dx: 1e-9, dy: 1e-9, dz: 1e-9)
        let magnet = try Magnet(mesh: mesh, material: Material(Msat: 5.8e5, Ku1: 0.8e6, anisU: SIMD3(0, 0, 1)))
        let term = UniaxialAnisotropy(mesh: mesh, parameters: magnet.cellParameters(),
                                      deltaKu: { t in 0.1e6 * sin(2 * Double.pi * 4e9 * t) })
        let m = magnet.uniform(SIMD3(0.6, 0, 0.8))
        for t in [0.0, 62.5e-12, 187.5e-12] {
            var b = [Double](repeating: 0, count: 3)
            term.addField(t: t, m: m, into: &b)
            let ku = 0.8e6 + 0.1e6 * sin(2 * Double.pi * 4e9 * t)
            XCTAssertEqual(b[2], 2 * ku / 5.8e5 * 0.8, accuracy: 1e-12)
            XCTAssertEqual(b[0], 0, accuracy: 1e-15)
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Seeded skyrmion states: core and background orientation, radial (Neel) in-plane component, m_z = 0 on
/// the circle of the given radius.
final class InitialStateTests: XCTestCase {
    func testNeelSkyrmionSeeds() throws {
        let mesh = try Mesh(nx: 120, ny: 120, nz: 1, dx: 1e-9, dy: 1e-9, dz: 1e-9)
        let magnet = try Magnet(mesh: mesh, shape: .disk(diameter: 120e-9), material: Material(Msat: 5.8e5))
        let n = mesh.cellCount
        let one = magnet.neelSkyrmion(radius: 20e-9, wallWidth: 3e-9, core: -1)
        let c = mesh.index(60, 60, 0)
        XCTAssertLessThan(one[2 * n + c], -0.99)
        XCTAssertGreaterThan(one[2 * n + mesh.index(60, 110, 0)], 0.99)
        // On the ring r = 19.5...20.5 nm along +x: m_z ~ 0, in-plane radial.
        let ring = mesh.index(80, 60, 0)   // centre at x = 20.5 nm, y = 0.5 nm
        XCTAssertEqual(one[2 * n + ring], 0, accuracy: 0.2)
        XCTAssertGreaterThan(one[ring], 0.9)
        let centres = [SIMD2(30e-9, 0), SIMD2(-30e-9, 0), SIMD2(0, 30e-9), SIMD2(0, -30e-9)]
        let four = magnet.neelSkyrmions(centres: centres, radius: 10e-9, wallWidth: 2e-9, core: -1)
        for (ix, iy) in [(90, 60), (29, 60), (60, 90), (60, 29)] {
            XCTAssertLessThan(four[2 * n + mesh.index(ix, iy, 0)], -0.95)
        }
        XCTAssertGreaterThan(four[2 * n + c], 0.95)
    }
}
