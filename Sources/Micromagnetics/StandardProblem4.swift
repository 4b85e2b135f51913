import ODE

/// muMAG standard problem 4 (https://www.ctcms.nist.gov/~rdm/std4/spec4.html; REFERENCES.md): a
/// 500 x 125 x 3 nm permalloy film (Ms 800 kA/m, A 13 pJ/m, alpha 0.02, no anisotropy), relaxed into
/// the S-state from m = (1, 0.1, 0), then switched by field 1 = (-24.6, 4.3, 0) mT or field 2 =
/// (-35.5, -6.3, 0) mT for 1 ns. Reference values for field 1 on 128 x 32 x 1 cells:
/// <m>(1 ns) = (-0.9846, 0.1260, 0.0433) (mumax3), first zero crossing of <m_x> at 0.1385 ns (OOMMF).
/// mumax3's numbers come from its approximate demag tensor; with Newell's exact tensor (our default, as
/// OOMMF and magnum.np) <m_y>(1 ns) is 0.1312 (docs/micromagnetics.md, "SP4 and the demag kernel").
public enum StandardProblem4 {
    public static let field1 = SIMD3<Double>(-24.6e-3, 4.3e-3, 0)
    public static let field2 = SIMD3<Double>(-35.5e-3, -6.3e-3, 0)

    /// The 128 x 32 x 1 mesh of 3.90625 x 3.90625 x 3 nm cells.
    public static func mesh(nx: Int = 128, ny: Int = 32) throws -> Mesh {
        try Mesh(size: 500e-9, 125e-9, 3e-9, cells: nx, ny, 1)
    }

    /// The permalloy film, with exchange, demag (Newell's tensor, or mumax3's approximation with
    /// `.mumax3()`; transforms in `demagPrecision`) and a Zeeman term (initially zero field).
    public static func system(nx: Int = 128, ny: Int = 32, demagKernel: Demag.Kernel = .newell,
                              demagPrecision: Demag.Precision = .float64) throws -> (Magnet, LLGSystem) {
        let magnet = try Magnet(mesh: mesh(nx: nx, ny: ny), material: .permalloySP4)
        let system = LLGSystem(magnet: magnet, demag: true, demagKernel: demagKernel, demagPrecision: demagPrecision,
                               externalField: { _ in .zero })
        return (magnet, system)
    }

    /// The relaxed S-state: m = (1, 0.1, 0) relaxed in zero field, first by damping-only dynamics
    /// (`LLGSystem.relax`, as mumax3's `Relax()`) down to a torque of `relaxTorque` tesla, then by
    /// Barzilai-Borwein energy minimisation (`LLGSystem.minimize`) down to `torqueTolerance`: the slow
    /// end-domain modes of the S-state take tens of nanoseconds of damped dynamics, the minimiser a few
    /// hundred iterations. The default 1e-8 T pins <m> to ~1e-7; at 1e-5 T a soft mode of the S-state
    /// leaves <m_y> undetermined by ~1e-4 (it then depends on the rounding of the FFT plan FFTW picks).
    public static func sState(_ magnet: Magnet, _ system: LLGSystem, relaxTorque: Double = 1e-2,
                              torqueTolerance: Double = 1e-8) throws -> [Double] {
        var m = magnet.uniform(SIMD3(1, 0.1, 0))
        try system.relax(&m, torqueTolerance: relaxTorque)
        try system.minimize(&m, stop: 0, torqueTolerance: torqueTolerance)
        return m
    }

    /// Outcome of a switching run.
    public struct Reversal: Sendable {
        /// <m> at the end of the run.
        public var finalM: SIMD3<Double>
        /// First time <m_x> crosses zero (s), linear interpolation between samples; nil if it does not.
        public var zeroCrossing: Double?
        /// Sample times (s) and <m> there.
        public var times: [Double]
        public var averages: [SIMD3<Double>]
        public var statistics: ODEStatistics
    }

    /// Applies `field` (tesla) to the S-state `m` for `duration` seconds with `solver`, sampling <m> every
    /// `sampleInterval` seconds.
    public static func reverse(_ system: LLGSystem, from m: [Double], field: SIMD3<Double> = field1,
                               duration: Double = 1e-9, sampleInterval: Double = 1e-12,
                               solver: ODESolver = LLGSystem.defaultSolver) throws -> Reversal {
        system.term(Zeeman.self)?.field = { _ in field }
        defer { system.term(Zeeman.self)?.field = { _ in .zero } }
        var state = m
        let count = Int((duration / sampleInterval).rounded())
        let samples = (0...count).map { Double($0) * sampleInterval }
        var averages: [SIMD3<Double>] = []
        let stats = try system.run(&state, from: 0, to: duration, solver: solver, sampleTimes: samples) { _, y in
            averages.append(system.averageMagnetisation(y))
        }
        var crossing: Double? = nil
        for j in 1..<averages.count where averages[j - 1].x > 0 && averages[j].x <= 0 {
            let f = averages[j - 1].x / (averages[j - 1].x - averages[j].x)
            crossing = samples[j - 1] + f * sampleInterval
            break
        }
        let final = state.withUnsafeBufferPointer { system.averageMagnetisation($0.baseAddress!) }
        return Reversal(finalM: final, zeroCrossing: crossing, times: samples, averages: averages, statistics: stats)
    }
}
