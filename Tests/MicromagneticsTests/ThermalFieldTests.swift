import XCTest
import Micromagnetics
import ODE

/// Thermal equilibrium of independent macrospins in a field B along z (Brown's thermal field, mumax3
/// definition, integrated by Heun): the Boltzmann distribution gives <m_z> = L(x) = coth x - 1/x,
/// x = Ms V B / (kB T) (Langevin). 1600 uncoupled cells, 2 ns to equilibrate, then averaged over 6 ns.
final class ThermalFieldTests: XCTestCase {
    func testMacrospinsReachLangevinMagnetisation() throws {
        let ms = 8e5, b = 0.05, temperature = 10.0
        let mesh = try Mesh(nx: 40, ny: 40, nz: 1, dx: 2e-9, dy: 2e-9, dz: 2e-9)
        let magnet = try Magnet(mesh: mesh, material: Material(Msat: ms, alpha: 0.1))
        let system = LLGSystem(magnet: magnet, demag: false, externalField: { _ in SIMD3(0, 0, b) })
        system.add(ThermalField(mesh: mesh, parameters: magnet.cellParameters(), temperature: temperature, seed: 7))
        var m = magnet.uniform(SIMD3(0, 0, 1))
        let dt = 1e-12
        let heun = ODESolver(method: LLGSystem.heun, stepping: .fixed(step: dt))
        try system.run(&m, from: 0, to: 2e-9, solver: heun)
        let samples = (1...600).map { 2e-9 + Double($0) * 10e-12 }
        var sum = 0.0
        try system.run(&m, from: 2e-9, to: 8e-9, solver: heun, sampleTimes: samples) { _, y in
            sum += system.averageMagnetisation(y).z
        }
        let x = ms * mesh.cellVolume * b / (1.380649e-23 * temperature)
        let langevin = 1 / tanh(x) - 1 / x
        print("thermal macrospins: <m_z> = \(sum / Double(samples.count)), Langevin \(langevin)")
        // Statistical error about 0.003 (correlation time ~ 1/(alpha gamma B) = 1.1 ns).
        XCTAssertEqual(sum / Double(samples.count), langevin, accuracy: 0.015)
    }

    /// A damping override reaches the thermal field: its variance per component is
    /// 2 alpha kB T / (gamma Ms V dt) (Brown; mumax3 temperature.go) with alpha the override (0.5), not the
    /// material alpha (0.02, 25 times smaller). 3 x 10^4 samples: relative standard error of the sample
    /// variance sqrt(2/N) = 0.8 %; tolerance 4 % (5 sigma).
    func testThermalVarianceUsesDampingOverride() throws {
        let ms = 8e5, temperature = 300.0, dt = 1e-13, a = 0.5
        let mesh = try Mesh(nx: 100, ny: 100, nz: 1, dx: 2e-9, dy: 2e-9, dz: 2e-9)
        let magnet = try Magnet(mesh: mesh, material: Material(Msat: ms, alpha: 0.02))
        let system = LLGSystem(magnet: magnet, terms: [])
        let thermal = ThermalField(mesh: mesh, parameters: magnet.cellParameters(), temperature: temperature, seed: 11)
        system.add(thermal)
        system.dampingOverride = a
        thermal.refresh(step: dt)
        let m = magnet.uniform(SIMD3(0, 0, 1))
        m.withUnsafeBufferPointer { system.computeField(t: 0, m: $0.baseAddress!) }
        let b = system.field
        var sum2 = 0.0
        for k in 0..<m.count { sum2 += b[k] * b[k] }
        let variance = sum2 / Double(m.count)
        let expected = 2 * a * 1.380649e-23 * temperature / (Material.gammaLL * ms * mesh.cellVolume * dt)
        print("thermal variance with alpha override \(a): \(variance) T^2, expected \(expected) T^2")
        XCTAssertEqual(variance / expected, 1, accuracy: 0.04)
    }
}
