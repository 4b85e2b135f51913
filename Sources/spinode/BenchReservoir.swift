import ArgumentParser
import Benchmarks
import Devices
import Foundation
import Numerics
import Reservoir

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

    /// A device whose output is its input (no dynamics): isolates the multiplexer's own cost.
    final class PassThrough: Device {
        let name = "pass-through"
        let sampleInterval = 1e-12
        func respond(to inputs: [[Double]]) throws -> [[Double]] { inputs }
    }

    func median(_ body: () throws -> Void) rethrows -> Double {
        var times = [Double]()
        for _ in 0..<max(repeats, 1) {
            let start = ContinuousClock.now
            try body()
            let d = ContinuousClock.now - start
            times.append(Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
        }
        times.sort()
        return times[times.count / 2]
    }

    func run() throws {
        var rng = SeededRandom(seed: 1)
        var rows = [(String, String, Double, String)]()   // case, size, median seconds, rate

        let esn = try EchoStateNetwork(configuration: .init(nodes: nodes, seed: 1))
        let one = [(0..<10_000).map { _ in rng.uniform(-1, 1) }]
        let t1 = try median { _ = try esn.states(forScalarSequences: one) }
        rows.append(("esn-states", "N \(nodes), 1 x 10000", t1, String(format: "%.3e steps/s", 10_000 / t1)))
        let batch = (0..<16).map { _ in (0..<10_000).map { _ in rng.uniform(-1, 1) } }
        let t16 = try median { _ = try esn.states(forScalarSequences: batch) }
        rows.append(("esn-states", "N \(nodes), 16 x 10000", t16, String(format: "%.3e steps/s", 160_000 / t16)))

        func ridgeCase(_ name: String, t: Int, n: Int, k: Int) throws {
            let x = Matrix(rows: t, columns: n) { _, _ in rng.normal() }
            let y = Matrix(rows: t, columns: k) { _, _ in rng.normal() }
            let cv = RidgeReadout.CrossValidation(perOutput: true)
            let s = try median { _ = try RidgeReadout.fit(features: x, targets: y, selection: .crossValidated(cv)) }
            rows.append((name, "\(t) x \(n), \(k) outputs, \(cv.folds) folds x \(cv.lambdas.count) lambdas", s, ""))
        }
        try ridgeCase("ridge-cv", t: 4_700, n: 50, k: 80)
        try ridgeCase("ridge-cv-large", t: 20_000, n: 400, k: 10)

        let a = Matrix(rows: 4_700, columns: 50) { _, _ in rng.normal() }
        let b = Matrix(rows: 4_700, columns: 80) { _, _ in rng.normal() }
        let tsvd = try median { _ = try LinearLeastSquares.ridge(a: a, b: b, lambda: 1e-4) }
        rows.append(("ridge-svd", "4700 x 50, 80 outputs", tsvd, ""))
        let tchol = try median { _ = try LinearLeastSquares.ridgeByNormalEquations(a: a, b: b, lambda: 1e-4) }
        rows.append(("ridge-cholesky", "4700 x 50, 80 outputs", tchol, String(format: "SVD / Cholesky %.1f", tsvd / tchol)))

        let tm = try TimeMultiplexer(device: PassThrough(), mask: InputMask(nodes: 50, distribution: .binary, seed: 1),
                                     holdSamples: 2)
        let seq = Matrix(rows: 10_000, columns: 1) { _, _ in rng.uniform(-1, 1) }
        let tmux = try median { _ = try tm.states(for: [seq]) }
        rows.append(("multiplexing", "10000 x 50 x 2", tmux, String(format: "%.3e device samples/s", 1e6 / tmux)))

        let machine = MachineDescription(threads: [1])
        if json {
            let items = rows.map { "{\"case\": \"\($0.0)\", \"size\": \"\($0.1)\", \"median_s\": \($0.2)}" }
            print("{\"benchmark\": \"reservoir\", \"machine\": \(machine.json), \"results\": [" + items.joined(separator: ", ") + "]}")
            return
        }
        print(machine.header)
        print("case             size                                                  median (s)   rate")
        for r in rows {
            print(r.0.padding(toLength: 16, withPad: " ", startingAt: 0) + " "
                  + r.1.padding(toLength: 53, withPad: " ", startingAt: 0) + String(format: " %10.4f   ", r.2) + r.3)
        }
    }
}
