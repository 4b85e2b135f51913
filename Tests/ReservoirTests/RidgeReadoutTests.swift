import Numerics
import Reservoir
import XCTest

final class RidgeReadoutTests: XCTestCase {
    /// One feature, unpenalised bias: minimising sum (w x_t + c - y_t)^2 + lambda w^2 gives
    /// w = S_xy / (S_xx + lambda), c = mean(y) - w mean(x), S the centred sums (set the derivatives to 0).
    /// x = (0, 1, 2, 3), y = (1, 3, 2, 6): S_xx = 5, S_xy = 7, mean x = 1.5, mean y = 3.
    func testOneFeatureClosedFormWithUnpenalisedBias() throws {
        let x = Matrix(rows: 4, columns: 1, storage: [0, 1, 2, 3])
        let y = Matrix(rows: 4, columns: 1, storage: [1, 3, 2, 6])
        for lambda in [0.0, 1, 10] {
            let r = try RidgeReadout.fit(features: x, targets: y, lambda: lambda)
            let w = 7 / (5 + lambda)
            XCTAssertEqual(r.weights[0, 0], w, accuracy: 1e-14)
            XCTAssertEqual(r.bias[0], 3 - w * 1.5, accuracy: 1e-14)
            let p = r.predict(Matrix(rows: 1, columns: 1, storage: [10]))
            XCTAssertEqual(p[0, 0], 3 - w * 1.5 + 10 * w, accuracy: 1e-13)
        }
    }

    /// Several features and outputs: the readout equals the normal-equation solution of the augmented
    /// problem [X 1] with the penalty on W only, diag(lambda, ..., lambda, 0), solved independently by
    /// Gaussian elimination in `LinearLeastSquaresTests.gaussSolve`.
    func testMultiOutputMatchesAugmentedNormalEquations() throws {
        var rng = SeededRandom(seed: 11)
        let t = 60, n = 5, k = 3, lambda = 0.8
        let x = Matrix(rows: t, columns: n) { _, j in rng.normal() + Double(j) }   // non-zero means exercise the bias
        let y = Matrix(rows: t, columns: k) { _, _ in rng.normal() * 2 + 1 }
        let r = try RidgeReadout.fit(features: x, targets: y, lambda: lambda)
        let m = n + 1
        var g = [[Double]](repeating: [Double](repeating: 0, count: m), count: m)
        var rhs = [[Double]](repeating: [Double](repeating: 0, count: k), count: m)
        func xa(_ row: Int, _ j: Int) -> Double { j < n ? x[row, j] : 1 }
        for i in 0..<m {
            for j in 0..<m { for s in 0..<t { g[i][j] += xa(s, i) * xa(s, j) } }
            if i < n { g[i][i] += lambda }
            for j in 0..<k { for s in 0..<t { rhs[i][j] += xa(s, i) * y[s, j] } }
        }
        let sol = LinearLeastSquaresTests.gaussSolve(g, rhs)
        for j in 0..<k {
            for i in 0..<n { XCTAssertEqual(r.weights[i, j], sol[i][j], accuracy: 1e-12) }
            XCTAssertEqual(r.bias[j], sol[n][j], accuracy: 1e-12)
        }
        XCTAssertEqual(r.lambdas, [lambda, lambda, lambda])
    }

    /// Cross-validation on data with a known prior: targets y = X w + e with w ~ N(0, sigma_w^2) per feature
    /// and noise e ~ N(0, sigma^2). The Bayes-optimal (posterior-mean) ridge parameter is
    /// lambda* = sigma^2 / sigma_w^2 (Hastie, Tibshirani and Friedman, Elements of Statistical Learning,
    /// 2nd ed., sec. 3.4.1), so 5-fold CV on a decade grid must pick within one decade of lambda*. 40
    /// outputs with independent w average the CV curve.
    func testCrossValidationPicksOrderOfOptimalLambda() throws {
        for (sigma, sigmaW) in [(3.0, 1.0), (0.1, 1.0)] {
            var rng = SeededRandom(seed: 5)
            let t = 150, n = 30, k = 40
            let x = Matrix(rows: t, columns: n) { _, _ in rng.normal() }
            let w = Matrix(rows: n, columns: k) { _, _ in rng.normal() * sigmaW }
            var y = x * w
            for i in 0..<y.count { y.storage[i] += sigma * rng.normal() }
            let cv = RidgeReadout.CrossValidation(lambdas: RidgeReadout.CrossValidation.logGrid(from: 1e-6, to: 1e4, perDecade: 1))
            let r = try RidgeReadout.fit(features: x, targets: y, selection: .crossValidated(cv))
            let optimal = sigma * sigma / (sigmaW * sigmaW)
            let chosen = r.lambdas[0]
            XCTAssertLessThanOrEqual(abs(log10(chosen / optimal)), 1, "sigma \(sigma): chose \(chosen), optimal \(optimal)")
            XCTAssertEqual(r.crossValidation?.chosen.count, k)
            // The final fit (from the folds' combined triangles) equals a direct fit at the chosen lambda.
            let direct = try RidgeReadout.fit(features: x, targets: y, lambda: chosen)
            for i in 0..<direct.weights.count {
                XCTAssertEqual(r.weights.storage[i], direct.weights.storage[i], accuracy: 1e-11)
            }
            for j in 0..<k { XCTAssertEqual(r.bias[j], direct.bias[j], accuracy: 1e-11) }
        }
    }

