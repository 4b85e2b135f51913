import Numerics

/// The tenth-order nonlinear autoregressive moving average system (Atiya and Parlos, IEEE Trans. Neural
/// Netw. 11, 697 (2000); as a reservoir benchmark: Appeltant et al., Nat. Commun. 2, 468 (2011)):
///
///     y(t+1) = 0.3 y(t) + 0.05 y(t) sum_{i=0..9} y(t-i) + 1.5 u(t-9) u(t) + 0.1,
///
/// u(t) i.i.d. uniform in [0, 0.5]. We set y(0) = ... = y(9) = 0 and apply the recursion for t >= 9.
public enum NARMA10 {
    /// `count` inputs uniform in [0, 0.5), reproducible from `seed`.
    public static func inputs(count: Int, seed: UInt64) -> [Double] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in rng.uniform(0, 0.5) }
    }

    /// y(0..<u.count + 1): y(t+1) from u(0...t). Throws if the recursion diverges (|y| > 1e3), which
    /// happens for rare input draws.
    public static func outputs(inputs u: [Double]) throws -> [Double] {
        var y = [Double](repeating: 0, count: u.count + 1)
        guard u.count >= 10 else { return y }
        for t in 9..<u.count {
            var sum = 0.0
            for i in 0...9 { sum += y[t - i] }
            y[t + 1] = 0.3 * y[t] + 0.05 * y[t] * sum + 1.5 * u[t - 9] * u[t] + 0.1
            guard y[t + 1].isFinite && abs(y[t + 1]) < 1e3 else {
                throw ReservoirError.nonFiniteValue(what: "NARMA10 recursion (diverged)", index: t + 1, value: y[t + 1])
            }
        }
        return y
    }
}

/// NARMA10 emulation: the reservoir sees u(t) and the readout of the states at t is trained on y(t+1)
/// (the next output, which depends on u(t) and u(t-9)). Rows 0..<washout discarded, washout..<trainEnd
/// train, trainEnd..<length test; score NRMSE on the test rows.
public struct NARMA10Emulation: ReservoirTask {
    public var length: Int
    public var washout: Int
    public var trainEnd: Int
    public var seed: UInt64
    public var ridge: RidgeReadout.Selection

    public init(length: Int = 5_000, washout: Int = 200, trainEnd: Int = 3_000, seed: UInt64 = 1,
                ridge: RidgeReadout.Selection = .crossValidated(.init())) {
        self.length = length
        self.washout = washout
        self.trainEnd = trainEnd
        self.seed = seed
        self.ridge = ridge
    }

    public var name: String { "narma10" }

    private func checkSplit() throws {
        guard washout >= 10, washout + 2 <= trainEnd, trainEnd + 2 <= length else {
            throw ReservoirError.insufficientData(task: name, needed: max(washout + 2, 12) + 2, available: length)
        }
    }

    public func inputSequences() throws -> [Matrix] {
        try checkSplit()
        let u = NARMA10.inputs(count: length, seed: seed)
        _ = try NARMA10.outputs(inputs: u)   // fail before driving a device if this draw diverges
        return [scalarSequence(u)]
    }

    public func score(_ reservoir: ReservoirStates) throws -> ReservoirResult {
        try checkSplit()
        let u = NARMA10.inputs(count: length, seed: seed)
        let y = try NARMA10.outputs(inputs: u)
        let states = try reservoir.single(rows: length, task: name)
        let target = Matrix(rows: length, columns: 1, storage: Array(y[1...]))
        let readout = try RidgeReadout.fit(features: states.rows(washout..<trainEnd),
                                           targets: target.rows(washout..<trainEnd), selection: ridge)
        let p = readout.predict(states.rows(trainEnd..<length)).storage
        let nrmse = ReservoirMetrics.nrmse(prediction: p, target: Array(y[(trainEnd + 1)...]))
        let trainP = readout.predict(states.rows(washout..<trainEnd)).storage
        let trainNRMSE = ReservoirMetrics.nrmse(prediction: trainP, target: Array(y[(washout + 1)...trainEnd]))
        var result = ReservoirResult(task: name, source: reservoir.sourceName, nodes: reservoir.nodes,
                                     metrics: ["nrmse": nrmse, "nrmse_train": trainNRMSE],
                                     ridgeLambdas: readout.lambdas, trainSamples: trainEnd - washout,
                                     testSamples: length - trainEnd)
        result.testSeries = ["test_target": Array(y[(trainEnd + 1)...]), "test_prediction": p]
        return result
    }
}
