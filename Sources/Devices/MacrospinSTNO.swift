import Numerics
import ODE

/// A macrospin spin-torque nano-oscillator: the free layer as one magnetic moment m (|m| = 1) obeying
/// the Landau-Lifshitz-Gilbert equation with the Slonczewski spin-transfer torque and a thermal field,
/// exactly as mumax3 writes them (Vansteenkiste et al., AIP Advances 4, 107133 (2014), and its
/// sources `engine/torque.go`, `cuda/slonczewski2.cu`, `engine/temperature.go`):
///
///     dm/dt = -gamma/(1+alpha^2) [m x B + alpha m x (m x B)]
///             + gamma/(1+alpha^2) [(b eps + alpha b eps') m x (p x m) + (b eps' - alpha b eps) p x m]
///
/// with B = B_ext + (2 Ku1/Ms)(m.u) u - mu0 Ms (Nx mx, Ny my, Nz mz) + B_th in tesla,
/// b = hbar J / (e d Ms) (tesla), eps = P Lambda^2 / ((Lambda^2 + 1) + (Lambda^2 - 1) m.p), and the
/// thermal field B_th = eta sqrt(2 alpha kB T / (gamma Ms V h)), eta a standard normal 3-vector drawn
/// afresh every sub-step h (Brown, Phys. Rev. 130, 1677 (1963)). Positive J with p antiparallel to m
/// is anti-damping.
///
/// Integration: fixed sub-steps of at most `timeStep` that end exactly on every sample time (the
/// jumps of the piecewise-constant drive). Noise-free runs use classical RK4; runs at T > 0 use the
/// stochastic Heun scheme, which converges to the Stratonovich solution the thermal LLG requires
/// (Garcia-Palacios and Lazaro, Phys. Rev. B 58, 14937 (1998)). m is renormalised after every step.
///
/// Drive: input u of copy b at sample n sets the current density J = `biasCurrentDensity` +
/// `inputGain` x u (A/m^2) over [n dt, (n+1) dt). Output: the chosen component of m at (n+1) dt
/// (`Observable.cosineToFixedLayer`, m.p, is the magnetoresistance-like signal: R is linear in it).
///
/// ```swift
/// let p = MacrospinParameters()
/// let device = MacrospinSTNO(parameters: p, sampleInterval: 50e-12)
/// device.biasCurrentDensity = 1.2 * MacrospinSTNO.criticalCurrentDensity(p)!
/// let mx = try device.respond(to: [[Double](repeating: 0, count: 2000)])[0]   // 100 ns of m_x
/// ```
public final class MacrospinSTNO: Device {
    /// Which scalar of m the device reports.
    public enum Observable: String, Sendable, CaseIterable {
        case mx, my, mz
        /// m . p, the cosine of the angle to the fixed layer (magnetoresistance-like: R = R0 - dR/2 m.p).
        case cosineToFixedLayer
    }

    public let name = "macrospin STNO"
    public var parameters: MacrospinParameters
    /// Sample interval dt of the input/output grid, seconds.
    public var sampleInterval: Double
    /// Largest integration sub-step h, seconds; each sample interval is cut into ceil(dt / h) equal steps.
    public var timeStep: Double
    /// Current density added to every input, A/m^2.
    public var biasCurrentDensity: Double = 0
    /// Current density per unit of input, (A/m^2) per input unit.
    public var inputGain: Double = 1
    /// The reported observable.
    public var output: Observable = .mx
    /// How noise-free runs (T = 0) are integrated: nil (default) = classical RK4 on fixed sub-steps of
    /// at most `timeStep`; an `ODESolver` of the ODE engine (e.g. Tsitouras 5(4), adaptive) = one
    /// solve per sample interval, so every jump of the drive is a solve boundary, with m renormalised
    /// at each sample. Runs at T > 0 always use the stochastic Heun scheme on fixed sub-steps.
    public var deterministicSolver: ODESolver?
    /// Seed of the thermal noise; copy b draws from the b-th `split()` of `SeededRandom(seed: seed)`,
    /// so copy b's trajectory does not depend on how many copies run beside it.
    public var seed: UInt64

    public init(parameters: MacrospinParameters = MacrospinParameters(), sampleInterval: Double = 50e-12,
                timeStep: Double = 1e-13, seed: UInt64 = 0) {
        self.parameters = parameters
        self.sampleInterval = sampleInterval
        self.timeStep = timeStep
        self.seed = seed
    }

