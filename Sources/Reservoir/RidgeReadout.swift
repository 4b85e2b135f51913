import Numerics

/// The linear readout of a reservoir: ridge regression with an unpenalised bias,
///
///     (W, c) = argmin |X W + 1 c^T - Y|_F^2 + lambda |W|_F^2,
///
/// X: T x N states, Y: T x K targets (K outputs fitted at once), W: N x K, c: K biases
/// (Lukosevicius, "A Practical Guide to Applying Echo State Networks", LNCS 7700, 659 (2012), sec. 4.1).
///
/// Solution: Householder QR of the rows [1, X, Y] (LAPACK dgeqrf) reduces the data to a (1 + N + K)-square
/// triangle R; eliminating the ones column is exactly centring, so the bias drops out (c from R's first
/// row) and W is the ridge solution for the small triangle R_xx, from its SVD (LAPACK dgesdd,
/// `LinearLeastSquares`): W = V diag(s / (s^2 + lambda)) U^T R_xy. QR and SVD are backward stable, so
/// nearly collinear states (virtual nodes of a slow device often are) keep full accuracy; the normal
/// equations would square the condition number. For k-fold cross-validation each fold's rows are reduced
/// to their own R once; a fold's training triangle is the QR of the other folds' triangles, and one SVD
/// per fold serves the whole lambda grid: the data are passed over once whatever the grid.
public struct RidgeReadout: Sendable {
    /// W, N x K.
    public let weights: Matrix
    /// c, K biases.
    public let bias: [Double]
    /// The ridge parameter used for each output (K values; all equal unless chosen per output).
    public let lambdas: [Double]
    /// The cross-validation that chose the lambdas, when one ran.
    public let crossValidation: CrossValidationReport?

    /// How lambda is chosen.
    public enum Selection: Sendable, Equatable {
        /// A fixed lambda (e.g. 1e-4 as in Chen et al., Nat. Commun. 13, 1016 (2022)).
        case fixed(Double)
        /// k-fold cross-validation over a grid.
        case crossValidated(CrossValidation)
    }

    /// k-fold cross-validation over a lambda grid with contiguous folds (time series must not be shuffled:
    /// neighbouring samples are correlated, so random folds would leak). The score of lambda is the
    /// validation mean squared error of each output divided by that output's variance, summed over folds.
    public struct CrossValidation: Sendable, Equatable {
        /// Candidate lambdas.
        public var lambdas: [Double]
        /// Number of contiguous folds (>= 2).
        public var folds: Int
        /// Choose lambda separately for each output (same cost: the factorisation is shared).
        public var perOutput: Bool

        public init(lambdas: [Double] = CrossValidation.logGrid(from: 1e-12, to: 1e3, perDecade: 1),
                    folds: Int = 5, perOutput: Bool = false) {
            self.lambdas = lambdas
            self.folds = folds
            self.perOutput = perOutput
        }

        /// 10^e for e from log10(from) to log10(to) in steps of 1/perDecade.
        public static func logGrid(from: Double, to: Double, perDecade: Int) -> [Double] {
            let a = log10(from), b = log10(to)
            let steps = Int(((b - a) * Double(perDecade)).rounded())
            return (0...max(steps, 0)).map { pow(10, a + Double($0) / Double(perDecade)) }
        }
    }

    /// What cross-validation found.
    public struct CrossValidationReport: Sendable, Codable, Equatable {
        /// The lambda grid.
        public let lambdas: [Double]
        /// For each lambda: validation MSE / target variance, averaged over outputs and folds.
        public let normalisedError: [Double]
        /// The chosen lambda of each output.
        public let chosen: [Double]
    }

    public init(weights: Matrix, bias: [Double], lambdas: [Double], crossValidation: CrossValidationReport? = nil) {
        self.weights = weights
        self.bias = bias
        self.lambdas = lambdas
        self.crossValidation = crossValidation
    }

