import Numerics
import ArgumentParser
import Benchmarks
import Devices
import Foundation
import Workflows

/// `spinode bench reservoir`: the costs of the reservoir layer itself (ESN states, readout fitting with
/// cross-validation, time-multiplexing overhead), separate from the device simulation it drives.
struct BenchReservoir: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reservoir",
        abstract: "Throughput of the reservoir layer: ESN states, ridge readout with cross-validation, multiplexing.",
        discussion: """
        Cases (median wall time of REPEATS runs):
          esn-states       ESN, N nodes, one sequence of 10,000 steps, and 16 sequences of 10,000 steps as one batch
          ridge-cv         5-fold CV over 16 lambdas, 4,700 x 50 states, 80 outputs (the Mackey-Glass readout)
          ridge-cv-large   the same with 20,000 x 400 states, 10 outputs (a spoken-digit-sized readout)
          ridge-svd / ridge-cholesky   one fit, 4,700 x 50, 80 outputs, by SVD (dgesdd) and by dposv
          multiplexing     masking + state extraction for 10,000 samples x 50 nodes x hold 2 (pass-through device)

        Example: spinode bench reservoir --repeats 5
        """
    )

    @Option(help: "Timed repetitions (the median is reported).") var repeats: Int = 5
    @Option(help: "ESN nodes for esn-states.") var nodes: Int = 100
    @Flag(help: "Print a JSON summary instead of a table.") var json = false

    func run() throws {
        BLAS.settleWorkerThreads()
        let cases = try ReservoirLayerBenchmark(repeats: repeats, nodes: nodes).run()
        let machine = MachineDescription(threads: [1])
        if json {
            print(try JSONOutput.string(BenchmarkReport(benchmark: "reservoir", machine: machine, results: cases)))
            return
        }
        print(machine.header)
        print("case             size                                                  median (s)   rate")
        for c in cases {
            print(c.name.padding(toLength: 16, withPad: " ", startingAt: 0) + " "
                  + c.size.padding(toLength: 53, withPad: " ", startingAt: 0) + String(format: " %10.4f   ", c.medianSeconds) + c.rate)
        }
    }
}
