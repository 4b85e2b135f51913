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
}
