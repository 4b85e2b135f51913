import Numerics
import Surrogate
import TraceIO

/// What `spinode predict` reports of an ensemble model's prediction of one trace: the spread of the
/// members per sample, the trust flag (spread above the model's calibrated threshold) and when it first
/// rises (docs/surrogate-model.md, "Ensembles and the trust flag").
///
/// It covers the samples `firstSample ..< firstSample + spread.count` of the trace: all of them, or, with
/// `predict --after`, the part each model predicts (the first model's up to the switch, the second's
/// from it), so that neither model's spread speaks for samples the other predicted.
public struct EnsembleTrust {
    public var spread: [Double]
    /// The calibrated threshold, or nil when the model carries none (then no flag).
    public var threshold: Double?
    /// First sample (of the trace, after the covered part's first) with the flag up, or nil.
    public var firstFlagged: Int?
    /// The trace's sample that `spread[0]` belongs to.
    public var firstSample: Int
    /// Time (s) of the trace's sample 0.
    public var t0: Double
    /// Seconds.
    public var sampleInterval: Double

    /// - Parameters:
    ///   - result: the members' prediction of samples `firstSample ...` of the trace.
    ///   - count: how many of its samples to cover (default: all).
    public init(result: EnsemblePrediction.Result, calibration: SurrogateModelFile.TrustCalibration?, t0: Double,
                sampleInterval: Double, firstSample: Int = 0, count: Int? = nil) {
        let covered = count.map { Array(result.spread.prefix($0)) } ?? result.spread
        let limit = calibration?.spreadThreshold
        spread = covered
        threshold = limit
        firstFlagged = limit.flatMap { EnsemblePrediction.firstFlagged(covered, threshold: $0) }.map { $0 + firstSample }
        self.firstSample = firstSample
        self.t0 = t0
        self.sampleInterval = sampleInterval
    }

    /// Samples with the flag up.
    public var flaggedCount: Int {
        guard let threshold else { return 0 }
        return spread.dropFirst().filter { !($0 <= threshold) }.count
    }

    /// The largest spread over samples 1 ... N - 1 (+inf when a member diverged).
    public var maxSpread: Double {
        spread.dropFirst().reduce(0) { $1.isFinite ? max($0, $1) : .infinity }
    }

    /// Time (s) of sample `index` of the trace.
    public func time(ofSample index: Int) -> Double { t0 + Double(index) * sampleInterval }

    /// Time (s) of the first flagged sample, or nil.
    public var firstFlaggedTime: Double? { firstFlagged.map(time(ofSample:)) }

    /// The companion trace "<name><suffix>" ("_trust", "_trust_after") of the prediction file over the
    /// covered samples: outputs `spread` (dimensionless) and `trust_flag` (1 where the flag is up, else 0;
    /// omitted without a calibration), no inputs.
    public func trace(of original: RawTrace, model: String, suffix: String = "_trust") -> Trace {
        var outputs = spread, names = ["spread"]
        if let threshold {
            names.append("trust_flag")
            outputs = []
            outputs.reserveCapacity(2 * spread.count)
            for (j, s) in spread.enumerated() { outputs += [s, j > 0 && !(s <= threshold) ? 1 : 0] }
        }
        let part = firstSample == 0 && spread.count == original.sampleCount ? ""
            : " (samples \(firstSample) ... \(firstSample + spread.count - 1) of \(original.sampleCount))"
        return Trace(name: original.name + suffix, sampling: .uniform(t0: time(ofSample: firstSample), dt: original.sampleInterval),
                     inputs: Matrix(rows: 0, columns: 0, storage: []),
                     outputs: Matrix(rows: spread.count, columns: names.count, storage: outputs),
                     outputNames: names, outputUnits: names.map { _ in "" },
                     description: "spread of the ensemble members of \(model) over their prediction of '\(original.name)'\(part) (RMS over outputs of the members' std / the training outputs' std)"
                        + (threshold.map { "; trust_flag = spread > \($0)" } ?? ""))
    }

    /// The `ensemble` object of `predict --json`.
    public func json(members: Int) -> JSONValue {
        .object([("members", .integer(members)), ("first_sample", .integer(firstSample)), ("sample_count", .integer(spread.count)),
                 ("spread_threshold", threshold.map { .number($0) } ?? .null),
                 ("max_spread", .number(maxSpread)), ("flagged_samples", .integer(flaggedCount)),
                 ("trust_lost_at_sample", firstFlagged.map { .integer($0) } ?? .null),
                 ("trust_lost_at_s", firstFlaggedTime.map { .number($0) } ?? .null)])
    }

    /// One line for the terminal.
    public func summary(members: Int) -> String {
        var line = "ensemble of \(members) members, largest spread \(format(maxSpread))"
        guard let threshold else { return line + " (no trust calibration in the model)" }
        line += " (threshold \(format(threshold)))"
        if let t = firstFlaggedTime {
            line += "; trust flag up first at t = \(format(t)) s (sample \(firstFlagged!)), \(flaggedCount) samples flagged"
        } else {
            line += "; trust flag never up"
        }
        return line
    }

    private func format(_ v: Double) -> String { String(format: "%.4g", v) }
}
