import Numerics
import ArgumentParser
import Benchmarks
import Foundation
import Workflows
import Surrogate

/// `spinode bench fit-paper`: seconds per training iteration in the paper's configuration.
struct BenchFitPaper: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit-paper",
        abstract: "Seconds per training iteration of the paper's surrogate fit (k 2, MLP 4-50-50-2, 50 windows x 20 samples, RK4, Adam 1e-3).",
        discussion: """
        Times one iteration (draw windows, batched forward solve, MSE, gradient, Adam step) on a seeded \
        synthetic driven-oscillator trace of 10,000 samples, for the exact discrete adjoint and the continuous \
        adjoint (torchdiffeq's odeint_adjoint). Median of --iterations timed iterations after --warmup. \
        The defaults are what `spinode fit` runs with the paper's settings (float64, 1 thread); \
        --precision float32 and --threads 2 time the other kernels; --lane-width 256 or 512 forces the lane \
        vectors (default: 512 bits on an AVX-512 build, 256 otherwise). \
        Compare with scripts/bench/fit_paper_peers.py (torchdiffeq).

        Examples:
          spinode bench fit-paper --json
          spinode bench fit-paper --precision float32 --threads 2
        """
    )

    @Option(help: "Timed iterations per gradient method (>= 20).") var iterations = 30
    @Option(help: "Untimed warm-up iterations.") var warmup = 5
    @Option(help: "Seed of the synthetic trace, the initial weights and the windows.") var seed: UInt64 = 1
    @Option(help: "Input interpolation: cubic (the paper's), linear, zoh.") var interpolation = "cubic"
    @Option(help: "Gradient methods, comma-separated: discrete, continuous.") var methods = "discrete,continuous"
    @Option(help: "Arithmetic of the training kernel: float64 (default, as spinode fit) or float32.") var precision = "float64"
    @Option(help: "Threads of the training kernel (default 1, as spinode fit).") var threads = 1
    @Option(help: "Lane vectors of the training kernel in bits: automatic (512 on an AVX-512 build, else 256), 256 or 512.") var laneWidth = "automatic"
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard iterations >= 20 else { throw ValidationError("--iterations must be >= 20 (the median needs them)") }
        guard TrainingPrecision(rawValue: precision) != nil else { throw ValidationError("--precision must be float64 or float32") }
        guard threads >= 1 else { throw ValidationError("--threads must be >= 1") }
        guard LaneVectorWidth(rawValue: laneWidth) != nil else { throw ValidationError("--lane-width must be automatic, 256 or 512") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be >= 0") }
        guard InterpolationKind(rawValue: interpolation) != nil else { throw ValidationError("--interpolation must be cubic, linear or zoh") }
        guard methods.split(separator: ",").allSatisfy({ GradientMethod(rawValue: String($0)) != nil }) else {
            throw ValidationError("--methods must list discrete and/or continuous")
        }
    }

    func run() throws {
        BLAS.settleWorkerThreads()
        var c = FitPaperBenchmark.Configuration()
        c.iterations = iterations
        c.warmup = warmup
        c.seed = seed
        c.interpolation = InterpolationKind(rawValue: interpolation)!
        c.precision = TrainingPrecision(rawValue: precision)!
        c.threads = threads
        c.laneVectorWidth = LaneVectorWidth(rawValue: laneWidth)!
        let results = try FitPaperBenchmark.run(c, methods: methods.split(separator: ",").map { GradientMethod(rawValue: String($0))! })
        if json {
            print(try JSONOutput.string(BenchmarkReport(benchmark: "fit_paper", machine: MachineDescription(threads: [c.threads]), results: results)))
        } else {
            print(MachineDescription(threads: [c.threads]).header)
            for r in results {
                print(String(format: "fit-paper %@ adjoint, %@, %@-bit lanes, %d thread(s): %.3f ms per iteration (median of %d; min %.3f, max %.3f ms), CPU %.3f ms, load %.2f",
                             r.gradient_method, r.precision, r.lane_vector_bits, r.threads, r.seconds_per_iteration * 1e3, r.iterations, r.min_seconds * 1e3,
                             r.max_seconds * 1e3, r.cpu_seconds_per_iteration * 1e3, r.load_average))
            }
        }
    }
}
