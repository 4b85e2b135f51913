import Numerics

/// Thermal fluctuation field (Brown), B_th = eta sqrt(2 alpha kB T / (gamma Ms V dt)) (tesla), eta a
/// standard normal per component, cell and time step, as mumax3 (`temperature.go`; REFERENCES.md).
///
/// The noise is drawn by `refresh(step:)` (the driver `LLGSystem.run` calls it before every fixed step)
/// and held through the stages of that step, as the Heun scheme requires. Draws come from a
/// `SeededRandom` so a run is reproducible. Carries no energy (energy factor 0). alpha follows the
/// system's `dampingOverride` (`DampingDependent`).
public final class ThermalField: LocalFieldTerm, DampingDependent {
    public let name = "thermal"
    public let energyFactor = 0.0
    /// Boltzmann constant, J/K (SI 2019 exact).
    public static let kB = 1.380649e-23
    let n: Int
    /// sqrt(2 alpha kB / (gamma Ms V)) per cell (0 in vacuum): the noise amplitude is this times sqrt(T / dt).
    let amplitude: CellBuffer
    /// sqrt(2 kB / (gamma Ms V)) and the material alpha per cell (0 in vacuum).
    let unitAmplitude, materialAlpha: CellBuffer
    let noise: CellBuffer
    /// Temperature in kelvin.
    public var temperature: Double
    var rng: SeededRandom

    public init(mesh: Mesh, parameters p: CellParameters, temperature: Double, seed: UInt64) {
        n = mesh.cellCount
        amplitude = CellBuffer(n); noise = CellBuffer(3 * n)
        unitAmplitude = CellBuffer(n); materialAlpha = CellBuffer(n)
        for i in 0..<n where p.Msat[i] > 0 {
            unitAmplitude.p[i] = (2 * ThermalField.kB / (p.gamma[i] * p.Msat[i] * mesh.cellVolume)).squareRoot()
            materialAlpha.p[i] = p.alpha[i]
        }
        self.temperature = temperature
        rng = SeededRandom(seed: seed)
        setDamping(nil)
    }

    /// Sets alpha in the variance (all magnetic cells), or the material alpha when nil.
    public func setDamping(_ alpha: Double?) {
        for i in 0..<n {
            amplitude.p[i] = unitAmplitude.p[i] * max(alpha ?? materialAlpha.p[i], 0).squareRoot()
        }
    }

    /// The state of the noise generator: saved in a simulation checkpoint and restored on resume, so the
    /// resumed run draws the same noise as an uninterrupted one.
    public var randomState: SeededRandom.State {
        get { rng.state }
        set { rng.state = newValue }
    }

    /// Draws the noise for the next step of length `step` seconds.
    public func refresh(step: Double) {
        let s = (max(temperature, 0) / step).squareRoot(), a = amplitude.p, w = noise.p
        for c in 0..<3 { for i in 0..<n { w[c * n + i] = a[i] == 0 ? 0 : s * a[i] * rng.normal() } }
    }

    public func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>) {
        addField(t: t, m: m, into: b, cells: 0 ..< n)
    }

    public func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>, cells: Range<Int>) {
        let w = noise.p
        for c in 0..<3 { for i in cells { b[c * n + i] += w[c * n + i] } }
    }
}
