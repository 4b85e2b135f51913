import Numerics
import ArgumentParser
import Benchmarks
import Foundation
import Workflows

/// `spinode bench devices`: throughput of the macrospin STNO and the auto-oscillator.
struct BenchDevices: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "Throughput of the reference devices (macrospin STNO, universal auto-oscillator).",
        discussion: """
        Drives COPIES independent copies with SAMPLES random inputs each and reports the median wall\
        time of REPEATS runs, device samples per second and integration sub-steps per second. \
        JSON: one object with the machine (CPU model, vector extension of the build, threads) and the results.

        Macrospin: 50 ps samples, 0.1 ps sub-steps (500 per sample), 1.2 J_c bias.
        Auto-oscillator: 1 ns samples, 10 ps sub-steps (100 per sample), 1.5 I_th bias.

        Example: spinode bench devices --copies 8 --samples 2000 --repeats 5
        """
    )

    @Option(help: "Independent device copies per run.") var copies: Int = 8
    @Option(help: "Samples per copy.") var samples: Int = 1000
    @Option(help: "Timed repetitions (the median is reported).") var repeats: Int = 3
    @Option(help: "Seed of the random drive and the device noise.") var seed: UInt64 = 1
    @Flag(help: "Print a JSON summary instead of a table.") var json = false

    func run() throws {
        BLAS.settleWorkerThreads()
        let results = try DeviceBenchmark.run(copies: copies, samples: samples, repeats: repeats, seed: seed)
        let machine = MachineDescription(threads: [1])
        if json {
            print(try JSONOutput.string(BenchmarkReport(benchmark: "devices", machine: machine, results: results)))
            return
        }
        print(machine.header)
        print("device            mode                     copies x samples   median (s)   samples/s    sub-steps/s")
        for r in results {
            let name = r.device.padding(toLength: 17, withPad: " ", startingAt: 0)
            let mode = r.mode.padding(toLength: 24, withPad: " ", startingAt: 0)
            let size = "\(r.copies) x \(r.samples)".padding(toLength: 18, withPad: " ", startingAt: 0)
            print("\(name) \(mode) \(size) \(String(format: "%10.4f   %10.3e   %10.3e", r.medianSeconds, r.samplesPerSecond, r.substepsPerSecond))")
        }
    }
}
