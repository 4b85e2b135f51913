import Numerics

/// The linear readout of a reservoir: ridge regression with an unpenalised bias,
///
///     (W, c) = argmin |X W + 1 c^T - Y|_F^2 + lambda |W|_F^2,
///
/// X: T x N states, Y: T x K targets (K outputs fitted at once), W: N x K, c: K biases
/// (Lukosevicius, "A Practical Guide to Applying Echo State Networks", LNCS 7700, 659 (2012), sec. 4.1).
///
/// The bias is eliminated exactly by centring: minimising over c first gives c = y_mean - W^T x_mean, and
/// W solves the ridge problem on the column-centred X and Y. That problem is solved through the thin SVD
/// of the centred X (LAPACK dgesdd, `LinearLeastSquares`): it keeps full accuracy when states are nearly
/// collinear (virtual nodes of a slow device often are; the normal equations would square the condition
/// number), and one factorisation per fold serves the whole lambda grid of cross-validation.
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
            let report = try crossValidate(x, y, cv)
            return try fit(x, y, lambdas: report.chosen, report: report)
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

    private struct Centred {
        let x: Matrix, y: Matrix, xMean: [Double], yMean: [Double]
    }

    private static func centre(_ x: Matrix, _ y: Matrix, rows: [Int]) -> Centred {
        let n = x.columns, k = y.columns, t = rows.count
        var xm = [Double](repeating: 0, count: n), ym = [Double](repeating: 0, count: k)
        for r in rows {
            for j in 0..<n { xm[j] += x[r, j] }
            for j in 0..<k { ym[j] += y[r, j] }
        }
        for j in 0..<n { xm[j] /= Double(t) }
        for j in 0..<k { ym[j] /= Double(t) }
        var xc = Matrix(rows: t, columns: n), yc = Matrix(rows: t, columns: k)
        for (i, r) in rows.enumerated() {
            for j in 0..<n { xc[i, j] = x[r, j] - xm[j] }
            for j in 0..<k { yc[i, j] = y[r, j] - ym[j] }
        }
        return Centred(x: xc, y: yc, xMean: xm, yMean: ym)
    }

    private static func readout(_ c: Centred, svd: SingularValueDecomposition, projected: Matrix,
                                lambdas: [Double], report: CrossValidationReport?) -> RidgeReadout {
        let w = LinearLeastSquares.ridge(svd: svd, projectedTargets: projected, lambdas: lambdas)
        var bias = c.yMean
        for j in 0..<w.columns { for i in 0..<w.rows { bias[j] -= c.xMean[i] * w[i, j] } }
        return RidgeReadout(weights: w, bias: bias, lambdas: lambdas, crossValidation: report)
    }

    private static func fit(_ x: Matrix, _ y: Matrix, lambdas: [Double], report: CrossValidationReport?) throws -> RidgeReadout {
        let c = centre(x, y, rows: Array(0..<x.rows))
        let svd = try SingularValueDecomposition(c.x)
        let projected = LinearLeastSquares.projectedTargets(svd: svd, b: c.y)
        return readout(c, svd: svd, projected: projected, lambdas: lambdas, report: report)
    }

    private static func crossValidate(_ x: Matrix, _ y: Matrix, _ cv: CrossValidation) throws -> CrossValidationReport {
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
        for f in 0..<cv.folds {
            let lo = f * t / cv.folds, hi = (f + 1) * t / cv.folds
            let trainRows = Array(0..<lo) + Array(hi..<t)
            let c = centre(x, y, rows: trainRows)
            let svd = try SingularValueDecomposition(c.x)
            let projected = LinearLeastSquares.projectedTargets(svd: svd, b: c.y)
            var validation = Matrix(rows: hi - lo, columns: x.columns)
            for i in lo..<hi { for j in 0..<x.columns { validation[i - lo, j] = x[i, j] } }
            for (l, lambda) in cv.lambdas.enumerated() {
                let r = readout(c, svd: svd, projected: projected, lambdas: [lambda], report: nil)
                let p = r.predict(validation)
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
        return CrossValidationReport(lambdas: cv.lambdas, normalisedError: normalised, chosen: chosen)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