    public func respond(to inputs: [[Double]]) throws -> [[Double]] {
        let table = try run(inputs)
        let p = normalised(parameters.fixedLayer)
        switch output {
        case .mx: return table.channel(0)
        case .my: return table.channel(1)
        case .mz: return table.channel(2)
        case .cosineToFixedLayer:
            let x = table.channel(0), y = table.channel(1), z = table.channel(2)
            return x.indices.map { b in x[b].indices.map { n in x[b][n] * p.x + y[b][n] * p.y + z[b][n] * p.z } }
        }
    }

    /// The full magnetisation m of every copy at the end of every sample interval (`[b][n]`),
    /// for the same drive convention as `respond(to:)`.
    public func magnetisation(for inputs: [[Double]]) throws -> [[SIMD3<Double>]] {
        let table = try run(inputs)
        let x = table.channel(0), y = table.channel(1), z = table.channel(2)
        return x.indices.map { b in x[b].indices.map { n in SIMD3(x[b][n], y[b][n], z[b][n]) } }
    }

    /// The threshold current density J_c (A/m^2) above which the equilibrium m0 loses stability to
    /// steady precession, for the collinear geometry: applied field along a coordinate axis e_k,
    /// m0 = e_k, anisotropy axis along e_k (or Ku1 = 0), fixed layer p = -e_k. Returns nil for any other
    /// geometry, or when m0 is not a stable equilibrium at J = 0.
    ///
    /// Derivation (linearising the equation above; Sun, Phys. Rev. B 62, 570 (2000), in mumax3's
    /// normalisation): write m = e_k + u e_i + v e_j. To first order m x (p x m) = (0, u, v) and the
    /// stiffness fields are H_i = B_k + Bk + mu0 Ms (N_i - N_k), H_j = B_k + Bk + mu0 Ms (N_j - N_k),
    /// with B_k the applied field along e_k and Bk = 2 Ku1 / Ms. The 2 x 2 linear system for (u, v) has
    /// trace gamma/(1+alpha^2) [2 b (eps0 + alpha eps') - alpha (H_i + H_j)], eps0 = eps(m.p = -1)
    /// = P Lambda^2 / 2, and a positive determinant, so m0 turns unstable (a Hopf bifurcation) at
    ///
    ///     J_c = (e d Ms / hbar) alpha (H_i + H_j) / (2 (eps0 + alpha eps')).
    ///
    /// For a thin film (N = (0, 0, 1)) magnetised in plane along x this is Sun's
    /// J_c = (2 e alpha mu0 Ms d / (hbar eta)) (H + Hk + Ms/2) with eta = 2 eps0, fields in A/m.
    public static func criticalCurrentDensity(_ p: MacrospinParameters) -> Double? {
        guard let (hi, hj) = stiffnessFields(p) else { return nil }
        let eps0 = p.polarisation * p.lambda * p.lambda / 2
        let denominator = 2 * (eps0 + p.damping * p.epsilonPrime)
        guard denominator > 0 else { return nil }
        let bPerJ = PhysicalConstants.hbar / (PhysicalConstants.elementaryCharge * p.freeLayerThickness
                                              * p.saturationMagnetisation)
        return p.damping * (hi + hj) / denominator / bPerJ
    }

    /// Angular frequency (rad/s) of small damped oscillations about m0 at J = 0, in the collinear
    /// geometry of `criticalCurrentDensity`; nil for other geometries. From the eigenvalues of the same
    /// 2 x 2 linear system, lambda = -gamma' alpha (H_i + H_j)/2 +- i omega, gamma' = gamma/(1+alpha^2):
    ///
    ///     omega = gamma' sqrt((1 + alpha^2) H_i H_j - alpha^2 (H_i + H_j)^2 / 4),
    ///
    /// which tends to Kittel's gamma sqrt(H_i H_j) as alpha -> 0 (Kittel, Phys. Rev. 73, 155 (1948)).
    public static func ferromagneticResonance(_ p: MacrospinParameters) -> Double? {
        guard let (hi, hj) = stiffnessFields(p) else { return nil }
        let a = p.damping
        let disc = (1 + a * a) * hi * hj - a * a * (hi + hj) * (hi + hj) / 4
        guard disc > 0 else { return nil }
        return p.gyromagneticRatio / (1 + a * a) * disc.squareRoot()
    }

