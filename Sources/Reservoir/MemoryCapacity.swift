import Numerics

/// Short-term memory capacity (Jaeger, GMD Report 152 (2002)): with u(n) i.i.d. uniform in [-1, 1], one
/// readout output per delay k is trained on u(n - k), and
///
///     MC = sum_{k=0..K} r^2(y_k, u(n - k)),
///
/// r^2 the squared correlation between output and target on the test rows (held-out data, so an output
/// that learned nothing scores ~1/T_test, not the N/T_train of the training fit). We include k = 0 since
/// our states at n have already seen u(n); for any N-node reservoir MC <= N (Jaeger 2002, Prop. 2).
/// K defaults to 2N. A per-delay r^2 below `threshold` counts as 0 (Dambre et al., Sci. Rep. 2, 514
/// (2012), sec. Methods, suppress finite-sample bias this way); the default 0 keeps every value.
/// Rows 0..<max(washout, K) are discarded, then `trainRows` train and the rest test.
public struct MemoryCapacity: ReservoirTask {
    public var length: Int
    public var washout: Int
    public var trainRows: Int
    /// K, the largest delay (nil: 2N).
    public var maxDelay: Int?
    public var threshold: Double
    public var seed: UInt64
    public var ridge: RidgeReadout.Selection

    public init(length: Int = 6_000, washout: Int = 200, trainRows: Int = 3_000, maxDelay: Int? = nil,
                threshold: Double = 0, seed: UInt64 = 1,
                ridge: RidgeReadout.Selection = .crossValidated(.init(perOutput: true))) {
        self.length = length
        self.washout = washout
        self.trainRows = trainRows
        self.maxDelay = maxDelay
        self.threshold = threshold
        self.seed = seed
        self.ridge = ridge
    }

    public var name: String { "memory-capacity" }

    private var input: [Double] {
        var rng = SeededRandom(seed: seed)
        return (0..<length).map { _ in rng.uniform(-1, 1) }
    }

    public func inputSequences() throws -> [Matrix] { [scalarSequence(input)] }

    public func score(_ reservoir: ReservoirStates) throws -> ReservoirResult {
        let u = input
        return try capacityProfile(task: name, reservoir: reservoir, length: length, maxDelay: maxDelay ?? 2 * reservoir.nodes,
                                   washout: washout, trainRows: trainRows, threshold: threshold, ridge: ridge,
                                   metric: "capacity", profile: "capacity_per_delay") { n, delay in u[n - delay] }
    }
}

/// Shared by the memory and parity capacities: trains one output per delay 0...maxDelay on
/// `target(n, delay)` and sums the test r^2.
func capacityProfile(task: String, reservoir: ReservoirStates, length: Int, maxDelay: Int, washout: Int,
                     trainRows: Int, threshold: Double, ridge: RidgeReadout.Selection, metric: String, profile: String,
                     target: (Int, Int) -> Double) throws -> ReservoirResult {
    let start = max(washout, maxDelay)
    guard maxDelay >= 0, trainRows >= 2, start + trainRows + 2 <= length else {
        throw ReservoirError.insufficientData(task: task, needed: start + trainRows + 2, available: length)
    }
    let states = try reservoir.single(rows: length, task: task)
    let trainEnd = start + trainRows
    let delays = 0...maxDelay
    var y = Matrix(rows: length - start, columns: delays.count)
    for n in start..<length { for k in delays { y[n - start, k] = target(n, k) } }
    let readout = try RidgeReadout.fit(features: states.rows(start..<trainEnd), targets: y.rows(0..<trainRows),
                                       selection: ridge)
    let p = readout.predict(states.rows(trainEnd..<length))
    let testTargets = y.rows(trainRows..<(length - start))
    var capacities = [Double]()
    for k in delays {
        let r2 = ReservoirMetrics.squaredCorrelation(p.column(k), testTargets.column(k))
        capacities.append(r2 < threshold ? 0 : r2)
    }
    return ReservoirResult(task: task, source: reservoir.sourceName, nodes: reservoir.nodes,
                           metrics: [metric: capacities.reduce(0, +)], profiles: [profile: capacities],
                           ridgeLambdas: readout.lambdas, trainSamples: trainRows, testSamples: length - trainEnd)
}
