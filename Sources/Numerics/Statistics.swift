/// Summary statistics shared by the metrics and the benchmarks, so that every module reports the same
/// number under the same name.
public enum Statistics {
    /// Normalised root-mean-square error of `prediction` against `truth` (same length, >= 1):
    ///
    ///     NRMSE = RMS(prediction - truth) / std(truth) = sqrt( sum_i (p_i - t_i)^2 / sum_i (t_i - mean(t))^2 ),
    ///
    /// std the population standard deviation, so predicting the truth's mean scores 1 (the
    /// reservoir-computing convention: Appeltant et al., Nat. Commun. 2, 468 (2011); Chen et al., Nat.
    /// Commun. 13, 1016 (2022), its prediction figures). A constant truth has no scale: the NRMSE is 0
    /// when the prediction is exact and +infinity otherwise. Dimensionless.
    /// - Complexity: O(n), no allocation.
    public static func nrmse(prediction: [Double], truth: [Double]) -> Double {
        precondition(prediction.count == truth.count && !truth.isEmpty,
                     "nrmse: \(prediction.count) predictions, \(truth.count) truth values")
        let (squaredError, squaredDeviation) = squaredSums(prediction: prediction, truth: truth)
        return ratio(squaredError: squaredError, squaredDeviation: squaredDeviation)
    }

    /// sum_i (p_i - t_i)^2 and sum_i (t_i - mean(t))^2, in one pass after the mean.
    private static func squaredSums(prediction: [Double], truth: [Double]) -> (error: Double, deviation: Double) {
        let mean = truth.reduce(0, +) / Double(truth.count)
        var squaredError = 0.0, squaredDeviation = 0.0
        for i in truth.indices {
            let e = prediction[i] - truth[i]
            squaredError += e * e
            let d = truth[i] - mean
            squaredDeviation += d * d
        }
        return (squaredError, squaredDeviation)
    }

    /// NRMSE from the two sums (a constant truth: 0 for an exact prediction, +infinity otherwise).
    private static func ratio(squaredError: Double, squaredDeviation: Double) -> Double {
        squaredDeviation > 0 ? (squaredError / squaredDeviation).squareRoot() : (squaredError == 0 ? 0 : .infinity)
    }

    /// `nrmse` with a fallback scale for a truth that (nearly) stands still: when std(truth) is below
    /// `flatness` x `scale`, the RMS error divided by `scale` instead. A constant truth summed in floating
    /// point has a std of round-off (its mean is not exactly its value), and dividing by it turns any error
    /// into 1e12 or more; e.g. a validation segment of a skyrmion radius that is 0 after the annihilation.
    /// Used by the training's validation in normalised units (`scale` 1: the training data's std). Otherwise
    /// the same bits as `nrmse`.
    public static func nrmse(prediction: [Double], truth: [Double], scale: Double, flatness: Double) -> Double {
        precondition(prediction.count == truth.count && !truth.isEmpty && scale > 0 && flatness >= 0,
                     "nrmse: \(prediction.count) predictions, \(truth.count) truth values, scale \(scale), flatness \(flatness)")
        let n = Double(truth.count)
        let (squaredError, squaredDeviation) = squaredSums(prediction: prediction, truth: truth)
        let threshold = flatness * scale
        guard squaredDeviation / n < threshold * threshold else {
            return ratio(squaredError: squaredError, squaredDeviation: squaredDeviation)
        }
        return (squaredError / n).squareRoot() / scale
    }

    /// The median of `values` (not empty): the middle value of the sorted values, or the mean of the
    /// two middle ones for an even count. Benchmarks report it because one slow repeat on a shared
    /// machine moves it less than the mean.
    /// - Complexity: O(n log n).
    public static func median(_ values: [Double]) -> Double {
        precondition(!values.isEmpty, "median of no values")
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
