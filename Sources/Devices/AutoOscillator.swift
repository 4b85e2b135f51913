import Numerics
import ODE

/// The universal model of a nonlinear auto-oscillator (Slavin and Tiberkevich, IEEE Trans. Magn. 45,
/// 1875 (2009)): one complex amplitude c (dimensionless, p = |c|^2 the normalised power)
///
///     dc/dt = -i omega(p) c - Gamma_+(p) c + Gamma_-(p) c + f(t),
///     omega(p) = omega0 + N p,  Gamma_+(p) = Gamma_G (1 + Q p),  Gamma_-(p) = sigma I (1 - p),
///
/// driven by the current I(t) (A). Auto-oscillation starts at I_th = Gamma_G / sigma; above it the
/// stationary power is p0 = (zeta - 1)/(zeta + Q), zeta = I / I_th, and the frequency omega0 + N p0.
/// Without noise the power obeys the logistic equation dp/dt = -2 (a + b p) p, a = Gamma_G - sigma I,
/// b = Gamma_G Q + sigma I, solved exactly by `power(at:initialPower:current:)`.
///
/// Noise: f is complex white Gaussian noise with <f(t) f*(t')> = 2 D delta(t - t') and
/// <f(t) f(t')> = 0, D = `noiseIntensity` (1/s). For thermal noise Slavin and Tiberkevich give
/// D = Gamma_+(p) kB T / E(p), E(p) the oscillation energy; here D is set directly.
/// The stationary density of p is then proportional to exp(-(a p + b p^2/2) / D)
/// (`stationaryMeanPower`).
///
/// Integration: fixed sub-steps of at most `timeStep`, ending on every sample time; classical RK4
/// without noise, stochastic Heun (additive noise, so Ito = Stratonovich) with noise, the noise
/// f = sqrt(D / h) (xi1 + i xi2) held over each sub-step h.
///
/// Drive: input u of copy b at sample n sets I = `biasCurrent` + `inputGain` x u (A) over
/// [n dt, (n+1) dt). Output: p or Re c at (n+1) dt.
///
/// The default parameters are representative of a vortex STNO (Dussaux et al., Nat. Commun. 1, 8
/// (2010); Torrejon et al., Nature 547, 428 (2017)): gyrotropic frequency omega0 / 2 pi = 300 MHz,
/// linear damping rate Gamma_G = alpha_eff omega0 with alpha_eff = 0.015 (free-layer Gilbert damping
/// 0.01 times the vortex damping enhancement ~1.5), threshold current 5 mA, a blue shift N / 2 pi =
/// 100 MHz at p = 1, and Q = 1. They set orders of magnitude, not the fit of one measured device.
public final class AutoOscillator: Device {
    /// Which scalar of c the device reports.
    public enum Observable: String, Sendable, CaseIterable {
        /// p = |c|^2, the normalised power (what a spectrum analyser's integrated power follows).
        case power
        /// Re c, the oscillating signal.
        case realPart
    }

    /// Parameters of the model, SI units.
    public struct Parameters: Sendable, Equatable, Codable {
        /// omega0, rad/s: linear (small-amplitude) angular frequency.
        public var linearFrequency: Double = 2 * Double.pi * 300e6
        /// N, rad/s: nonlinear frequency shift per unit power.
        public var nonlinearFrequencyShift: Double = 2 * Double.pi * 100e6
        /// Gamma_G, 1/s: linear positive-damping rate.
        public var dampingRate: Double = 0.015 * 2 * Double.pi * 300e6
        /// Q: nonlinear positive-damping coefficient (dimensionless).
        public var nonlinearDamping: Double = 1
        /// sigma, 1/(A s): negative-damping (spin-torque) efficiency; I_th = Gamma_G / sigma.
        public var torqueEfficiency: Double = 0.015 * 2 * Double.pi * 300e6 / 5e-3
        /// D, 1/s: noise intensity, <f(t) f*(t')> = 2 D delta(t - t'); 0 = deterministic.
        public var noiseIntensity: Double = 0
        /// c(0): initial complex amplitude (re, im). Non-zero by default so a noise-free run above
        /// threshold leaves the unstable point c = 0.
        public var initialAmplitude: SIMD2<Double> = [0.01, 0]

        public init() {}

        /// I_th = Gamma_G / sigma, A.
        public var thresholdCurrent: Double { dampingRate / torqueEfficiency }
    }

    public let name = "auto-oscillator"
    public var parameters: Parameters
    /// Sample interval dt of the input/output grid, seconds.
    public var sampleInterval: Double
    /// Largest integration sub-step h, seconds.
    public var timeStep: Double
    /// Current added to every input, A.
    public var biasCurrent: Double = 0
    /// Current per unit of input, A per input unit.
    public var inputGain: Double = 1
    public var output: Observable = .power
    /// How noise-free runs (D = 0) are integrated: nil (default) = classical RK4 on fixed sub-steps of
    /// at most `timeStep`; an `ODESolver` of the ODE engine = one solve per sample interval, so every
    /// jump of the drive is a solve boundary. Runs with noise always use the Heun scheme.
    public var deterministicSolver: ODESolver?
    /// Seed of the noise; copy b draws from the b-th `split()` of `SeededRandom(seed: seed)`.
    public var seed: UInt64

