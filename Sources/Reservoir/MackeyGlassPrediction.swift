import Numerics

/// Mackey-Glass time-series prediction as in Chen et al., Nat. Commun. 13, 1016 (2022) (skyrmion
/// reservoir, Fig. 4): 10,000 samples of `MackeyGlass` (one per time unit) are fed as u(n) = x(n); the
/// readout maps the states at n to x(n + H) for every horizon H in `horizons` (all horizons fitted at once
/// as outputs of one readout). States 0..<300 are discarded (washout), rows 300..<5000 train the readout
/// (4,700 rows; their targets x(n + H) may lie beyond 5000), rows n in 5000..<10000 with n + H < 10000
/// test it. Score: NRMSE per horizon (`nrmse_per_horizon`), plus `nrmse_h1` (one-step) and `nrmse_mean`.
/// The input is the raw series (values about 0.2 to 1.4); a `TimeMultiplexer` scales it into device
/// units (Chen et al. scale masked values by 0.4).
public struct MackeyGlassPrediction: ReservoirTask {
    public var generator: MackeyGlass
    /// Number of samples.
    public var length: Int
    /// Initial samples discarded (reservoir washout).
    public var discard: Int
    /// End (exclusive) of the training rows; the test rows follow.
    public var trainEnd: Int
    /// Prediction horizons H, in samples.
    public var horizons: ClosedRange<Int>
    public var ridge: RidgeReadout.Selection

    public init(generator: MackeyGlass = MackeyGlass(), length: Int = 10_000, discard: Int = 300, trainEnd: Int = 5_000,
                horizons: ClosedRange<Int> = 0...79,
                ridge: RidgeReadout.Selection = .crossValidated(.init(perOutput: true))) {
        self.generator = generator
        self.length = length
        self.discard = discard
        self.trainEnd = trainEnd
        self.horizons = horizons
        self.ridge = ridge
    }

    public var name: String { "mackey-glass" }

    private func checkSplit() throws {
        guard horizons.lowerBound >= 0, discard >= 0, discard + 2 <= trainEnd, trainEnd + horizons.upperBound < length else {
            throw ReservoirError.insufficientData(task: name, needed: max(trainEnd + horizons.upperBound + 1, discard + 2),
                                                  available: length)
        }
    }

    public func inputSequences() throws -> [Matrix] {
        try checkSplit()
        return [scalarSequence(try generator.series(count: length))]
    }

    public func score(_ reservoir: ReservoirStates) throws -> ReservoirResult {
        try checkSplit()
        let x = try generator.series(count: length)
        let states = try reservoir.single(rows: length, task: name)
        let hs = Array(horizons)
        let trainRows = discard..<trainEnd
        var y = Matrix(rows: trainRows.count, columns: hs.count)
        for (i, n) in trainRows.enumerated() { for (j, h) in hs.enumerated() { y[i, j] = x[n + h] } }
        let readout = try RidgeReadout.fit(features: states.rows(trainRows), targets: y, selection: ridge)
        let prediction = readout.predict(states.rows(trainEnd..<length))
        var perHorizon = [Double]()
        for (j, h) in hs.enumerated() {
            let rows = trainEnd..<(length - h)
            let p = rows.map { prediction[$0 - trainEnd, j] }
            let t = rows.map { x[$0 + h] }
            perHorizon.append(ReservoirMetrics.nrmse(prediction: p, target: t))
        }
        var metrics = ["nrmse_mean": perHorizon.reduce(0, +) / Double(perHorizon.count)]
        if let j1 = hs.firstIndex(of: 1) { metrics["nrmse_h1"] = perHorizon[j1] }
        return ReservoirResult(task: name, source: reservoir.sourceName, nodes: reservoir.nodes, metrics: metrics,
                               profiles: ["nrmse_per_horizon": perHorizon, "horizons": hs.map(Double.init)],
                               ridgeLambdas: readout.lambdas, trainSamples: trainRows.count,
                               testSamples: length - trainEnd)
    }
}
