import Numerics
import Reservoir
import XCTest

final class CustomTaskTests: XCTestCase {
    private func randomSequences(_ lengths: [Int], seed: UInt64, range: ClosedRange<Double> = -1...1) -> [Matrix] {
        var rng = SeededRandom(seed: seed)
        return lengths.map { t in Matrix(rows: t, columns: 1) { _, _ in rng.uniform(range.lowerBound, range.upperBound) } }
    }

    /// Target y(n) = 2 u(n) - 0.5 u(n - 3) + 1 lies in the span of a 5-tap delay line plus bias (after the
    /// 3-step washout), so the readout reproduces it to rounding on unseen sequences and unseen rows.
    func testRegressionInSpanOfFeaturesIsExact() throws {
        let inputs = randomSequences([200, 150, 180], seed: 1)
        let targets = inputs.map { u in Matrix(rows: u.rows, columns: 1) { n, _ in 2 * u[n, 0] - 0.5 * (n >= 3 ? u[n - 3, 0] : 0) + 1 } }
        for split in [CustomTask.Split.sequences(train: 2), .rows(trainEnd: 100)] {
            let r = try CustomTask(inputs: inputs, targets: .regression(targets), split: split, washout: 3,
                                   ridge: .fixed(0)).evaluate(on: DelayLine(delays: 5))
            XCTAssertLessThan(r.metrics["nrmse"]!, 1e-12, "\(split)")
        }
    }

    /// Sequence labels: class 0 sequences have u in [0, 1], class 1 in [-1, 0]; summing the one-vs-all
    /// outputs over each test sequence classifies all of them, and every step too.
    func testSequenceClassification() throws {
        let pos = randomSequences([30, 25, 40, 35], seed: 2, range: 0...1)
        let neg = randomSequences([30, 28, 33, 37], seed: 3, range: -1...0)
        var inputs = [Matrix](), labels = [Int]()
        for i in 0..<4 { inputs += [pos[i], neg[i]]; labels += [0, 1] }
        let r = try CustomTask(inputs: inputs, targets: .sequenceLabels(labels, classes: 2), split: .sequences(train: 4))
            .evaluate(on: DelayLine(delays: 3))
        XCTAssertEqual(r.metrics["accuracy"], 1)
        XCTAssertEqual(r.metrics["accuracy_per_step"], 1)
        XCTAssertEqual(r.testSamples, 40 + 33 + 35 + 37)   // rows of sequences 4..7
    }

    /// Step labels 1 when u(n - 1) > 0: a 2-tap delay line with a linear readout gets nearly all right
    /// (the one-vs-all threshold sits near 0 but not exactly on it).
    func testStepClassification() throws {
        let inputs = randomSequences([2_000], seed: 4)
        let labels = [(0..<2_000).map { n in n >= 1 && inputs[0][n - 1, 0] > 0 ? 1 : 0 }]
        let r = try CustomTask(inputs: inputs, targets: .stepLabels(labels, classes: 2), split: .rows(trainEnd: 1_000),
                               washout: 1).evaluate(on: DelayLine(delays: 2))
        XCTAssertGreaterThan(r.metrics["accuracy"]!, 0.97)
    }

    func testShapeErrors() {
        let inputs = randomSequences([10, 10], seed: 5)
        XCTAssertThrowsError(try CustomTask(inputs: inputs, targets: .sequenceLabels([0], classes: 2),
                                            split: .sequences(train: 1)).evaluate(on: DelayLine(delays: 2)))
        XCTAssertThrowsError(try CustomTask(inputs: inputs, targets: .stepLabels([[0], [1]], classes: 2),
                                            split: .sequences(train: 1)).evaluate(on: DelayLine(delays: 2))) { e in
            XCTAssertEqual("\(e)", "custom labels of sequence 0: 10 feature rows but 1 target rows")
        }
        XCTAssertThrowsError(try CustomTask(inputs: inputs, targets: .sequenceLabels([0, 1], classes: 2),
                                            split: .sequences(train: 2)).evaluate(on: DelayLine(delays: 2)))
    }
}
