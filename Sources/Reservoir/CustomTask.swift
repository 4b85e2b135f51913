import Numerics

/// A task from arrays: the user's input sequences (each T_b x C) with targets or labels, e.g. traces of
/// an experiment or a spoken-digit set (file loading is the job of TraceIO; this type takes arrays).
///
/// Split: `.sequences(train)` trains on the first `train` sequences and tests on the rest (the usual
/// choice for a classification set); `.rows(trainEnd)` trains on rows washout..<trainEnd of every
/// sequence and tests on rows trainEnd..< (a single long time series). The first `washout` rows of every
/// sequence are discarded in both cases.
/// Scores: regression: NRMSE per output on the test rows (`nrmse_per_output`) and their mean (`nrmse`);
/// step labels: accuracy per time step; sequence labels: accuracy of the argmax of the readout outputs
/// summed over each test sequence (`accuracy`), and per time step (`accuracy_per_step`).
public struct CustomTask: ReservoirTask {
    /// What is to be learned.
    public enum Targets: Sendable {
        /// Per-step targets, one T_b x K matrix per sequence.
        case regression([Matrix])
        /// A label in 0..<classes per time step of every sequence.
        case stepLabels([[Int]], classes: Int)
        /// One label in 0..<classes per sequence (the label of every one of its steps when training).
        case sequenceLabels([Int], classes: Int)
    }

    /// How data are split into training and test.
    public enum Split: Sendable, Equatable {
        case sequences(train: Int)
        case rows(trainEnd: Int)
    }

    public var name: String
    public var inputs: [Matrix]
    public var targets: Targets
    public var split: Split
    public var washout: Int
    public var ridge: RidgeReadout.Selection

    public init(name: String = "custom", inputs: [Matrix], targets: Targets, split: Split, washout: Int = 0,
                ridge: RidgeReadout.Selection = .crossValidated(.init())) {
        self.name = name
        self.inputs = inputs
        self.targets = targets
        self.split = split
        self.washout = washout
        self.ridge = ridge
    }

    /// Per sequence, the rows used for training and for testing.
    private func rowRanges() throws -> (train: [Range<Int>], test: [Range<Int>]) {
        var train = [Range<Int>](), test = [Range<Int>]()
        for (b, s) in inputs.enumerated() {
            let from = min(washout, s.rows)
            switch split {
            case .sequences(let n):
                guard n >= 1 && n < inputs.count else {
                    throw ReservoirError.invalidParameter(name: "training sequences", value: "\(n)",
                                                          expected: "1..<\(inputs.count) (the rest test)")
                }
                train.append(b < n ? from..<s.rows : from..<from)
                test.append(b < n ? from..<from : from..<s.rows)
            case .rows(let end):
                guard end > washout && end < s.rows else {
                    throw ReservoirError.insufficientData(task: "\(name) sequence \(b)", needed: end + 1, available: s.rows)
                }
                train.append(from..<end)
                test.append(end..<s.rows)
            }
        }
        return (train, test)
    }

    /// Checks that targets or labels match the inputs in number and length.
    private func validate() throws {
        guard !inputs.isEmpty else { throw ReservoirError.insufficientData(task: name, needed: 1, available: 0) }
        let count: Int
        switch targets {
        case .regression(let t): count = t.count
        case .stepLabels(let l, _): count = l.count
        case .sequenceLabels(let l, _): count = l.count
        }
        guard count == inputs.count else {
            throw ReservoirError.rowMismatch(what: "\(name): sequences vs targets", features: inputs.count, targets: count)
        }
        switch targets {
        case .regression(let t):
            for (b, m) in t.enumerated() where m.rows != inputs[b].rows || m.columns != t[0].columns {
                throw ReservoirError.rowMismatch(what: "\(name) targets of sequence \(b)", features: inputs[b].rows, targets: m.rows)
            }
        case .stepLabels(let l, _):
            for (b, m) in l.enumerated() where m.count != inputs[b].rows {
                throw ReservoirError.rowMismatch(what: "\(name) labels of sequence \(b)", features: inputs[b].rows, targets: m.count)
            }
        case .sequenceLabels:
            break
        }
        _ = try rowRanges()
    }

