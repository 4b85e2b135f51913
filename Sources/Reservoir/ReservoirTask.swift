import Numerics

/// A reservoir-computing benchmark: it generates (or holds) input sequences, and from the reservoir states
/// of those sequences trains a linear readout and scores it on held-out data. Every task runs unchanged on
/// every source (a device through a `TimeMultiplexer`, or the ESN), and because inputs and scoring are
/// separate steps, the inputs of many tasks and masks can go to a device as one batch
/// (`ReservoirRunner.run(_:on:masks:)`).
public protocol ReservoirTask: Sendable {
    /// Short name, e.g. "mackey-glass", "narma10".
    var name: String { get }
    /// The input sequences the task drives the reservoir with (each T_b x C). Deterministic (seeded).
    func inputSequences() throws -> [Matrix]
    /// Trains the readout on, and scores, the states of `inputSequences()`.
    func score(_ states: ReservoirStates) throws -> ReservoirResult
}

/// The states a feature source produced for a task's input sequences.
public struct ReservoirStates: Sendable {
    /// One T_b x N matrix per input sequence.
    public var sequences: [Matrix]
    /// Name of the feature source, for the result.
    public var sourceName: String
    /// N.
    public var nodes: Int

    /// Checks the states against the inputs they came from (count, rows, N columns, finite values).
    public init(sequences: [Matrix], sourceName: String, nodes: Int, inputs: [Matrix]) throws {
        guard sequences.count == inputs.count else {
            throw ReservoirError.deviceOutputMismatch(device: sourceName, expected: inputs.count, got: sequences.count,
                                                      sequence: -1)
        }
        for (b, s) in sequences.enumerated() {
            guard s.rows == inputs[b].rows, s.columns == nodes else {
                throw ReservoirError.deviceOutputMismatch(device: sourceName, expected: inputs[b].rows * nodes,
                                                          got: s.count, sequence: b)
            }
            if let bad = s.storage.firstIndex(where: { !$0.isFinite }) {
                throw ReservoirError.nonFiniteValue(what: "states of \(sourceName), sequence \(b)", index: bad,
                                                    value: s.storage[bad])
            }
        }
        self.sequences = sequences
        self.sourceName = sourceName
        self.nodes = nodes
    }

    /// The states of a single-sequence task, checked to have `rows` rows.
    func single(rows: Int, task: String) throws -> Matrix {
        guard sequences.count == 1, sequences[0].rows == rows, sequences[0].columns == nodes else {
            throw ReservoirError.deviceOutputMismatch(device: sourceName, expected: rows, got: sequences.first?.rows ?? 0,
                                                      sequence: 0)
        }
        return sequences[0]
    }
}

extension ReservoirTask {
    /// Drives `source` with the task's inputs and scores the states.
    public func evaluate(on source: ReservoirFeatureSource) throws -> ReservoirResult {
        let inputs = try inputSequences()
        let states = try source.states(for: inputs)
        return try score(ReservoirStates(sequences: states, sourceName: source.name, nodes: source.nodeCount,
                                         inputs: inputs))
    }
}

/// The outcome of one task on one feature source.
public struct ReservoirResult: Sendable, Codable, Equatable {
    /// Task name.
    public var task: String
    /// Feature-source name.
    public var source: String
    /// N, the number of (virtual) nodes.
    public var nodes: Int
    /// Scalar figures of merit, e.g. "nrmse", "accuracy", "capacity" (dimensionless).
    public var metrics: [String: Double]
    /// Figures of merit as functions of an index, e.g. "nrmse_per_horizon" (H = 0, 1, ...),
    /// "capacity_per_delay" (k = 0, 1, ...).
    public var profiles: [String: [Double]]
    /// The ridge parameter of each readout output.
    public var ridgeLambdas: [Double]
    /// Rows (time steps) the readout was trained on, and tested on.
    public var trainSamples: Int
    public var testSamples: Int
    /// Wall-clock time of the whole task, in seconds.
    public var wallSeconds: Double
    /// Device time simulated for the task, in seconds, summed over all sequences (0 for software reservoirs).
    public var deviceSeconds: Double
    /// Per-step series of the test set for a figure of tasks without a profile, e.g. "test_target" and
    /// "test_prediction" (NARMA10: y(n+1) and the readout; sine/square: label and class). Not in the JSON.
    public var testSeries: [String: [Double]] = [:]

