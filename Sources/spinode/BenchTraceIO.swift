import Numerics
import ArgumentParser
import Benchmarks
import Foundation
import Workflows

/// `spinode bench traceio`: trace-file write and read rates, random window reads (what training
/// does), table import and SHA-256 throughput. Median of --repeats wall-clock timings.
struct BenchTraceIO: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traceio",
        abstract: "Trace file I/O: write, whole read, random 20-sample windows, mumax3 table import, SHA-256.",
        discussion: "Example: spinode bench traceio --samples 1000000 --json"
    )

    @Option(help: "Samples in the benchmark trace (1 input, 1 output channel).")
    var samples: Int = 1_000_000

    @Option(help: "Window length for the random-window benchmark, samples.")
    var window: Int = 20

    @Option(help: "Random windows per timing.")
    var windows: Int = 2000

    @Option(help: "Timings per measurement; the median is reported.")
    var repeats: Int = 5

    @Option(help: "Directory for the temporary files.")
    var directory: String = NSTemporaryDirectory()

    @Option(help: "Seed of the random data and windows.")
    var seed: UInt64 = 1

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard samples > window, window >= 1, windows >= 1, repeats >= 1 else {
            throw ValidationError("need samples > window >= 1, windows >= 1, repeats >= 1")
        }
    }

    func run() throws {
        BLAS.settleWorkerThreads()
        let r = try TraceIOBenchmark(samples: samples, window: window, windows: windows, repeats: repeats,
                                     directory: directory, seed: seed).run()
        let machine = MachineDescription(threads: [1])
        if json {
            print(try JSONOutput.string(MachineTagged(r, machine: machine)))
        } else {
            print(machine.header)
            print("trace of \(r.samples) samples (1 input, 1 output): file \(r.file_bytes) bytes (raw Float64 \(r.raw_float64_bytes)), median of \(r.repeats)")
            print(String(format: "  write       %.3f s  (%.3g samples/s)", r.write_s, r.write_samples_per_s))
            print(String(format: "  read whole  %.3f s  (%.3g samples/s)", r.read_whole_s, r.read_samples_per_s))
            print(String(format: "  window of %d at random: %.1f us each (%d windows)", r.window_length, r.window_read_us, r.windows))
            print(String(format: "  SHA-256     %.1f MB/s", r.sha256_mb_per_s))
            print(String(format: "  mumax3 table import (%d rows, %.1f MB): %.3f s", r.mumax_table_rows, Double(r.mumax_table_bytes) / 1e6,
                         r.mumax_import_s))
        }
    }
}
