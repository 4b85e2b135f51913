import XCTest
import Micromagnetics
import Numerics

/// Each field must be the negative gradient of its own energy, B_i = -(1/(Ms_i V)) dE/dm_i (the
/// effective-field definition, e.g. mumax3 and Brown). Checked by central finite differences of the
/// term's energy along random directions on a random state in a disk with free surfaces (where the
/// DMI ghost cells act) and two regions (harmonic-mean couplings).
final class FieldGradientTests: XCTestCase {
    func check(_ make: (Mesh, CellParameters) -> FieldTerm, quadratic: Bool, file: StaticString = #filePath,
               line: UInt = #line) throws {
        let mesh = try Mesh(nx: 12, ny: 10, nz: 2, dx: 2e-9, dy: 2.5e-9, dz: 1.5e-9)
        let a = Material(Msat: 8e5, Aex: 13e-12, Ku1: 3e5, anisU: SIMD3(0.3, 0.2, 1), Kc1: 2e5,
                         anisC1: SIMD3(1, 0.1, 0), anisC2: SIMD3(0, 1, 0.2), Dind: 2e-3, Dbulk: 1.5e-3)
        var b = a
        b.Msat = 5e5; b.Aex = 8e-12; b.Dind = 3e-3; b.Dbulk = 2.5e-3
        var magnet = try Magnet(mesh: mesh, shape: .disk(diameter: 22e-9), material: a)
        try magnet.setRegion(1, shape: .disk(diameter: 10e-9).translated(4e-9, 0), material: b)
        let p = magnet.cellParameters()
        let term = make(mesh, p)
        let system = LLGSystem(magnet: magnet, terms: [term])
        var rng = SeededRandom(seed: 3)
        let m = magnet.magnetisation { _ in SIMD3(rng.normal(), rng.normal(), rng.normal()) }
        let n = mesh.cellCount
        var field = [Double](repeating: 0, count: 3 * n)
        term.addField(t: 0, m: m, into: &field)
        let v = mesh.cellVolume
        for _ in 0..<4 {
            var dir = [Double](repeating: 0, count: 3 * n)
            for i in 0..<n where p.Msat[i] > 0 { for c in 0..<3 { dir[c * n + i] = rng.normal() } }
            // dE/ds along m + s dir: -sum Ms V B . dir.
            var predicted = 0.0
            for i in 0..<n { for c in 0..<3 { predicted -= p.Msat[i] * v * field[c * n + i] * dir[c * n + i] } }
            let h = 1e-4
            let plus = zip(m, dir).map { $0 + h * $1 }, minus = zip(m, dir).map { $0 - h * $1 }
            let numeric = (system.energy(of: term, m: plus) - system.energy(of: term, m: minus)) / (2 * h)
            // Energies are evaluated through the term's own energy factor, exact for |m| != 1 only for
            // quadratic terms; the cubic term is checked through its closed-form energy below instead.
            if quadratic {
                XCTAssertEqual(numeric, predicted, accuracy: 1e-6 * abs(predicted), "\(term.name)", file: file, line: line)
            }
        }
    }

    func testExchange() throws { try check({ Exchange(mesh: $0, parameters: $1) }, quadratic: true) }
    func testUniaxialAnisotropy() throws { try check({ UniaxialAnisotropy(mesh: $0, parameters: $1) }, quadratic: true) }
    func testInterfacialDMI() throws { try check({ InterfacialDMI(mesh: $0, parameters: $1) }, quadratic: true) }
    func testBulkDMI() throws { try check({ BulkDMI(mesh: $0, parameters: $1) }, quadratic: true) }
    func testDemag() throws { try check({ Demag(mesh: $0, parameters: $1) }, quadratic: true) }

    /// Cubic anisotropy: B = -(1/Ms) grad_m [Kc1 (a1^2 a2^2 + a2^2 a3^2 + a3^2 a1^2)], a_k = m . c_k, checked
    /// against the closed-form energy density; and m along [111] has energy density Kc1 / 3.
    func testCubicAnisotropy() throws {
        let mesh = try Mesh(nx: 1, ny: 1, nz: 1, dx: 2e-9, dy: 2e-9, dz: 2e-9)
        let kc = 4.5e5, ms = 1e6
        let magnet = try Magnet(mesh: mesh, material: Material(Msat: ms, Kc1: kc))
        let term = CubicAnisotropy(mesh: mesh, parameters: magnet.cellParameters())
        let system = LLGSystem(magnet: magnet, terms: [term])
        let m111 = magnet.uniform(SIMD3(1, 1, 1))
        XCTAssertEqual(system.energy(of: term, m: m111), kc / 3 * mesh.cellVolume, accuracy: 1e-12 * kc * mesh.cellVolume)
        func density(_ m: SIMD3<Double>) -> Double {
            kc * (m.x * m.x * m.y * m.y + m.y * m.y * m.z * m.z + m.z * m.z * m.x * m.x)
        }
        let m0 = SIMD3(0.3, -0.5, 0.81)
        var b = [Double](repeating: 0, count: 3)
        term.addField(t: 0, m: [m0.x, m0.y, m0.z], into: &b)
        let h = 1e-6
        for c in 0..<3 {
            var e = SIMD3<Double>.zero
            e[c] = h
            let grad = (density(m0 + e) - density(m0 - e)) / (2 * h)
            XCTAssertEqual(b[c], -grad / ms, accuracy: 1e-8 * abs(kc / ms))
        }
    }
}