    /// Fits W and c to `features` (T x N) and `targets` (T x K) with the lambda chosen by `selection`.
    public static func fit(features x: Matrix, targets y: Matrix, selection: Selection) throws -> RidgeReadout {
        guard x.rows == y.rows else { throw ReservoirError.rowMismatch(what: "ridge readout", features: x.rows, targets: y.rows) }
        guard x.rows >= 2 else { throw ReservoirError.insufficientData(task: "ridge readout", needed: 2, available: x.rows) }
        if let bad = x.storage.firstIndex(where: { !$0.isFinite }) {
            throw ReservoirError.nonFiniteValue(what: "ridge readout features", index: bad, value: x.storage[bad])
        }
        if let bad = y.storage.firstIndex(where: { !$0.isFinite }) {
            throw ReservoirError.nonFiniteValue(what: "ridge readout targets", index: bad, value: y.storage[bad])
        }
        switch selection {
        case .fixed(let lambda):
            guard lambda >= 0 && lambda.isFinite else {
                throw ReservoirError.invalidParameter(name: "ridge lambda", value: "\(lambda)", expected: "finite and >= 0")
            }
            return try fit(x, y, lambdas: [Double](repeating: lambda, count: y.columns), report: nil)
        case .crossValidated(let cv):
            let (report, all) = try crossValidate(x, y, cv)
            return readout(try factorise(all, n: x.columns, k: y.columns), lambdas: report.chosen, report: report)
        }
    }

    /// Fits with one fixed lambda.
    public static func fit(features: Matrix, targets: Matrix, lambda: Double) throws -> RidgeReadout {
        try fit(features: features, targets: targets, selection: .fixed(lambda))
    }

    /// Y_hat = X W + 1 c^T for `features` (T x N); returns T x K.
    public func predict(_ features: Matrix) -> Matrix {
        precondition(features.columns == weights.rows,
                     "RidgeReadout.predict: \(features.columns) features, readout trained on \(weights.rows)")
        var out = features * weights
        for i in 0..<out.rows { for j in 0..<out.columns { out[i, j] += bias[j] } }
        return out
    }

    // MARK: - Solving

    /// The R factor of the rows [1, x, y] (p = 1 + N + K columns): everything the fit needs from those rows.
    ///
    /// With R = [[r00, r0x, r0y], [0, Rxx, Rxy], [0, 0, Ryy]], the objective is
    /// (r00 c + r0x W - r0y)^2 + |Rxx W - Rxy|^2 + lambda |W|^2 + |Ryy|^2: the first term vanishes for
    /// c = (r0y - r0x W) / r00 (the unpenalised bias; eliminating the ones column by Householder is
    /// exactly centring), and W is the ridge solution for (Rxx, Rxy), from the SVD of the small Rxx.
    private static func augmentedFactor(_ x: Matrix, _ y: Matrix, rows: Range<Int>) throws -> Matrix {
        let n = x.columns, k = y.columns, p = 1 + n + k
        var a = Matrix(rows: rows.count, columns: p)
        for (i, r) in rows.enumerated() {
            a[i, 0] = 1
            for j in 0..<n { a[i, 1 + j] = x[r, j] }
            for j in 0..<k { a[i, 1 + n + j] = y[r, j] }
        }
        return try LinearLeastSquares.triangularFactor(a)
    }

    /// R of the union of row blocks, from the blocks' R factors.
    private static func combine(_ factors: [Matrix]) throws -> Matrix {
        if factors.count == 1 { return factors[0] }
        return try LinearLeastSquares.triangularFactor(Matrix.stacking(factors, columns: factors[0].columns))
    }

    /// The pieces of the solution that do not depend on lambda.
    private struct Factorised {
        let svd: SingularValueDecomposition
        let projected: Matrix          // U^T Rxy
        let r00: Double
        let r0x: [Double]
        let r0y: [Double]
    }

    private static func factorise(_ r: Matrix, n: Int, k: Int) throws -> Factorised {
        let rowsBelow = max(r.rows - 1, 0)
        // Rxx may have fewer than N rows when fewer than N + 1 samples were given; pad to one zero row so
        // the SVD is defined (it then has rank 0 and W = 0).
        let m = max(rowsBelow, 1)
        var rxx = Matrix(rows: m, columns: n), rxy = Matrix(rows: m, columns: k)
        for i in 0..<rowsBelow {
            for j in 0..<n { rxx[i, j] = r[1 + i, 1 + j] }
            for j in 0..<k { rxy[i, j] = r[1 + i, 1 + n + j] }
        }
        let svd = try SingularValueDecomposition(rxx)
        return Factorised(svd: svd, projected: LinearLeastSquares.projectedTargets(svd: svd, b: rxy), r00: r[0, 0],
                          r0x: (0..<n).map { r[0, 1 + $0] }, r0y: (0..<k).map { r[0, 1 + n + $0] })
    }