    /// JSON keys in snake_case, as every `spinode --json` output (docs/architecture.md).
    enum CodingKeys: String, CodingKey {
        case task, source, nodes, metrics, profiles, ridgeLambdas = "ridge_lambdas", trainSamples = "train_samples"
        case testSamples = "test_samples", wallSeconds = "wall_seconds", deviceSeconds = "device_seconds"
    }

    public init(task: String, source: String, nodes: Int, metrics: [String: Double], profiles: [String: [Double]] = [:],
                ridgeLambdas: [Double], trainSamples: Int, testSamples: Int, wallSeconds: Double = 0,
                deviceSeconds: Double = 0) {
        self.task = task
        self.source = source
        self.nodes = nodes
        self.metrics = metrics
        self.profiles = profiles
        self.ridgeLambdas = ridgeLambdas
        self.trainSamples = trainSamples
        self.testSamples = testSamples
        self.wallSeconds = wallSeconds
        self.deviceSeconds = deviceSeconds
    }
}

/// Runs tasks on feature sources and records wall-clock time and simulated device time.
public enum ReservoirRunner {
    /// One task on one source.
    public static func run(_ task: some ReservoirTask, on source: ReservoirFeatureSource) throws -> ReservoirResult {
        let device0 = source.deviceSecondsSimulated
        let watch = Stopwatch()
        var result = try task.evaluate(on: source)
        result.wallSeconds = watch.elapsedSeconds
        result.deviceSeconds = source.deviceSecondsSimulated - device0
        return result
    }

    /// Every task under every mask on one device, all input sequences sent to the device as **one batch**
    /// (the point of a batched surrogate: one integration for the whole set). `result[m][t]` is task t under
    /// mask m; its `deviceSeconds` counts its own sequences, its `wallSeconds` is the whole batch's.
    public static func run(_ tasks: [any ReservoirTask], on multiplexer: TimeMultiplexer,
                           masks: [InputMask]) throws -> [[ReservoirResult]] {
        let watch = Stopwatch()
        let inputs = try tasks.map { try $0.inputSequences() }
        var allSequences = [Matrix](), allMasks = [InputMask]()
        for mask in masks {
            for seqs in inputs {
                allSequences += seqs
                allMasks += [InputMask](repeating: mask, count: seqs.count)
            }
        }
        let states = try multiplexer.states(for: allSequences, masks: allMasks)
        var results = [[ReservoirResult]]()
        var offset = 0
        for (m, _) in masks.enumerated() {
            var row = [ReservoirResult]()
            for (t, task) in tasks.enumerated() {
                let count = inputs[t].count
                let mine = Array(states[offset..<(offset + count)])
                offset += count
                var r = try task.score(ReservoirStates(sequences: mine, sourceName: "\(multiplexer.name), mask \(m)",
                                                       nodes: multiplexer.nodeCount, inputs: inputs[t]))
                let samples = inputs[t].reduce(0) { $0 + $1.rows }
                r.deviceSeconds = Double(samples) * Double(multiplexer.nodeCount) * multiplexer.nodeDuration
                row.append(r)
            }
            results.append(row)
        }
        let wall = watch.elapsedSeconds
        for m in results.indices { for t in results[m].indices { results[m][t].wallSeconds = wall } }
        return results
    }
}

// MARK: - Shared helpers of the tasks

extension Matrix {
    /// Rows `range` as a new matrix.
    func rows(_ range: Range<Int>) -> Matrix {
        Matrix(rows: range.count, columns: columns,
               storage: Array(storage[(range.lowerBound * columns)..<(range.upperBound * columns)]))
    }

    /// The rows of several matrices with equal column counts, one under the other.
    static func stacking(_ parts: [Matrix], columns: Int) -> Matrix {
        var s = [Double]()
        s.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for p in parts { precondition(p.columns == columns, "Matrix.stacking: \(p.columns) vs \(columns) columns"); s += p.storage }
        return Matrix(rows: s.count / Swift.max(columns, 1), columns: columns, storage: s)
    }

    /// Column j as an array.
    func column(_ j: Int) -> [Double] { (0..<rows).map { self[$0, j] } }
}

/// A scalar series as a T x 1 input sequence.
func scalarSequence(_ x: [Double]) -> Matrix { Matrix(rows: x.count, columns: 1, storage: x) }