    public func inputSequences() throws -> [Matrix] {
        try validate()
        return inputs
    }

    public func score(_ reservoir: ReservoirStates) throws -> ReservoirResult {
        try validate()
        let (trainRanges, testRanges) = try rowRanges()
        let states = reservoir.sequences
        guard states.count == inputs.count else {
            throw ReservoirError.deviceOutputMismatch(device: reservoir.sourceName, expected: inputs.count,
                                                      got: states.count, sequence: -1)
        }
        for (b, s) in states.enumerated() where s.rows != inputs[b].rows || s.columns != reservoir.nodes {
            throw ReservoirError.deviceOutputMismatch(device: reservoir.sourceName, expected: inputs[b].rows, got: s.rows, sequence: b)
        }
        let n = reservoir.nodes
        let trainX = Matrix.stacking(states.indices.map { states[$0].rows(trainRanges[$0]) }, columns: n)
        let trainRows = trainX.rows, testRows = testRanges.reduce(0) { $0 + $1.count }
        guard trainRows >= 2, testRows >= 1 else {
            throw ReservoirError.insufficientData(task: name, needed: 3, available: trainRows + testRows)
        }
        switch targets {
        case .regression(let t):
            let k = t[0].columns
            let trainY = Matrix.stacking(t.indices.map { t[$0].rows(trainRanges[$0]) }, columns: k)
            let readout = try RidgeReadout.fit(features: trainX, targets: trainY, selection: ridge)
            let testX = Matrix.stacking(states.indices.map { states[$0].rows(testRanges[$0]) }, columns: n)
            let testY = Matrix.stacking(t.indices.map { t[$0].rows(testRanges[$0]) }, columns: k)
            let p = readout.predict(testX)
            let perOutput = (0..<k).map { ReservoirMetrics.nrmse(prediction: p.column($0), target: testY.column($0)) }
            return ReservoirResult(task: name, source: reservoir.sourceName, nodes: n,
                                   metrics: ["nrmse": perOutput.reduce(0, +) / Double(k)],
                                   profiles: ["nrmse_per_output": perOutput], ridgeLambdas: readout.lambdas,
                                   trainSamples: trainRows, testSamples: testRows)
        case .stepLabels(let l, let classes):
            let trainLabels = l.indices.flatMap { Array(l[$0][trainRanges[$0]]) }
            let classifier = try LinearClassifier.fit(features: trainX, labels: trainLabels, classes: classes, selection: ridge)
            let testX = Matrix.stacking(states.indices.map { states[$0].rows(testRanges[$0]) }, columns: n)
            let testLabels = l.indices.flatMap { Array(l[$0][testRanges[$0]]) }
            let accuracy = ReservoirMetrics.accuracy(predicted: classifier.classify(testX), actual: testLabels)
            return ReservoirResult(task: name, source: reservoir.sourceName, nodes: n, metrics: ["accuracy": accuracy],
                                   ridgeLambdas: classifier.readout.lambdas, trainSamples: trainRows, testSamples: testRows)
        case .sequenceLabels(let l, let classes):
            let trainLabels = l.indices.flatMap { [Int](repeating: l[$0], count: trainRanges[$0].count) }
            let classifier = try LinearClassifier.fit(features: trainX, labels: trainLabels, classes: classes, selection: ridge)
            var predicted = [Int](), actual = [Int](), stepPredicted = [Int](), stepActual = [Int]()
            for b in states.indices where !testRanges[b].isEmpty {
                let x = states[b].rows(testRanges[b])
                predicted.append(classifier.classifySequence(x))
                actual.append(l[b])
                stepPredicted += classifier.classify(x)
                stepActual += [Int](repeating: l[b], count: x.rows)
            }
            return ReservoirResult(task: name, source: reservoir.sourceName, nodes: n,
                                   metrics: ["accuracy": ReservoirMetrics.accuracy(predicted: predicted, actual: actual),
                                             "accuracy_per_step": ReservoirMetrics.accuracy(predicted: stepPredicted,
                                                                                            actual: stepActual)],
                                   ridgeLambdas: classifier.readout.lambdas, trainSamples: trainRows, testSamples: testRows)
        }
    }
}