    /// The two transverse stiffness fields (tesla) about m0 = e_k for the collinear geometry.
    static func stiffnessFields(_ p: MacrospinParameters) -> (Double, Double)? {
        let b = p.appliedField
        let axes = (0..<3).filter { b[$0] != 0 }
        guard axes.count == 1, let k = axes.first else { return nil }
        let m0 = SIMD3<Double>(k == 0 ? 1 : 0, k == 1 ? 1 : 0, k == 2 ? 1 : 0) * (b[k] > 0 ? 1 : -1)
        let pol = normalised(p.fixedLayer), u = normalised(p.anisotropyAxis)
        guard abs((pol * m0).sum() + 1) < 1e-12 else { return nil }
        let ku = p.anisotropyConstant
        guard ku == 0 || abs(abs((u * m0).sum()) - 1) < 1e-12 else { return nil }
        let bk = 2 * ku / p.saturationMagnetisation
        let mu0Ms = PhysicalConstants.mu0 * p.saturationMagnetisation
        let n = p.demagnetisingFactors
        let (i, j) = ((k + 1) % 3, (k + 2) % 3)
        let base = abs(b[k]) + bk
        let hi = base + mu0Ms * (n[i] - n[k]), hj = base + mu0Ms * (n[j] - n[k])
        guard hi > 0, hj > 0 else { return nil }
        return (hi, hj)
    }

    // MARK: - Integration

    /// Precomputed coefficients of the right-hand side (no allocation, no recomputation per step).
    struct Coefficients {
        var gammaPrime: Double            // gamma / (1 + alpha^2)
        var alpha: Double
        var appliedField: SIMD3<Double>   // T
        var anisotropyField: Double       // 2 Ku1 / Ms, T
        var axis: SIMD3<Double>
        var demag: SIMD3<Double>          // mu0 Ms (Nx, Ny, Nz), T
        var p: SIMD3<Double>
        var bPerJ: Double                 // hbar / (e d Ms), T m^2 / A
        var polarisation: Double
        var lambda2: Double
        var epsilonPrime: Double

        @inline(__always)
        func derivative(_ m: SIMD3<Double>, current j: Double, thermal bth: SIMD3<Double>) -> SIMD3<Double> {
            var b = appliedField + bth - demag * m
            b += (anisotropyField * (m * axis).sum()) * axis
            let mxb = cross(m, b)
            var dm = -gammaPrime * (mxb + alpha * cross(m, mxb))
            if j != 0 {
                let beta = bPerJ * j
                let mp = (m * p).sum()
                let eps = polarisation * lambda2 / ((lambda2 + 1) + (lambda2 - 1) * mp)
                let a = beta * eps, bb = beta * epsilonPrime
                let pxm = cross(p, m)
                dm += gammaPrime * ((a + alpha * bb) * cross(m, pxm) + (bb - alpha * a) * pxm)
            }
            return dm
        }
    }

    func coefficients() throws -> Coefficients {
        let p = parameters
        try require(p.saturationMagnetisation > 0, device: name, "saturationMagnetisation", p.saturationMagnetisation, "must be > 0")
        try require(p.damping >= 0, device: name, "damping", p.damping, "must be >= 0")
        try require(p.gyromagneticRatio > 0, device: name, "gyromagneticRatio", p.gyromagneticRatio, "must be > 0")
        try require(p.freeLayerThickness > 0, device: name, "freeLayerThickness", p.freeLayerThickness, "must be > 0")
        try require(p.area > 0, device: name, "area", p.area, "must be > 0")
        try require(p.temperature >= 0, device: name, "temperature", p.temperature, "must be >= 0 K")
        try require(p.lambda > 0, device: name, "lambda", p.lambda, "must be > 0")
        try require(sampleInterval > 0, device: name, "sampleInterval", sampleInterval, "must be > 0 s")
        try require(timeStep > 0, device: name, "timeStep", timeStep, "must be > 0 s")
        for (label, v) in [("fixedLayer", p.fixedLayer), ("initialMagnetisation", p.initialMagnetisation)] {
            try require((v * v).sum() > 0, device: name, label, 0, "must be a non-zero vector")
        }
        try require(p.anisotropyConstant == 0 || (p.anisotropyAxis * p.anisotropyAxis).sum() > 0,
                    device: name, "anisotropyAxis", 0, "must be a non-zero vector")
        let ms = p.saturationMagnetisation
        return Coefficients(
            gammaPrime: p.gyromagneticRatio / (1 + p.damping * p.damping), alpha: p.damping,
            appliedField: p.appliedField, anisotropyField: 2 * p.anisotropyConstant / ms,
            axis: p.anisotropyConstant == 0 ? .zero : normalised(p.anisotropyAxis),
            demag: PhysicalConstants.mu0 * ms * p.demagnetisingFactors, p: normalised(p.fixedLayer),
            bPerJ: PhysicalConstants.hbar / (PhysicalConstants.elementaryCharge * p.freeLayerThickness * ms),
            polarisation: p.polarisation, lambda2: p.lambda * p.lambda, epsilonPrime: p.epsilonPrime)
    }