    /// Grid helper: 1e-2 ... 1e2 with 2 points per decade is 9 values, ends exact to rounding.
    func testLogGrid() {
        let g = RidgeReadout.CrossValidation.logGrid(from: 1e-2, to: 1e2, perDecade: 2)
        XCTAssertEqual(g.count, 9)
        XCTAssertEqual(g.first!, 1e-2, accuracy: 1e-17)
        XCTAssertEqual(g.last!, 1e2, accuracy: 1e-12)
        XCTAssertEqual(g[1], pow(10, -1.5), accuracy: 1e-15)
    }

    /// Bad input reads as an error, not a trap.
    func testErrorsOnMismatchedRowsAndNonFiniteValues() {
        let x = Matrix(rows: 4, columns: 1, storage: [0, 1, 2, 3])
        XCTAssertThrowsError(try RidgeReadout.fit(features: x, targets: Matrix(rows: 3, columns: 1), lambda: 1))
        XCTAssertThrowsError(try RidgeReadout.fit(features: Matrix(rows: 4, columns: 1, storage: [0, .nan, 2, 3]),
                                                  targets: Matrix(rows: 4, columns: 1), lambda: 1)) { e in
            XCTAssertEqual("\(e)", "ridge readout features: non-finite value nan at index 1")
        }
        XCTAssertThrowsError(try RidgeReadout.fit(features: x, targets: Matrix(rows: 4, columns: 1), lambda: -1))
    }

    /// One-vs-all classification of two separated clusters on a line is perfect; summing outputs over a
    /// sequence classifies the sequence.
    func testLinearClassifierSeparatesClusters() throws {
        var rng = SeededRandom(seed: 2)
        var rows = [Double](), labels = [Int]()
        for i in 0..<200 {
            let c = i % 3
            rows += [Double(c) * 3 + rng.uniform(-1, 1), rng.normal()]
            labels.append(c)
        }
        let x = Matrix(rows: 200, columns: 2, storage: rows)
        // Three classes on a line are not separable by one-vs-all linear scores of one feature alone when
        // the middle class's score is linear; add the square of the first feature as a second feature.
        let features = Matrix(rows: 200, columns: 3) { i, j in j < 2 ? x[i, j] : x[i, 0] * x[i, 0] }
        let clf = try LinearClassifier.fit(features: features, labels: labels, classes: 3, selection: .fixed(1e-6))
        XCTAssertEqual(ReservoirMetrics.accuracy(predicted: clf.classify(features), actual: labels), 1)
        let middle = Matrix(rows: 2, columns: 3, storage: [3, 0, 9, 3.2, 0.1, 10.24])
        XCTAssertEqual(clf.classifySequence(middle), 1)
    }

    /// NRMSE and r^2 on small hand cases: target (1, 2, 3) has population std sqrt(2/3); predicting
    /// (1, 2, 4) gives RMS error sqrt(1/3), NRMSE = sqrt(1/2). r^2 of a line with its affine image is 1.
    func testMetricsOnHandCases() {
        XCTAssertEqual(ReservoirMetrics.nrmse(prediction: [1, 2, 4], target: [1, 2, 3]), 0.5.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(ReservoirMetrics.nrmse(prediction: [2, 2, 2], target: [1, 2, 3]), 1, accuracy: 1e-15)
        XCTAssertEqual(ReservoirMetrics.squaredCorrelation([1, 2, 3, 4], [-1, -3, -5, -7]), 1, accuracy: 1e-15)
        XCTAssertEqual(ReservoirMetrics.squaredCorrelation([1, -1, 1, -1], [1, 1, -1, -1]), 0, accuracy: 1e-15)
        XCTAssertEqual(ReservoirMetrics.accuracy(predicted: [0, 1, 1, 0], actual: [0, 1, 0, 0]), 0.75)
    }
}
