import XCTest
import Micromagnetics
import ODE

final class SpinTorqueTests: XCTestCase {
    /// Slonczewski torque on a macrospin with Lambda = 1 (epsilon = P/2), epsilon' = 0, p = z, no field:
    /// dm_z/dt = gamma beta epsilon / (1 + alpha^2) (1 - m_z^2) (mumax3 definition, REFERENCES.md), so from
    /// m = x, m_z(t) = tanh(gamma beta epsilon t / (1 + alpha^2)) with beta = hbar J / (e d Ms).
    func testSlonczewskiMacrospinSwitchesAsTanh() throws {
        let d = 2e-9, ms = 8e5, alpha = 0.05, pol = 0.4, j = 1e11
        let mesh = try Mesh(nx: 1, ny: 1, nz: 1, dx: 20e-9, dy: 20e-9, dz: d)
        let magnet = try Magnet(mesh: mesh, material: Material(Msat: ms, alpha: alpha))
        let system = LLGSystem(magnet: magnet, demag: false)
        system.add(SlonczewskiTorque(mesh: mesh, parameters: magnet.cellParameters(), polarizer: SIMD3(0, 0, 1),
                                     polarization: pol, currentDensity: { _ in j }))
        var m = magnet.uniform(SIMD3(1, 0, 0))
        let beta = 1.054571817e-34 * j / (1.602176634e-19 * d * ms)
        let rate = Material.gammaLL * beta * (pol / 2) / (1 + alpha * alpha)
        let times = (1...5).map { Double($0) * 0.2e-9 }
        var mz: [Double] = []
        try system.run(&m, from: 0, to: 1e-9, solver: ODESolver(method: .dormandPrince54,
                                                                 stepping: .adaptive(rtol: 1e-10, atol: 1e-10)),
                       sampleTimes: times) { _, y in mz.append(y[2]) }
        XCTAssertEqual(mz.count, 5)
        for (t, v) in zip(times, mz) { XCTAssertEqual(v, tanh(rate * t), accuracy: 1e-6) }
    }

