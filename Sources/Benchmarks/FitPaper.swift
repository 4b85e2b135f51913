import Numerics
import Surrogate
#if canImport(Glibc)
import Glibc
#endif

/// `spinode bench fit-paper`: seconds per training iteration of the Spin-Neural ODE in the paper's
/// configuration (Chen et al., Nat. Commun. 13, 1016 (2022), Methods): k = 2 delay embedding of one
/// output, MLP 4-50-50-2 (tanh, tanh, identity) with N(0, 0.1) weights and biases, minibatches of 50
/// windows of 20 samples each started from the true embedded state, RK4 on the sample grid
/// (d_tau = 0.025), MSE on the embedded state, Adam with learning rate 1e-3.
///
/// One iteration = draw windows, batched forward solve, loss, gradient, Adam step (as the peer script
/// scripts/bench/fit_paper_peers.py times torchdiffeq). Gradient methods: the exact discrete adjoint
/// (the default of `spinode fit`) and the continuous adjoint (backsolve, torchdiffeq's odeint_adjoint).
///
/// Synthetic trace (the peer script's): a driven damped oscillator in normalised time tau,
/// x'' + 2 zeta w x' + w^2 x = w^2 u(tau), w = 2 pi (period 1 = 40 samples), zeta = 0.1, u uniform in
/// [-1, 1] (seeded) held for 10 samples, integrated with 10 classical RK4 substeps per sample;
/// 10,000 samples, sample interval 1 s so the default time scale (40 dt) gives d_tau = 0.025.
public enum FitPaperBenchmark {
    public struct Configuration: Sendable {
        /// Timed iterations (median reported); at least 20.
        public var iterations = 30
        /// Untimed iterations first.
        public var warmup = 5
        public var seed: UInt64 = 1
        public var samples = 10_000
        /// Input interpolation of the surrogate (the paper: cubic spline).
        public var interpolation: InterpolationKind = .cubic
        /// Arithmetic of the fused training kernel (`spinode fit --precision`; default float64).
        public var precision: TrainingPrecision = .float64
        /// Threads of the fused training kernel (`spinode fit --threads`; default 1).
        public var threads = 1
        /// Lane vectors of the fused training kernel (`spinode fit` uses `automatic`).
        public var laneVectorWidth: LaneVectorWidth = .automatic
        public init() {}
    }

    public struct Result: Codable, Sendable {
        public var gradient_method: String
        public var seconds_per_iteration: Double
        public var iterations: Int
        public var warmup: Int
        public var min_seconds: Double
        public var max_seconds: Double
        public var batch: Int
        public var window: Int
        public var network: String
        public var solver: String
        public var interpolation: String
        public var final_loss: Double
        /// Median CPU time per iteration (the machine may be shared; this is the work itself, without
        /// time spent descheduled): of the training thread with 1 thread, of the whole process (all
        /// threads, including any idle OpenBLAS thread still spinning) with more.
        public var cpu_seconds_per_iteration: Double
        /// Arithmetic of the training kernel: float64 or float32.
        public var precision: String
        /// Threads of the training kernel.
        public var threads: Int
        /// Bits per lane vector of the training kernel: "256" or "512" (`LaneVectorWidth`, resolved).
        public var lane_vector_bits: String
        /// Load average (1 minute) when the method's timing ended.
        public var load_average: Double
    }

    /// The synthetic trace (see the type's doc comment).
    public static func syntheticTrace(samples n: Int, seed: UInt64) throws -> RawTrace {
        var rng = SeededRandom(seed: seed)
        let hold = 10, substeps = 10, dTau = 0.025
        let blocks = (n + 1) / hold + 2
        let levels = (0..<blocks).map { _ in rng.uniform(-1, 1) }
        let w = 2 * Double.pi, zeta = 0.1, h = dTau / Double(substeps)
        var x = 0.0, v = 0.0
        var outputs = [Double](), inputs = [Double]()
        outputs.reserveCapacity(n); inputs.reserveCapacity(n)
        for i in 0..<n {
            let u = levels[i / hold]
            outputs.append(x)
            inputs.append(u)
            for _ in 0..<substeps {
                func f(_ x: Double, _ v: Double) -> (Double, Double) { (v, -2 * zeta * w * v - w * w * x + w * w * u) }
                let k1 = f(x, v)
                let k2 = f(x + h / 2 * k1.0, v + h / 2 * k1.1)
                let k3 = f(x + h / 2 * k2.0, v + h / 2 * k2.1)
                let k4 = f(x + h * k3.0, v + h * k3.1)
                x += h * (k1.0 + 2 * k2.0 + 2 * k3.0 + k4.0) / 6
                v += h * (k1.1 + 2 * k2.1 + 2 * k3.1 + k4.1) / 6
            }
        }
        return try RawTrace(name: "synthetic", sampleInterval: 1, outputs: outputs, outputCount: 1, inputs: inputs, inputCount: 1)
    }

    public static func run(_ c: Configuration, methods: [GradientMethod] = [.discreteAdjoint, .continuousAdjoint]) throws -> [Result] {
        BLAS.setThreadCount(1)
        let trace = try syntheticTrace(samples: c.samples, seed: c.seed)
        var results = [Result]()
        for method in methods {
            var o = FitOptions()          // the paper's defaults
            o.gradient = method
            o.validation = .none
            o.iterations = c.warmup + c.iterations
            o.seed = c.seed
            o.interpolation = c.interpolation
            o.precision = c.precision
            o.threads = c.threads
            o.laneVectorWidth = c.laneVectorWidth
            let trainer = try SurrogateTrainer(traces: [trace], options: o)
            for _ in 0..<c.warmup { try trainer.step() }
            var times = [Double](), cpu = [Double]()
            for _ in 0..<c.iterations {
                let cpuStart = c.threads == 1 ? CPUTime.threadSeconds() : CPUTime.processSeconds()
                let watch = Stopwatch()
                try trainer.step()
                let seconds = watch.elapsedSeconds
                cpu.append((c.threads == 1 ? CPUTime.threadSeconds() : CPUTime.processSeconds()) - cpuStart)
                times.append(seconds)
            }
            times.sort()
            let median = Statistics.median(times)
            var load = [0.0, 0.0, 0.0]
            _ = getloadavg(&load, 3)
            results.append(Result(gradient_method: method.rawValue, seconds_per_iteration: median, iterations: c.iterations,
                                  warmup: c.warmup, min_seconds: times.first!, max_seconds: times.last!,
                                  batch: o.batchSize, window: o.windowLength, network: "4-50-50-2 tanh",
                                  solver: "rk4 on the sample grid (d_tau 0.025)", interpolation: c.interpolation.rawValue,
                                  final_loss: trainer.lastLoss, cpu_seconds_per_iteration: Statistics.median(cpu),
                                  precision: c.precision.rawValue, threads: c.threads,
                                  lane_vector_bits: c.laneVectorWidth.resolved.rawValue, load_average: load[0]))
        }
        return results
    }
}
