import Numerics
import ArgumentParser
import Benchmarks
import Foundation
import Workflows

/// `spinode bench threads`: speed-up of the threaded micromagnetic solver.
struct BenchThreads: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "threads",
        abstract: "Speed-up of the threaded micromagnetic solver on the skyrmion disk and SP4.",
        discussion: """
        Integrates the skyrmion disk of Datasets/specs/skyrmion-disk.toml (80 x 80 cells, RK4 at 25 fs, from a Neel skyrmion) and muMAG standard problem 4 (128 x 32 cells, RK4 at 0.8 ps, field 1) for each thread count in --threads (and each demag precision in --demag-precision), the counts interleaved round by round so that a shared machine's load falls on all alike, and reports per problem and count the median wall time, the wall seconds per simulated ns and the speed-up over the first count. The first round is a warm-up and is not counted. The load average before and after is reported too: on a machine busy with other work a thread count cannot get cores of its own, and the speed-up says so.

        Example: spinode bench threads --threads 1,2 --demag-precision float64,float32 --demag-split shares,components --rounds 5 --json
        """
    )

    @Option(help: "Thread counts, comma-separated (the first is the reference of the speed-up).") var threads = "1,2"
    @Option(help: "Timed rounds (the median is reported).") var rounds = 5
    @Option(help: "Demag transform precisions, comma-separated: float64, float32 (each runs every thread count).")
    var demagPrecision = "float64"
    @Option(help: "How the demag convolution is shared among threads, comma-separated: auto (the solver's choice), shares, components (components applies to a single layer on two threads; elsewhere shares run). Each runs every thread count above one.")
    var demagSplit = "auto"
    @Option(help: "Simulated time per skyrmion-disk run, seconds.") var skyrmionDuration = 2.5e-12
    @Option(help: "Simulated time per SP4 run, seconds.") var sp4Duration = 40e-12
    @Flag(help: "Print one JSON object.") var json = false

    func counts() -> [Int]? {
        let parts = threads.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil && (1...4096).contains($0!) }) else { return nil }
        return parts.map { $0! }
    }

    func validate() throws {
        guard ThreadScalingBenchmark.precisions(demagPrecision) != nil else {
            throw ValidationError("--demag-precision must be a comma-separated list of float64, float32 (each once), got '\(demagPrecision)'")
        }
        guard ThreadScalingBenchmark.splits(demagSplit) != nil else {
            throw ValidationError("--demag-split must be a comma-separated list of auto, shares, components (each once), got '\(demagSplit)'")
        }
        guard counts() != nil else { throw ValidationError("--threads must be a comma-separated list of integers from 1 to 4096, got '\(threads)'") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be >= 1, got \(rounds)") }
        guard skyrmionDuration.isFinite, skyrmionDuration > 0, sp4Duration.isFinite, sp4Duration > 0 else {
            throw ValidationError("--skyrmion-duration and --sp4-duration must be times > 0 s")
        }
    }

    func run() throws {
        BLAS.settleWorkerThreads()
        var b = ThreadScalingBenchmark()
        b.threads = counts()!
        b.precisions = ThreadScalingBenchmark.precisions(demagPrecision)!
        b.splits = ThreadScalingBenchmark.splits(demagSplit)!
        b.rounds = rounds
        b.skyrmionDuration = skyrmionDuration
        b.sp4Duration = sp4Duration
        let report = try b.run()
        let machine = MachineDescription(threads: b.threads)
        if json {
            print(try JSONOutput.string(MachineTagged(report, machine: machine)))
            return
        }
        print(machine.header)
        print(String(format: "load average %.2f before, %.2f after; median of %d rounds", report.load_average_before,
                     report.load_average_after, report.rounds))
        print("problem         cells   demag     split        threads   median wall (s)   s per simulated ns   speed-up")
        for r in report.rows {
            print(r.problem.padding(toLength: 15, withPad: " ", startingAt: 0)
                  + String(format: " %5d   ", r.cells) + r.demag_precision.padding(toLength: 7, withPad: " ", startingAt: 0)
                  + "   " + r.demag_split.padding(toLength: 10, withPad: " ", startingAt: 0)
                  + String(format: "   %7d   %15.4f   %18.2f   %8.2f", r.threads, r.median_wall_s,
                           r.wall_s_per_simulated_ns, r.speedup))
        }
    }
}
