import Numerics

/// Linear classification on reservoir states: one ridge output per class trained on one-vs-all targets
/// (1 for the sample's class, 0 otherwise); the class is the argmax over outputs, per time step or, for
/// whole sequences (an utterance of a spoken digit), of the outputs summed over the sequence
/// (Appeltant et al., Nat. Commun. 2, 468 (2011), Methods; Torrejon et al., Nature 547, 428 (2017)).
public struct LinearClassifier: Sendable {
    public let readout: RidgeReadout
    public let classes: Int

    /// Fits to `features` (T x N) with one label in 0..<classes per row.
    public static func fit(features: Matrix, labels: [Int], classes: Int,
                           selection: RidgeReadout.Selection) throws -> LinearClassifier {
        guard classes >= 2 else {
            throw ReservoirError.invalidParameter(name: "classes", value: "\(classes)", expected: ">= 2")
        }
        guard labels.count == features.rows else {
            throw ReservoirError.rowMismatch(what: "classifier labels", features: features.rows, targets: labels.count)
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classes }) {
            throw ReservoirError.invalidParameter(name: "label at row \(bad)", value: "\(labels[bad])",
                                                  expected: "0..<\(classes)")
        }
        var y = Matrix(rows: labels.count, columns: classes)
        for (i, l) in labels.enumerated() { y[i, l] = 1 }
        return LinearClassifier(readout: try RidgeReadout.fit(features: features, targets: y, selection: selection),
                                classes: classes)
    }

    /// The class of each row of `features`.
    public func classify(_ features: Matrix) -> [Int] {
        let out = readout.predict(features)
        return (0..<out.rows).map { i in
            var best = 0
            for j in 1..<classes where out[i, j] > out[i, best] { best = j }
            return best
        }
    }

    /// The class of a whole sequence: argmax of the readout outputs summed over its rows.
    public func classifySequence(_ features: Matrix) -> Int {
        let out = readout.predict(features)
        var sums = [Double](repeating: 0, count: classes)
        for i in 0..<out.rows { for j in 0..<classes { sums[j] += out[i, j] } }
        var best = 0
        for j in 1..<classes where sums[j] > sums[best] { best = j }
        return best
    }
}