    public init(parameters: Parameters = Parameters(), sampleInterval: Double = 1e-9, timeStep: Double = 1e-11,
                seed: UInt64 = 0) {
        self.parameters = parameters
        self.sampleInterval = sampleInterval
        self.timeStep = timeStep
        self.seed = seed
    }

    public func respond(to inputs: [[Double]]) throws -> [[Double]] {
        let table = try run(inputs)
        switch output {
        case .realPart: return table.channel(0)
        case .power:
            let re = table.channel(0), im = table.channel(1)
            return re.indices.map { b in re[b].indices.map { n in re[b][n] * re[b][n] + im[b][n] * im[b][n] } }
        }
    }

    /// The complex amplitude c = (Re c, Im c) of every copy at the end of every sample interval.
    public func amplitude(for inputs: [[Double]]) throws -> [[SIMD2<Double>]] {
        let table = try run(inputs)
        let re = table.channel(0), im = table.channel(1)
        return re.indices.map { b in re[b].indices.map { n in SIMD2(re[b][n], im[b][n]) } }
    }

    // MARK: - Analytic results (noise-free or stationary), used to validate the integration

    /// Stationary power above threshold, p0 = (zeta - 1)/(zeta + Q), zeta = I / I_th; 0 below.
    public func stationaryPower(current: Double) -> Double {
        let zeta = current / parameters.thresholdCurrent
        return zeta > 1 ? (zeta - 1) / (zeta + parameters.nonlinearDamping) : 0
    }

    /// Exact noise-free power at time t (s) under constant current I from p(0) = p_init: the solution
    /// of dp/dt = -2 (a + b p) p, p(t) = a p_init e^{-2at} / (a + b p_init (1 - e^{-2at})).
    public func power(at t: Double, initialPower p0: Double, current: Double) -> Double {
        let (a, b) = rates(current)
        if a == 0 { return p0 / (1 + 2 * b * p0 * t) }
        let e = exp(-2 * a * t)
        return a * p0 * e / (a + b * p0 * (1 - e))
    }

    /// Exact noise-free phase advance: arg c(t) - arg c(0) = -(omega0 t + N integral_0^t p dt'),
    /// with integral p dt' = ln(1 + (b p_init / a)(1 - e^{-2at})) / (2 b).
    public func phase(at t: Double, initialPower p0: Double, current: Double) -> Double {
        let (a, b) = rates(current)
        let integral: Double
        if b == 0 { integral = a == 0 ? p0 * t : p0 * (1 - exp(-2 * a * t)) / (2 * a) }
        else if a == 0 { integral = log(1 + 2 * b * p0 * t) / (2 * b) }
        else { integral = log(1 + b * p0 / a * (1 - exp(-2 * a * t))) / (2 * b) }
        return -(parameters.linearFrequency * t + parameters.nonlinearFrequencyShift * integral)
    }

    /// Stationary mean power <p> with noise intensity D under constant current I:
    /// <p> = int p w(p) dp / int w(p) dp, w(p) = exp(-(a p + b p^2 / 2) / D), by composite Simpson
    /// quadrature to where w has fallen below 1e-16 of its peak.
    public func stationaryMeanPower(current: Double) -> Double {
        let (a, b) = rates(current)
        let d = parameters.noiseIntensity
        precondition(d > 0 && b > 0, "stationaryMeanPower needs noise (D > 0) and b = Gamma_G Q + sigma I > 0")
        let exponent = { (p: Double) -> Double in (a * p + b * p * p / 2) / d }
        let pPeak = max(0, -a / b), floor = exponent(pPeak) + 37   // e^-37 ~ 1e-16
        var pMax = max(pPeak, 1e-12) * 2
        while exponent(pMax) < floor { pMax *= 1.5 }
        let n = 20_000
        let h = pMax / Double(n)
        var num = 0.0, den = 0.0
        for i in 0...n {
            let p = Double(i) * h
            let w = exp(-(exponent(p) - exponent(pPeak)))
            let c: Double = (i == 0 || i == n) ? 1 : (i % 2 == 1 ? 4 : 2)
            num += c * p * w; den += c * w
        }
        return num / den
    }

    /// a = Gamma_G - sigma I and b = Gamma_G Q + sigma I, 1/s.
    func rates(_ current: Double) -> (Double, Double) {
        let q = parameters
        return (q.dampingRate - q.torqueEfficiency * current,
                q.dampingRate * q.nonlinearDamping + q.torqueEfficiency * current)
    }

    // MARK: - Integration

