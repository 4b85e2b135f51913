import Numerics

/// A reservoir-computing benchmark: it generates (or holds) input sequences and targets, asks a
/// `ReservoirFeatureSource` for the states, trains a linear readout and scores it on held-out data.
/// Every task runs unchanged on every source (a device through a `TimeMultiplexer`, or the ESN).
public protocol ReservoirTask: Sendable {
    /// Short name, e.g. "mackey-glass", "narma10".
    var name: String { get }
    /// Runs the task on `source` and returns its scores (wall and device time are filled by `ReservoirRunner`).
    func evaluate(on source: ReservoirFeatureSource) throws -> ReservoirResult
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

/// Runs a task on a feature source and records wall-clock time and simulated device time.
public enum ReservoirRunner {
    public static func run(_ task: some ReservoirTask, on source: ReservoirFeatureSource) throws -> ReservoirResult {
        let device0 = source.deviceSecondsSimulated
        let clock = ContinuousClock()
        let start = clock.now
        var result = try task.evaluate(on: source)
        let elapsed = clock.now - start
        result.wallSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        result.deviceSeconds = source.deviceSecondsSimulated - device0
        return result
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

/// The states of one scalar input sequence, checked for shape.
func singleSequenceStates(_ source: ReservoirFeatureSource, input: [Double], task: String) throws -> Matrix {
    guard source.inputChannels == 1 else {
        throw ReservoirError.inputChannelMismatch(source: source.name, expected: source.inputChannels, got: 1, sequence: 0)
    }
    let states = try source.states(forScalarSequences: [input])
    guard states.count == 1, states[0].rows == input.count, states[0].columns == source.nodeCount else {
        throw ReservoirError.deviceOutputMismatch(device: source.name, expected: input.count,
                                                  got: states.first?.rows ?? 0, sequence: 0)
    }
    if let bad = states[0].storage.firstIndex(where: { !$0.isFinite }) {
        throw ReservoirError.nonFiniteValue(what: "\(task): states of \(source.name)", index: bad, value: states[0].storage[bad])
    }
    return states[0]
}