    /// Zhang-Li torque with xi = alpha translates a relaxed domain wall rigidly at -u,
    /// u = mu_B P J / (e Ms (1 + xi^2)) (mumax3 definition): after 0.3 ns the wall centre has moved by -u t.
    func testZhangLiWithXiEqualAlphaTranslatesWall() throws {
        let a = 30e-12, k = 520e3, ms = 1.4e6, alpha = 0.1, pol = 0.5, j = 1e12
        let mesh = try Mesh(nx: 120, ny: 1, nz: 1, dx: 1e-9, dy: 1e-9, dz: 1e-9)
        let magnet = try Magnet(mesh: mesh, material: Material(Msat: ms, Aex: a, Ku1: k, anisU: SIMD3(0, 0, 1), alpha: alpha))
        let system = LLGSystem(magnet: magnet, demag: false)
        var m = magnet.magnetisation { p in
            let mz = tanh(p.x / 7.6e-9)
            return SIMD3(0, (1 - mz * mz).squareRoot(), mz)
        }
        try system.minimize(&m, torqueTolerance: 1e-6)
        func centre(_ m: [Double]) -> Double {
            for i in 1..<120 where m[240 + i - 1] <= 0 && m[240 + i] > 0 {
                let x0 = mesh.centre(i - 1, 0, 0).x
                return x0 + 1e-9 * (-m[240 + i - 1]) / (m[240 + i] - m[240 + i - 1])
            }
            return .nan
        }
        let x0 = centre(m)
        system.add(ZhangLiTorque(mesh: mesh, parameters: magnet.cellParameters(), polarization: pol, xi: alpha,
                                 currentDensity: { _ in SIMD3(j, 0, 0) }))
        let t = 0.3e-9
        try system.run(&m, from: 0, to: t, solver: ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: 1e-7, atol: 1e-7)))
        let u = 9.2740100783e-24 * pol * j / (1.602176634e-19 * ms * (1 + alpha * alpha))
        let shift = centre(m) - x0
        print("Zhang-Li wall shift \(shift) m, expected \(-u * t) m")
        XCTAssertEqual(shift, -u * t, accuracy: 0.02 * u * t)
    }

    /// A stage's damping override reaches the Slonczewski prefactors: with m = x, p = z, Lambda = 1
    /// (epsilon = P/2) and no field, dm/dt = gamma/(1 + a^2) [(beta eps + a beta eps') z + (beta eps' - a beta eps) y]
    /// (mumax3 definition, REFERENCES.md) with a the override (0.5), not the material alpha (0.02).
    func testSlonczewskiTorqueUsesDampingOverride() throws {
        let d = 2e-9, ms = 8e5, pol = 0.4, j = 1e11, ep = 0.1, a = 0.5
        let mesh = try Mesh(nx: 1, ny: 1, nz: 1, dx: 20e-9, dy: 20e-9, dz: d)
        let magnet = try Magnet(mesh: mesh, material: Material(Msat: ms, alpha: 0.02))
        let system = LLGSystem(magnet: magnet, demag: false)
        system.add(SlonczewskiTorque(mesh: mesh, parameters: magnet.cellParameters(), polarizer: SIMD3(0, 0, 1),
                                     polarization: pol, epsilonPrime: ep, currentDensity: { _ in j }))
        system.dampingOverride = a
        let m = magnet.uniform(SIMD3(1, 0, 0))
        var dm = [Double](repeating: 0, count: 3)
        m.withUnsafeBufferPointer { system.evaluate(t: 0, y: $0.baseAddress!, dydt: &dm) }
        let beta = 1.054571817e-34 * j / (1.602176634e-19 * d * ms), eps = pol / 2
        let g = Material.gammaLL / (1 + a * a)
        XCTAssertEqual(dm[0], 0, accuracy: 1e-9 * g * beta)
        XCTAssertEqual(dm[1], g * (beta * ep - a * beta * eps), accuracy: 1e-12 * g * beta)
        XCTAssertEqual(dm[2], g * (beta * eps + a * beta * ep), accuracy: 1e-12 * g * beta)
        // Clearing the override restores the material alpha.
        system.dampingOverride = nil
        m.withUnsafeBufferPointer { system.evaluate(t: 0, y: $0.baseAddress!, dydt: &dm) }
        let g0 = Material.gammaLL / (1 + 0.02 * 0.02)
        XCTAssertEqual(dm[2], g0 * (beta * eps + 0.02 * beta * ep), accuracy: 1e-12 * g0 * beta)
    }

    /// A damping override set before the Zhang-Li term is added reaches its prefactors: in a 3-cell chain
    /// the middle cell's dm/dt = -1/(1 + a^2) [(1 + xi a) m x (m x h) + (xi - a) m x h], h = u (m_2 - m_0)/(2 dx),
    /// u = mu_B P J / (e Ms (1 + xi^2)) (mumax3 definition), with a = 0.3 the override.
    func testZhangLiTorqueUsesDampingOverride() throws {
        let ms = 8e5, pol = 0.5, j = 1e12, xi = 0.05, a = 0.3, dx = 1e-9
        let mesh = try Mesh(nx: 3, ny: 1, nz: 1, dx: dx, dy: 1e-9, dz: 1e-9)
        let magnet = try Magnet(mesh: mesh, material: Material(Msat: ms, alpha: 0.02))
        let system = LLGSystem(magnet: magnet, demag: false)
        system.dampingOverride = a
        system.add(ZhangLiTorque(mesh: mesh, parameters: magnet.cellParameters(), polarization: pol, xi: xi,
                                 currentDensity: { _ in SIMD3(j, 0, 0) }))
        let angles = [0.0, 0.4, 0.8]
        var m = [Double](repeating: 0, count: 9)
        for (i, th) in angles.enumerated() { m[i] = sin(th); m[6 + i] = cos(th) }
        var dm = [Double](repeating: 0, count: 9)
        m.withUnsafeBufferPointer { system.evaluate(t: 0, y: $0.baseAddress!, dydt: &dm) }
        let u = 9.2740100783e-24 * pol * j / (1.602176634e-19 * ms * (1 + xi * xi))
        let m1 = SIMD3(m[1], m[4], m[7])
        let h = u / (2 * dx) * SIMD3(m[2] - m[0], m[5] - m[3], m[8] - m[6])
        func cross(_ p: SIMD3<Double>, _ q: SIMD3<Double>) -> SIMD3<Double> {
            SIMD3(p.y * q.z - p.z * q.y, p.z * q.x - p.x * q.z, p.x * q.y - p.y * q.x)
        }
        let expected = -1 / (1 + a * a) * ((1 + xi * a) * cross(m1, cross(m1, h)) + (xi - a) * cross(m1, h))
        let scale = (h * h).sum().squareRoot()
        XCTAssertEqual(dm[1], expected.x, accuracy: 1e-12 * scale)
        XCTAssertEqual(dm[4], expected.y, accuracy: 1e-12 * scale)
        XCTAssertEqual(dm[7], expected.z, accuracy: 1e-12 * scale)
    }
}
