import Foundation
import Devices
import Numerics
import Reservoir

/// The costs of the reservoir layer itself (ESN states, readout fitting with cross-validation,
/// time-multiplexing overhead), apart from the device simulation it drives; median of `repeats` runs each.
public struct ReservoirLayerBenchmark: Sendable {
    /// Timed repetitions per case (the median is reported) and ESN nodes for the esn-states cases.
    public var repeats: Int
    public var nodes: Int

    public init(repeats: Int = 5, nodes: Int = 100) {
        self.repeats = repeats
        self.nodes = nodes
    }

    /// One timed case: its name, problem size, median wall time (s) and a rate for people (not in JSON).
    public struct Case: Sendable, Encodable {
        public var name: String
        public var size: String
        public var medianSeconds: Double
        public var rate: String

        enum CodingKeys: String, CodingKey { case name = "case", size, medianSeconds = "median_s" }
    }

    /// A device whose output is its input (no dynamics): isolates the multiplexer's own cost.
    final class PassThrough: Device {
        let name = "pass-through"
        let sampleInterval = 1e-12
        func respond(to inputs: [[Double]]) throws -> [[Double]] { inputs }
    }

    /// Runs every case with fixed seeds: esn-states (1 and 16 sequences of 10,000 steps), ridge-cv (the
    /// Mackey-Glass readout, 4,700 x 50, 80 outputs), ridge-cv-large (20,000 x 400, 10 outputs), ridge-svd and
    /// ridge-cholesky (one fit, 4,700 x 50), multiplexing (10,000 samples x 50 nodes x hold 2).
    public func run() throws -> [Case] {
        var rng = SeededRandom(seed: 1)
        var cases = [Case]()
        func median(_ body: () throws -> Void) throws -> Double { try Stopwatch.medianSeconds(repeats: repeats, body) }

        let esn = try EchoStateNetwork(configuration: .init(nodes: nodes, seed: 1))
        let one = [(0..<10_000).map { _ in rng.uniform(-1, 1) }]
        let t1 = try median { _ = try esn.states(forScalarSequences: one) }
        cases.append(Case(name: "esn-states", size: "N \(nodes), 1 x 10000", medianSeconds: t1,
                          rate: String(format: "%.3e steps/s", 10_000 / t1)))
        let batch = (0..<16).map { _ in (0..<10_000).map { _ in rng.uniform(-1, 1) } }
        let t16 = try median { _ = try esn.states(forScalarSequences: batch) }
        cases.append(Case(name: "esn-states", size: "N \(nodes), 16 x 10000", medianSeconds: t16,
                          rate: String(format: "%.3e steps/s", 160_000 / t16)))

        func ridgeCase(_ name: String, t: Int, n: Int, k: Int) throws {
            let x = Matrix(rows: t, columns: n) { _, _ in rng.normal() }
            let y = Matrix(rows: t, columns: k) { _, _ in rng.normal() }
            let cv = RidgeReadout.CrossValidation(perOutput: true)
            let s = try median { _ = try RidgeReadout.fit(features: x, targets: y, selection: .crossValidated(cv)) }
            cases.append(Case(name: name, size: "\(t) x \(n), \(k) outputs, \(cv.folds) folds x \(cv.lambdas.count) lambdas",
                              medianSeconds: s, rate: ""))
        }
        try ridgeCase("ridge-cv", t: 4_700, n: 50, k: 80)
        try ridgeCase("ridge-cv-large", t: 20_000, n: 400, k: 10)

        let a = Matrix(rows: 4_700, columns: 50) { _, _ in rng.normal() }
        let b = Matrix(rows: 4_700, columns: 80) { _, _ in rng.normal() }
        let tsvd = try median { _ = try LinearLeastSquares.ridge(a: a, b: b, lambda: 1e-4) }
        cases.append(Case(name: "ridge-svd", size: "4700 x 50, 80 outputs", medianSeconds: tsvd, rate: ""))
        let tchol = try median { _ = try LinearLeastSquares.ridgeByNormalEquations(a: a, b: b, lambda: 1e-4) }
        cases.append(Case(name: "ridge-cholesky", size: "4700 x 50, 80 outputs", medianSeconds: tchol,
                          rate: String(format: "SVD / Cholesky %.1f", tsvd / tchol)))

        let tm = try TimeMultiplexer(device: PassThrough(), mask: InputMask(nodes: 50, distribution: .binary, seed: 1),
                                     holdSamples: 2)
        let seq = Matrix(rows: 10_000, columns: 1) { _, _ in rng.uniform(-1, 1) }
        let tmux = try median { _ = try tm.states(for: [seq]) }
        cases.append(Case(name: "multiplexing", size: "10000 x 50 x 2", medianSeconds: tmux,
                          rate: String(format: "%.3e device samples/s", 1e6 / tmux)))
        return cases
    }
}