    private static func readout(_ f: Factorised, lambdas: [Double], report: CrossValidationReport?) -> RidgeReadout {
        let w = LinearLeastSquares.ridge(svd: f.svd, projectedTargets: f.projected, lambdas: lambdas)
        var bias = f.r0y
        for j in 0..<w.columns {
            for i in 0..<w.rows { bias[j] -= f.r0x[i] * w[i, j] }
            bias[j] /= f.r00
        }
        return RidgeReadout(weights: w, bias: bias, lambdas: lambdas, crossValidation: report)
    }

    private static func fit(_ x: Matrix, _ y: Matrix, lambdas: [Double], report: CrossValidationReport?) throws -> RidgeReadout {
        let r = try augmentedFactor(x, y, rows: 0..<x.rows)
        return readout(try factorise(r, n: x.columns, k: y.columns), lambdas: lambdas, report: report)
    }

    /// The CV report and the triangle of all rows (for the final fit, without another pass over the data).
    private static func crossValidate(_ x: Matrix, _ y: Matrix, _ cv: CrossValidation) throws
        -> (CrossValidationReport, Matrix) {
        guard cv.folds >= 2 else {
            throw ReservoirError.invalidParameter(name: "cross-validation folds", value: "\(cv.folds)", expected: ">= 2")
        }
        guard !cv.lambdas.isEmpty, cv.lambdas.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw ReservoirError.invalidParameter(name: "lambda grid", value: "\(cv.lambdas)",
                                                  expected: "a non-empty list of finite values >= 0")
        }
        let t = x.rows, k = y.columns, g = cv.lambdas.count
        guard t >= 2 * cv.folds else {
            throw ReservoirError.insufficientData(task: "\(cv.folds)-fold cross-validation", needed: 2 * cv.folds, available: t)
        }
        // Target variance per output over all rows, to weigh outputs equally.
        var variance = [Double](repeating: 0, count: k)
        for j in 0..<k {
            var m = 0.0
            for i in 0..<t { m += y[i, j] }
            m /= Double(t)
            var v = 0.0
            for i in 0..<t { let d = y[i, j] - m; v += d * d }
            variance[j] = v > 0 ? v / Double(t) : 1
        }
        // sse[l][j]: validation squared error of output j under lambda l, summed over folds.
        var sse = [[Double]](repeating: [Double](repeating: 0, count: k), count: g)
        // One QR pass over the data: the R factor of each fold's rows; a fold's training factor is the QR of
        // the other folds' factors stacked ((k - 1)(1 + N + K) rows, independent of T).
        let bounds = (0...cv.folds).map { $0 * t / cv.folds }
        let blocks = try (0..<cv.folds).map { try augmentedFactor(x, y, rows: bounds[$0]..<bounds[$0 + 1]) }
        for f in 0..<cv.folds {
            let lo = bounds[f], hi = bounds[f + 1]
            let training = try combine(blocks.indices.filter { $0 != f }.map { blocks[$0] })
            let factorised = try factorise(training, n: x.columns, k: k)
            let validation = x.rows(lo..<hi)
            for (l, lambda) in cv.lambdas.enumerated() {
                let p = readout(factorised, lambdas: [lambda], report: nil).predict(validation)
                for i in lo..<hi {
                    for j in 0..<k { let d = p[i - lo, j] - y[i, j]; sse[l][j] += d * d }
                }
            }
        }
        let normalised = (0..<g).map { l in (0..<k).map { sse[l][$0] / variance[$0] }.reduce(0, +) / Double(k * t) }
        var chosen: [Double]
        if cv.perOutput {
            chosen = (0..<k).map { j in
                var best = 0
                for l in 1..<g where sse[l][j] < sse[best][j] { best = l }
                return cv.lambdas[best]
            }
        } else {
            var best = 0
            for l in 1..<g where normalised[l] < normalised[best] { best = l }
            chosen = [Double](repeating: cv.lambdas[best], count: k)
        }
        return (CrossValidationReport(lambdas: cv.lambdas, normalisedError: normalised, chosen: chosen),
                try combine(blocks))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