    /// Integrates every copy; channels 0, 1, 2 of the table are mx, my, mz at the sample ends.
    func run(_ inputs: [[Double]]) throws -> OutputTable {
        try validateInputs(inputs, device: name)
        let k = try coefficients()
        let p = parameters
        let substeps = max(1, Int((sampleInterval / timeStep).rounded(.up)))
        let h = sampleInterval / Double(substeps)
        // Brown's fluctuation-dissipation amplitude for the discrete step h (tesla per normal draw).
        let thermal = (2 * p.damping * PhysicalConstants.boltzmann * p.temperature
                       / (p.gyromagneticRatio * p.saturationMagnetisation * p.volume * h)).squareRoot()
        var master = SeededRandom(seed: seed)
        var streams = [SeededRandom]()
        streams.reserveCapacity(inputs.count)
        for _ in inputs.indices { streams.append(master.split()) }
        let m0 = normalised(p.initialMagnetisation)
        let bias = biasCurrentDensity, gain = inputGain
        let table = OutputTable(lengths: inputs.map(\.count), channels: 3)

        if p.temperature == 0, let solver = deterministicSolver {
            let errors = CopyErrors(count: inputs.count)
            let dt = sampleInterval
            forEachCopy(inputs.count) { b in
                let row = table.row(b)
                let system = MacrospinLLG(coefficients: k)
                let cache = ODESolverCache()
                var y = [m0.x, m0.y, m0.z]
                do {
                    for (n, u) in inputs[b].enumerated() {
                        system.current = bias + gain * u
                        let end = try solver.solve(system, y0: y, t0: Double(n) * dt, t1: Double(n + 1) * dt,
                                                   cache: cache).finalState
                        let m = normalised(SIMD3(end[0], end[1], end[2]))
                        y[0] = m.x; y[1] = m.y; y[2] = m.z
                        row[3 * n] = m.x; row[3 * n + 1] = m.y; row[3 * n + 2] = m.z
                    }
                } catch { errors.record(error, copy: b) }
            }
            try errors.rethrowFirst()
            return table
        }

        forEachCopy(inputs.count) { b in
            let row = table.row(b)
            var rng = streams[b]
            var m = m0
            inputs[b].withUnsafeBufferPointer { u in
                for n in 0..<u.count {
                    let j = bias + gain * u[n]
                    if thermal > 0 {
                        for _ in 0..<substeps {
                            let bth = thermal * SIMD3(rng.normal(), rng.normal(), rng.normal())
                            let k1 = k.derivative(m, current: j, thermal: bth)
                            let predictor = normalised(m + h * k1)
                            let k2 = k.derivative(predictor, current: j, thermal: bth)
                            m = normalised(m + (0.5 * h) * (k1 + k2))
                        }
                    } else {
                        for _ in 0..<substeps {
                            let k1 = k.derivative(m, current: j, thermal: .zero)
                            let k2 = k.derivative(m + (0.5 * h) * k1, current: j, thermal: .zero)
                            let k3 = k.derivative(m + (0.5 * h) * k2, current: j, thermal: .zero)
                            let k4 = k.derivative(m + h * k3, current: j, thermal: .zero)
                            m = normalised(m + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4))
                        }
                    }
                    row[3 * n] = m.x; row[3 * n + 1] = m.y; row[3 * n + 2] = m.z
                }
            }
        }
        return table
    }
}

@inline(__always)
func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

@inline(__always)
func normalised(_ v: SIMD3<Double>) -> SIMD3<Double> { v / (v * v).sum().squareRoot() }
