import Foundation
import Numerics
import Plot
import Surrogate
import TraceIO

/// Demo part (f): the trust flag of an ensemble surrogate on a trace where the device leaves the regime
/// it was trained in (the bundled skyrmion-disk 'test' trace: the skyrmion is annihilated at 57.5 ns,
/// 6.5 ns into it). The ensemble runs free exactly as `spinode predict ENSEMBLE TRACES --trace test`
/// (`EnsemblePrediction`); the flag is up where the members' spread exceeds the model's calibrated
/// threshold (docs/surrogate-model.md, "Ensembles and the trust flag").
public struct DemoTrust {
    public var model: String
    public var trace: String
    public var members: Int
    /// The spread, the threshold and the first flagged sample, as `spinode predict` reports them.
    public var trust: EnsembleTrust
    public var truth: [Double]
    public var mean: [Double]
    /// The reference's annihilation: the first sample from which the truth stays above
    /// `annihilationLevel` to the end of the trace (a living skyrmion dips below it every drive period),
    /// or nil when the trace ends below it.
    public var annihilation: Int?
    /// NRMSE of the members' mean over the first `earlySeconds` of the trace (samples 1 ...).
    public var earlyNRMSE: Double
    /// Wall seconds of the ensemble's free run.
    public var seconds: Double

    /// mz above which the disk counts as uniform (skyrmion gone) when it stays there.
    public static let annihilationLevel = 0.95
    /// Length of the trust-prediction figure's window from the start of the trace, seconds.
    public static let figureSeconds = 15e-9
    /// The stretch at the start of the trace over which the flag should stay down, seconds.
    public static let earlySeconds = 5e-9

    public static func run(ensemble path: String, traces: String, trace name: String) throws -> DemoTrust {
        let source = try DemoData.trace(name, in: traces)
        let model = try SurrogateModelFile.read(path)
        guard let calibration = model.trust else {
            throw SurrogateError.invalidModel("\(path): not an ensemble with a trust calibration (spinode fit --ensemble N)")
        }
        let ensemble = try EnsemblePrediction(file: model, solver: .fixedRK4(stepsPerSample: 1))
        let raw = try RawTrace(trace: source).matchingChannels(of: ensemble.members[0])
        let (results, seconds) = try DemoProgress.timed { try ensemble.predict([raw]) }
        let n = raw.outputCount
        let truth = (0..<raw.sampleCount).map { raw.outputs[$0 * n] }
        let mean = (0..<raw.sampleCount).map { results[0].mean[$0 * n] }
        let early = min(raw.sampleCount, Int((earlySeconds / raw.sampleInterval).rounded()) + 1)
        let lastBelow = truth.lastIndex { !($0 > annihilationLevel) }
        let annihilation: Int?
        if let b = lastBelow { annihilation = b + 1 < truth.count ? b + 1 : nil } else { annihilation = 0 }
        let t0: Double = { if case .uniform(let t, _) = source.sampling { return t }; return source.time(0) }()
        return DemoTrust(model: path, trace: name, members: model.memberCount,
                         trust: EnsembleTrust(result: results[0], calibration: calibration, t0: t0, sampleInterval: raw.sampleInterval),
                         truth: truth, mean: mean, annihilation: annihilation,
                         earlyNRMSE: Statistics.nrmse(prediction: Array(mean[1..<early]), truth: Array(truth[1..<early])),
                         seconds: seconds)
    }

    /// Time (s) of a sample index.
    public func time(_ sample: Int?) -> Double? { sample.map(trust.time(ofSample:)) }

    /// Whether the flag rose within the first `earlySeconds`.
    public var flaggedEarly: Bool { (trust.firstFlagged.map { Double($0) * trust.sampleInterval <= Self.earlySeconds }) ?? false }

    /// Flag time minus annihilation time, seconds (nil unless both exist).
    public var delay: Double? {
        guard let f = trust.firstFlaggedTime, let a = time(annihilation) else { return nil }
        return f - a
    }

    public var json: JSONValue {
        .object([
            ("model", .string(model)), ("trace", .string(trace)), ("members", .integer(members)),
            ("spread_threshold", trust.threshold.map { .number($0) } ?? .null), ("max_spread", .number(trust.maxSpread)),
            ("trust_lost_at_s", trust.firstFlaggedTime.map { .number($0) } ?? .null),
            ("reference_annihilation_s", time(annihilation).map { .number($0) } ?? .null),
            ("annihilation_level", .number(Self.annihilationLevel)),
            ("flag_delay_s", delay.map { .number($0) } ?? .null),
            ("early_seconds", .number(Self.earlySeconds)), ("early_nrmse", .number(earlyNRMSE)),
            ("flagged_early", .bool(flaggedEarly)), ("seconds", .number(seconds)),
        ])
    }

    /// Two figures: truth and the ensemble mean over the first `figureSeconds` ("trust-prediction"), and
    /// the spread with the threshold over the whole trace ("trust-spread"); the titles give the flag and
    /// annihilation times.
    public var plots: [(String, LinePlot)] {
        let ns = truth.indices.map { time($0)! * 1e9 }
        let times = String(format: "flag up %@, annihilation %@",
                           trust.firstFlaggedTime.map { String(format: "%.4g ns", $0 * 1e9) } ?? "never",
                           time(annihilation).map { String(format: "%.4g ns", $0 * 1e9) } ?? "never")
        // The first `figureSeconds` of the trace: the event and the stretch before it.
        let shown = 0..<min(truth.count, Int((Self.figureSeconds / trust.sampleInterval).rounded()) + 1)
        let prediction = PredictionFigure.timePanel(
            title: "'\(trace)', mean of \(members) surrogates; " + times, time: Array(ns[shown]), timeLabel: "t (ns)",
            valueLabel: "mz (dimensionless)", truth: Array(truth[shown]), truthName: DemoFigures.truthName,
            prediction: Array(mean[shown]), predictionName: "ensemble mean (free-running)")
        let spreadPlot = LinePlot(title: "Spread of the \(members) members; " + times, xLabel: "t (ns)",
                                  yLabel: "spread (dimensionless)",
                                  series: [.init(name: "spread", x: ns, y: trust.spread, colour: LinePlot.palette[1])]
                                    + (trust.threshold.map { [.init(name: "threshold", x: [ns[0], ns[ns.count - 1]], y: [$0, $0],
                                                                    colour: LinePlot.palette[0], dashed: true)] } ?? []))
        return [("trust-prediction", prediction), ("trust-spread", spreadPlot)]
    }
}