    func run(_ inputs: [[Double]]) throws -> OutputTable {
        try validateInputs(inputs, device: name)
        let q = parameters
        try require(q.dampingRate >= 0, device: name, "dampingRate", q.dampingRate, "must be >= 0")
        try require(q.torqueEfficiency > 0, device: name, "torqueEfficiency", q.torqueEfficiency, "must be > 0")
        try require(q.noiseIntensity >= 0, device: name, "noiseIntensity", q.noiseIntensity, "must be >= 0")
        try require(sampleInterval > 0, device: name, "sampleInterval", sampleInterval, "must be > 0 s")
        try require(timeStep > 0, device: name, "timeStep", timeStep, "must be > 0 s")
        let substeps = max(1, Int((sampleInterval / timeStep).rounded(.up)))
        let h = sampleInterval / Double(substeps)
        let noise = (q.noiseIntensity / h).squareRoot()
        let omega0 = q.linearFrequency, nShift = q.nonlinearFrequencyShift
        let gammaG = q.dampingRate, qq = q.nonlinearDamping, sigma = q.torqueEfficiency
        var master = SeededRandom(seed: seed)
        var streams = [SeededRandom]()
        streams.reserveCapacity(inputs.count)
        for _ in inputs.indices { streams.append(master.split()) }
        let bias = biasCurrent, gain = inputGain
        let c0 = q.initialAmplitude
        let table = OutputTable(lengths: inputs.map(\.count), channels: 2)

        // dc/dt for c = x + i y: (g(p) - i omega(p)) c + f, g(p) = sigma I (1 - p) - Gamma_G (1 + Q p).
        @inline(__always)
        func derivative(_ c: SIMD2<Double>, _ current: Double, _ f: SIMD2<Double>) -> SIMD2<Double> {
            let p = (c * c).sum()
            let g = sigma * current * (1 - p) - gammaG * (1 + qq * p)
            let w = omega0 + nShift * p
            return SIMD2(g * c.x + w * c.y + f.x, g * c.y - w * c.x + f.y)
        }

        if noise == 0, let solver = deterministicSolver {
            let errors = CopyErrors(count: inputs.count)
            let dt = sampleInterval
            forEachCopy(inputs.count) { b in
                let row = table.row(b)
                let system = AutoOscillatorField(linearFrequency: omega0, nonlinearFrequencyShift: nShift,
                                                 dampingRate: gammaG, nonlinearDamping: qq, torqueEfficiency: sigma)
                let cache = ODESolverCache()
                var y = [c0.x, c0.y]
                do {
                    for (n, u) in inputs[b].enumerated() {
                        system.current = bias + gain * u
                        y = try solver.solve(system, y0: y, t0: Double(n) * dt, t1: Double(n + 1) * dt,
                                             cache: cache).finalState
                        row[2 * n] = y[0]; row[2 * n + 1] = y[1]
                    }
                } catch { errors.record(error, copy: b) }
            }
            try errors.rethrowFirst()
            return table
        }

        forEachCopy(inputs.count) { b in
            let row = table.row(b)
            var rng = streams[b]
            var c = c0
            inputs[b].withUnsafeBufferPointer { u in
                for n in 0..<u.count {
                    let current = bias + gain * u[n]
                    if noise > 0 {
                        for _ in 0..<substeps {
                            let f = noise * SIMD2(rng.normal(), rng.normal())
                            let k1 = derivative(c, current, f)
                            let k2 = derivative(c + h * k1, current, f)
                            c += (0.5 * h) * (k1 + k2)
                        }
                    } else {
                        for _ in 0..<substeps {
                            let k1 = derivative(c, current, .zero)
                            let k2 = derivative(c + (0.5 * h) * k1, current, .zero)
                            let k3 = derivative(c + (0.5 * h) * k2, current, .zero)
                            let k4 = derivative(c + h * k3, current, .zero)
                            c += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
                        }
                    }
                    row[2 * n] = c.x; row[2 * n + 1] = c.y
                }
            }
        }
        return table
    }
}

/// The noise-free auto-oscillator right-hand side for one copy as an `ODESystem` (state (Re c, Im c)),
/// with the current I (A) held in `current` over each solve.
final class AutoOscillatorField: ODESystem {
    let dimension = 2
    let omega0, nShift, gammaG, q, sigma: Double
    var current: Double = 0

    init(linearFrequency: Double, nonlinearFrequencyShift: Double, dampingRate: Double, nonlinearDamping: Double,
         torqueEfficiency: Double) {
        omega0 = linearFrequency; nShift = nonlinearFrequencyShift; gammaG = dampingRate
        q = nonlinearDamping; sigma = torqueEfficiency
    }

    func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
        let p = y[0] * y[0] + y[1] * y[1]
        let g = sigma * current * (1 - p) - gammaG * (1 + q * p)
        let w = omega0 + nShift * p
        dydt[0] = g * y[0] + w * y[1]
        dydt[1] = g * y[1] - w * y[0]
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
