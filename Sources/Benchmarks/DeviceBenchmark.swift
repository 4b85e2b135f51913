import Devices
import Numerics
import ODE

/// Wall-clock throughput of the reference devices (`MacrospinSTNO`, `AutoOscillator`) on a
/// reservoir-like drive: `copies` copies x `samples` samples of uniform random input in [0, 1),
/// repeated `repeats` times; the median is reported (the machine is shared and noisy).
public enum DeviceBenchmark {
    public struct Result: Sendable, Encodable {
        public var device: String
        public var mode: String
        public var copies: Int
        public var samples: Int
        public var substepsPerSample: Int
        /// Median wall time of one `respond(to:)` call, s.
        public var medianSeconds: Double
        /// Device samples (copies x samples) per second of wall time.
        public var samplesPerSecond: Double { Double(copies * samples) / medianSeconds }
        /// Integration sub-steps (all copies) per second of wall time (0 for adaptive runs).
        public var substepsPerSecond: Double { samplesPerSecond * Double(substepsPerSample) }

        enum CodingKeys: String, CodingKey {
            case device, mode, copies, samples, medianSeconds = "median_s", samplesPerSecond = "samples_per_s"
            case substepsPerSecond = "substeps_per_s"
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(device, forKey: .device); try c.encode(mode, forKey: .mode)
            try c.encode(copies, forKey: .copies); try c.encode(samples, forKey: .samples)
            try c.encode(medianSeconds, forKey: .medianSeconds); try c.encode(samplesPerSecond, forKey: .samplesPerSecond)
            try c.encode(substepsPerSecond, forKey: .substepsPerSecond)
        }
    }

    /// Runs the four configurations: macrospin at T = 0 (RK4) and 300 K (Heun), auto-oscillator
    /// without (RK4) and with noise (Heun), each with the device defaults plus a bias above threshold.
    public static func run(copies: Int, samples: Int, repeats: Int, seed: UInt64) throws -> [Result] {
        var rng = SeededRandom(seed: seed)
        let drive = (0..<copies).map { _ in (0..<samples).map { _ in rng.uniform() } }
        var results = [Result]()

        for temperature in [0.0, 300.0] {
            var p = MacrospinParameters()
            p.temperature = temperature
            let device = MacrospinSTNO(parameters: p, sampleInterval: 50e-12, timeStep: 1e-13, seed: seed)
            let jc = MacrospinSTNO.criticalCurrentDensity(p) ?? 1e11
            device.biasCurrentDensity = 1.2 * jc
            device.inputGain = 0.2 * jc
            let t = try Stopwatch.medianSeconds(repeats: repeats) { _ = try device.respond(to: drive) }
            results.append(Result(device: device.name, mode: temperature == 0 ? "RK4, T = 0" : "Heun, T = 300 K",
                                  copies: copies, samples: samples, substepsPerSample: 500, medianSeconds: t))
        }
        do {
            // The same noise-free macrospin run through the ODE engine (Tsitouras 5(4), rtol 1e-8, atol 1e-10).
            let p = MacrospinParameters()
            let device = MacrospinSTNO(parameters: p, sampleInterval: 50e-12, seed: seed)
            device.deterministicSolver = ODESolver(method: .tsitouras54, stepping: .adaptive(rtol: 1e-8, atol: 1e-10))
            let jc = MacrospinSTNO.criticalCurrentDensity(p) ?? 1e11
            device.biasCurrentDensity = 1.2 * jc
            device.inputGain = 0.2 * jc
            let t = try Stopwatch.medianSeconds(repeats: repeats) { _ = try device.respond(to: drive) }
            results.append(Result(device: device.name, mode: "Tsit5 rtol 1e-8, T = 0",
                                  copies: copies, samples: samples, substepsPerSample: 0, medianSeconds: t))
        }
        for noise in [0.0, 1e6] {
            let device = AutoOscillator(sampleInterval: 1e-9, timeStep: 1e-11, seed: seed)
            device.parameters.noiseIntensity = noise
            let ith = device.parameters.thresholdCurrent
            device.biasCurrent = 1.5 * ith
            device.inputGain = 0.5 * ith
            let t = try Stopwatch.medianSeconds(repeats: repeats) { _ = try device.respond(to: drive) }
            results.append(Result(device: device.name, mode: noise == 0 ? "RK4, D = 0" : "Heun, D = 1e6 1/s",
                                  copies: copies, samples: samples, substepsPerSample: 100, medianSeconds: t))
        }
        return results
    }
}
