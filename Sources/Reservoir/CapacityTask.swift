import Numerics

/// What a capacity task recalls: the drive sequence u(n) it feeds the reservoir and the target of the
/// readout output for delay k at row n. `MemoryCapacity` and `ParityCheckCapacity` are the two kinds.
public protocol CapacityKind: Sendable {
    /// The task's name in reports (`memory-capacity`, `parity-capacity`).
    static var name: String { get }
    /// The drive sequence of `length` samples drawn from `seed`, and target(n, k) for n >= k.
    static func prepare(length: Int, seed: UInt64) -> (drive: [Double], target: @Sendable (Int, Int) -> Double)
}

/// A capacity task (Dambre et al., Sci. Rep. 2, 514 (2012)): one readout output per delay k = 0...K is
/// trained on the kind's target and the capacity is the sum over k of the test r^2 between output and
/// target (held-out data, so an output that learned nothing scores ~1/T_test, not the N/T_train of the
/// training fit). K defaults to 2N. A per-delay r^2 below `threshold` counts as 0 (Dambre et al. 2012,
/// Methods: suppresses the finite-sample bias); the default 0 keeps every value. Rows
/// 0..<max(washout, K) are discarded, then `trainRows` train and the rest test.
public struct CapacityTask<Kind: CapacityKind>: ReservoirTask {
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

    public var name: String { Kind.name }

    public func inputSequences() throws -> [Matrix] {
        [scalarSequence(Kind.prepare(length: length, seed: seed).drive)]
    }

    public func score(_ reservoir: ReservoirStates) throws -> ReservoirResult {
        let target = Kind.prepare(length: length, seed: seed).target
        let maxDelay = self.maxDelay ?? 2 * reservoir.nodes
        let start = max(washout, maxDelay)
        guard maxDelay >= 0, trainRows >= 2, start + trainRows + 2 <= length else {
            throw ReservoirError.insufficientData(task: name, needed: start + trainRows + 2, available: length)
        }
        let states = try reservoir.single(rows: length, task: name)
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
        return ReservoirResult(task: name, source: reservoir.sourceName, nodes: reservoir.nodes,
                               metrics: ["capacity": capacities.reduce(0, +)],
                               profiles: ["capacity_per_delay": capacities],
                               ridgeLambdas: readout.lambdas, trainSamples: trainRows, testSamples: length - trainEnd)
    }
}

extension CapacityTask: SegmentableTask {
    public var washoutSamples: Int { washout }
    public func segment(samples n: Int) throws -> any SegmentableTask {
        let (w, e) = segmentSplit(samples: n, washout: washout, trainEnd: washout + trainRows, length: length)
        guard n >= 40 else { throw ReservoirError.insufficientData(task: name + " segment", needed: 40, available: n) }
        return CapacityTask(length: n, washout: w, trainRows: e - w, maxDelay: maxDelay, threshold: threshold,
                            seed: seed, ridge: ridge)
    }
}
