import Numerics

/// Sine/square waveform classification (Paquot et al., Sci. Rep. 2, 287 (2012); with spintronic
/// oscillators: Riou et al., Phys. Rev. Applied 12, 024049 (2019)): the input is a random concatenation of
/// 8-point periods, either sine (0, .7071, 1, .7071, 0, -.7071, -1, -.7071) or square
/// (1, 1, 1, 1, -1, -1, -1, -1), each chosen with probability 1/2; every time step carries the label of its
/// period (0 sine, 1 square). The first `trainPeriods` periods train a one-vs-all linear classifier (the
/// first `washout` steps discarded), the rest test it; score: accuracy per time step on the test part.
public struct SineSquareClassification: ReservoirTask {
    public static let sine: [Double] = [0, 0.7071, 1, 0.7071, 0, -0.7071, -1, -0.7071]
    public static let square: [Double] = [1, 1, 1, 1, -1, -1, -1, -1]

    public var periods: Int
    public var trainPeriods: Int
    /// Time steps discarded at the start (reservoir washout).
    public var washout: Int
    public var seed: UInt64
    public var ridge: RidgeReadout.Selection

    public init(periods: Int = 300, trainPeriods: Int = 150, washout: Int = 16, seed: UInt64 = 1,
                ridge: RidgeReadout.Selection = .crossValidated(.init())) {
        self.periods = periods
        self.trainPeriods = trainPeriods
        self.washout = washout
        self.seed = seed
        self.ridge = ridge
    }

    public var name: String { "sine-square" }

    /// The input signal (8 `periods` values) and the label of each time step.
    public static func signal(periods: Int, seed: UInt64) -> (input: [Double], labels: [Int]) {
        var rng = SeededRandom(seed: seed)
        var input = [Double](), labels = [Int]()
        input.reserveCapacity(8 * periods)
        labels.reserveCapacity(8 * periods)
        for _ in 0..<periods {
            let square = rng.next() >> 63 == 1
            input += square ? Self.square : Self.sine
            labels += [Int](repeating: square ? 1 : 0, count: 8)
        }
        return (input, labels)
    }

    private func checkSplit() throws {
        let trainEnd = 8 * trainPeriods, length = 8 * periods
        guard washout >= 0, washout + 16 <= trainEnd, trainEnd < length else {
            throw ReservoirError.insufficientData(task: name, needed: max(washout + 16, trainEnd + 1), available: length)
        }
    }

    public func inputSequences() throws -> [Matrix] {
        try checkSplit()
        return [scalarSequence(Self.signal(periods: periods, seed: seed).input)]
    }

    public func score(_ reservoir: ReservoirStates) throws -> ReservoirResult {
        try checkSplit()
        let trainEnd = 8 * trainPeriods, length = 8 * periods
        let labels = Self.signal(periods: periods, seed: seed).labels
        let states = try reservoir.single(rows: length, task: name)
        let classifier = try LinearClassifier.fit(features: states.rows(washout..<trainEnd),
                                                  labels: Array(labels[washout..<trainEnd]), classes: 2, selection: ridge)
        let predicted = classifier.classify(states.rows(trainEnd..<length))
        let accuracy = ReservoirMetrics.accuracy(predicted: predicted, actual: Array(labels[trainEnd...]))
        let trainAccuracy = ReservoirMetrics.accuracy(predicted: classifier.classify(states.rows(washout..<trainEnd)),
                                                      actual: Array(labels[washout..<trainEnd]))
        var result = ReservoirResult(task: name, source: reservoir.sourceName, nodes: reservoir.nodes,
                                     metrics: ["accuracy": accuracy, "accuracy_train": trainAccuracy],
                                     ridgeLambdas: classifier.readout.lambdas, trainSamples: trainEnd - washout,
                                     testSamples: length - trainEnd)
        result.testSeries = ["test_target": labels[trainEnd...].map(Double.init), "test_prediction": predicted.map(Double.init)]
        return result
    }
}
