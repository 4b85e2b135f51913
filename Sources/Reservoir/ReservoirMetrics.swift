import Numerics

/// The figures of merit of reservoir tasks.
public enum ReservoirMetrics {
    /// Normalised root-mean-square error RMS(prediction - target) / std(target), `Statistics.nrmse` (the
    /// population standard deviation, so predicting the target's mean gives 1). Used for Mackey-Glass and
    /// NARMA10 (e.g. Appeltant et al., Nat. Commun. 2, 468 (2011); Chen et al., Nat. Commun. 13, 1016 (2022)).
    public static func nrmse(prediction: [Double], target: [Double]) -> Double {
        Statistics.nrmse(prediction: prediction, truth: target)
    }

    /// Squared Pearson correlation r^2 = cov(a, b)^2 / (var(a) var(b)), 0 when either is constant.
    /// The memory function of Jaeger, GMD Report 152 (2002), eq. 1.
    public static func squaredCorrelation(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count && !a.isEmpty, "squaredCorrelation: lengths \(a.count) and \(b.count)")
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices {
            let da = a[i] - ma, db = b[i] - mb
            sab += da * db; saa += da * da; sbb += db * db
        }
        return saa > 0 && sbb > 0 ? sab * sab / (saa * sbb) : 0
    }

    /// Fraction of positions where `predicted` equals `actual`.
    public static func accuracy(predicted: [Int], actual: [Int]) -> Double {
        precondition(predicted.count == actual.count && !actual.isEmpty, "accuracy: \(predicted.count) vs \(actual.count)")
        var hits = 0
        for i in actual.indices where predicted[i] == actual[i] { hits += 1 }
        return Double(hits) / Double(actual.count)
    }
}
