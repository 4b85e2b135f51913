import Numerics
import ArgumentParser
import Benchmarks
import Foundation
import Workflows

/// `spinode bench sp4`: muMAG standard problem 4, field 1, timed.
struct BenchSP4: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sp4",
        abstract: "Time muMAG standard problem 4 (field 1, 1 ns, 128 x 32 x 1 cells) with Dormand-Prince 5(4).",
        discussion: """
        Builds the permalloy film (500 x 125 x 3 nm, Ms 800 kA/m, A 13 pJ/m, alpha 0.02) with exchange and \
        demag (--kernel newell: exact tensor, default; --kernel mumax3: mumax3's integrated tensor, which \
        reproduces mumax3's <m>(1 ns) = (-0.9846124, 0.1260409, 0.0432712) to ~1e-5), relaxes the S-state \
        with that tensor (untimed), then times the 1 ns reversal under (-24.6, 4.3, 0) mT.

        Reports the median wall time of --repeats runs, RHS evaluations, cell updates per second, steps, \
        <m>(1 ns) and the first zero crossing of <m_x>. Compare with scripts/bench/sp4_peers.py (magnum.np).

        Examples:
          spinode bench sp4 --json
          spinode bench sp4 --json --kernel mumax3
        """
    )

    @Option(help: "Relative tolerance of the adaptive steps.") var rtol = 1e-6
    @Option(help: "Absolute tolerance of the adaptive steps (units of m).") var atol = 1e-6
    @Option(help: "Timed repetitions; the median is reported.") var repeats = 3
    @Option(help: "Integrator: dopri5 (adaptive, default), tsit5 (adaptive) or rk4 (fixed --step).") var method = "dopri5"
    @Option(help: "Fixed step of rk4 in seconds (stable up to about 0.9 ps here).") var step = 0.8e-12
    @Option(help: "Demag tensor: newell (exact, default) or mumax3 (mumax3's numerically integrated tensor).") var kernel = "newell"
    @Option(help: "Threads of the solver (cell loops and FFTW transforms); 1 by default, as the published one-thread comparison with magnum.np.") var threads = 1
    @Flag(help: "Print one JSON object.") var json = false

    /// Every option is checked before the (minutes long) benchmark starts; --step is checked whatever
    /// the method, so that a NaN or negative step never passes unnoticed.
    func validate() throws {
        guard ["newell", "mumax3"].contains(kernel) else {
            throw ValidationError("--kernel must be newell or mumax3, not '\(kernel)'")
        }
        guard ["dopri5", "tsit5", "rk4"].contains(method) else {
            throw ValidationError("--method must be dopri5, tsit5 or rk4, not '\(method)'")
        }
        guard step.isFinite, step > 0 else { throw ValidationError("--step must be a time > 0 s, got \(step)") }
        guard rtol.isFinite, rtol > 0, rtol < 1 else { throw ValidationError("--rtol must be in (0, 1), got \(rtol)") }
        guard atol.isFinite, atol > 0 else { throw ValidationError("--atol must be > 0, got \(atol)") }
        guard threads >= 1 else { throw ValidationError("--threads must be >= 1, got \(threads)") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be >= 1, got \(repeats)") }
    }

    func run() throws {
        BLAS.settleWorkerThreads()
        var benchmark = SP4Benchmark(rtol: rtol, atol: atol, repeats: repeats, method: method, step: step, kernel: kernel)
        benchmark.threads = threads
        let r = try benchmark.run()
        let machine = MachineDescription(threads: [r.threads])
        if json {
            print(try JSONOutput.string(MachineTagged(r, machine: machine)))
        } else {
            print(machine.header)
            print("demag kernel: \(r.demag_kernel)")
            print(String(format: "SP4 field 1: %.3f s median (%d runs), %d RHS evaluations, %.3g cell updates/s",
                         r.wall_seconds, r.wall_seconds_all.count, r.rhs_evaluations, r.cell_updates_per_second))
            print(String(format: "CPU time %.3f s median, %.3g cell updates per CPU second", r.cpu_seconds,
                         r.cell_updates_per_cpu_second))
            print("steps: \(r.accepted_steps) accepted, \(r.rejected_steps) rejected")
            print(String(format: "<m>(1 ns) = (%.7f, %.7f, %.7f)  (mumax3: -0.9846124, 0.1260409, 0.0432712)",
                         r.final_m[0], r.final_m[1], r.final_m[2]))
            print(String(format: "first <m_x> zero crossing: %.4f ns  (OOMMF: 0.1385 ns)", r.mx_zero_crossing_ns ?? .nan))
        }
    }
}
