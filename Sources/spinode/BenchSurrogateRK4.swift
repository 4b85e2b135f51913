import Numerics
import ArgumentParser
import Benchmarks
import Foundation
import Workflows
import Surrogate

/// `spinode bench surrogate-rk4`: speed of the paper-sized surrogate run free with fixed-step RK4.
struct BenchSurrogateRK4: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "surrogate-rk4",
        abstract: "Free-running paper-sized surrogate (MLP 4-50-50-2, RK4, dt 0.025): steps per second.",
        discussion: """
        Integrates the Spin-Neural ODE network of Chen et al. (Nat. Commun. 13, 1016 (2022)) over a \
        zero-order-hold random input, one RK4 step per sample, with the fused SIMD kernel at batch 1 and \
        for a batch of independent sequences, and compares with the unfused and OpenBLAS paths. \
        Figures are medians of --repeats runs after a warm-up. --precision float32 runs the fused         kernel's network in Float32 (state and RK4 stages stay Float64; compare with the peers' --dtype float32).

        Examples:
          spinode bench surrogate-rk4 --json
          spinode bench surrogate-rk4 --problem peer --samples 20000 --json   # compare with surrogate_rk4_peers.py
          spinode bench surrogate-rk4 --problem peer --samples 20000 --precision float32 --json
        """
    )

    @Option(help: "Problem: 'seeded' (N(0, 0.1) weights, random inputs, classical RK4) or 'peer' (the definition of scripts/bench/surrogate_rk4_peers.py: deterministic weights and inputs, 3/8 rule).")
    var problem = "seeded"
    @Option(help: "Input samples (= RK4 steps) of the batch-1 run.") var samples = 200_000
    @Option(help: "Independent sequences in the batched run.") var batch = 64
    @Option(help: "Steps per sequence in the batched run (problem 'peer': equal to --samples).") var batchedSteps = 20_000
    @Option(help: "Steps of the unfused reference runs.") var referenceSteps = 20_000
    @Option(help: "Timed runs per figure (median reported).") var repeats = 5
    @Option(help: "Seed of the network weights and the input samples.") var seed: UInt64 = 1
    @Option(help: "Arithmetic of the fused kernel's network: float64 (default) or float32.") var precision = "float64"
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard SurrogateRK4Benchmark.Problem(rawValue: problem) != nil else {
            throw ValidationError("--problem must be 'seeded' or 'peer', got '\(problem)'")
        }
        guard samples > 0, batch > 0, batchedSteps > 0, referenceSteps >= 10, repeats > 0 else {
            throw ValidationError("samples, batch, batched-steps, repeats must be positive and reference-steps >= 10")
        }
        guard TrainingPrecision(rawValue: precision) != nil else {
            throw ValidationError("--precision must be float64 or float32, got '\(precision)'")
        }
    }

    func run() throws {
        BLAS.settleWorkerThreads()
        var c = SurrogateRK4Benchmark.Configuration()
        c.problem = SurrogateRK4Benchmark.Problem(rawValue: problem) ?? .seeded
        c.samples = samples; c.batch = batch; c.batchedSteps = batchedSteps
        c.referenceSteps = referenceSteps; c.repeats = repeats; c.seed = seed
        c.precision = TrainingPrecision(rawValue: precision) ?? .float64
        let r = try SurrogateRK4Benchmark.run(c)
        if json {
            // The fused kernel runs at batch 1 on one thread and batched on 1 and 2 threads.
            print(try JSONOutput.string(MachineTagged(r, machine: MachineDescription(threads: [1, 2]))))
        } else {
            print(MachineDescription(threads: [1, 2]).header)
            print("surrogate-rk4 (\(r.problem), \(r.integrator), network \(r.precision)): MLP 4-50-50-2 tanh, dt 0.025, \(samples) samples")
            print(String(format: "  fused batch 1:        %.0f steps/s  (%.2f GFLOP/s)", r.steps_per_second, r.gflops))
            print(String(format: "  fused batch %d:       %.0f sequence-steps/s  (%.2f GFLOP/s, %@)", batch,
                         r.batched_steps_per_second, r.batched_gflops, r.batched_variant))
            print(String(format: "  fused batched 1 / 2 threads: %.0f / %.0f", r.fused_batched_1thread_steps_per_second,
                         r.fused_batched_2thread_steps_per_second))
            print(String(format: "  per CPU-second: batch 1 %.0f steps, batched 1 thread %.0f sequence-steps (%.2f GFLOP)",
                         r.steps_per_cpu_second, r.fused_batched_1thread_steps_per_cpu_second,
                         r.fused_batched_1thread_gflops_per_cpu_second))
            print(String(format: "  OpenBLAS batched 1 / 2 threads: %.0f / %.0f", r.blas_batched_1thread_steps_per_second,
                         r.blas_batched_2thread_steps_per_second))
            print(String(format: "  unfused batch 1: %.0f steps/s", r.unfused_batch1_steps_per_second))
            for f in r.mlp_forward {
                print(String(format: "  MLP forward batch %d: dgemm %.0f ns, direct %.0f ns", f.batch, f.blas_ns, f.direct_ns))
            }
            print(String(format: "  tanh: VectorTanh %.2f ns/value, libm %.2f ns/value", r.tanh_vector_ns_per_value, r.tanh_libm_ns_per_value))
            print(String(format: "  load average (1 min) at the end: %.2f", r.load_average_1min))
            print("  final state \(r.final_state); batched member 0 \(r.batched_final_state_first)")
            print("  fused vs unfused max difference \(r.fused_vs_unfused_max_difference)")
        }
    }
}
