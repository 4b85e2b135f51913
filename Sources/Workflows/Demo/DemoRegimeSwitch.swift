import Foundation
import Numerics
import Plot
import Surrogate
import TraceIO

/// Demo part (g): a two-regime surrogate following the skyrmion's annihilation (issue 18). The skyrmion
/// model (Models/skyrmion-disk.h5) runs free; at the first sample where its predicted <m_z> exceeds the
/// switch level, the uniform-state model (Models/skyrmion-disk-uniform.h5) takes over from that state,
/// exactly as `spinode predict A TRACES --after B --switch 'mz>LEVEL'` (`RegimeSwitchPrediction`;
/// docs/surrogate-model.md, "Two regimes").
///
/// The level comes from the skyrmion model's training trace alone ('train' of skyrmion-disk.h5, 50 ns,
/// the skyrmion alive throughout): the largest <m_z> of the model's free run over it, rounded up to the
/// next 0.01 (`level(above:)`), so that the model's own excursions where the skyrmion lives stay below it.
/// Measured on 'test' (the skyrmion is annihilated at 57.5 ns) and on the held-out traces, where it lives
/// (a switch there is a false annihilation). The annihilation times, true and predicted, are where <m_z>
/// settles above `DemoTrust.annihilationLevel` (0.95) for good (`RegimeEvent.settledIndex`).
public struct DemoRegimeSwitch {
    /// One trace predicted with the switch and without it.
    public struct Case {
        public var file: String
        public var trace: String
        /// <m_z> of the truth, of the skyrmion model alone and of the two-model prediction, per sample.
        public var truth: [Double]
        public var single: [Double]
        public var switched: [Double]
        public var switchSample: Int?
        public var annihilation: Int?
        public var predictedAnnihilation: Int?
        public var singleAnnihilation: Int?
        /// NRMSE over samples 1 ..< N (as `spinode predict`), with the switch and of the skyrmion model alone.
        public var nrmse: Double
        public var singleNRMSE: Double
        public var t0: Double
        public var sampleInterval: Double

        /// Time (s) of a sample index.
        public func time(_ sample: Int?) -> Double? { sample.map { t0 + Double($0) * sampleInterval } }

        /// A switch on a trace whose skyrmion lives.
        public var falseAnnihilation: Bool { annihilation == nil && switchSample != nil }

        var json: JSONValue {
            .object([
                ("file", .string(file)), ("trace", .string(trace)), ("switch_at_s", time(switchSample).map { .number($0) } ?? .null),
                ("reference_annihilation_s", time(annihilation).map { .number($0) } ?? .null),
                ("predicted_annihilation_s", time(predictedAnnihilation).map { .number($0) } ?? .null),
                ("single_model_annihilation_s", time(singleAnnihilation).map { .number($0) } ?? .null),
                ("false_annihilation", .bool(falseAnnihilation)),
                ("nrmse", .number(nrmse)), ("single_model_nrmse", .number(singleNRMSE)),
            ])
        }
    }

    public var model: String
    public var after: String
    /// The calibration: the largest <m_z> of the skyrmion model's free run over `calibrationTrace`, and
    /// the switch level taken from it.
    public var calibrationTrace: String
    public var calibrationMaximum: Double
    public var event: RegimeEvent
    /// The trace with the annihilation first, then the held-out traces.
    public var cases: [Case]
    /// Wall seconds of all the free runs (calibration included).
    public var seconds: Double

    /// The figure's window around the true annihilation, seconds before and after it.
    public static let figureWindow = (before: 6e-9, after: 4e-9)

    /// The switch level for a model whose free run over its skyrmion-alive training data peaks at
    /// `maximum`: the next multiple of 0.01 above it.
    public static func level(above maximum: Double) -> Double { ((maximum * 100).rounded(.down) + 1) / 100 }

    /// - Parameters:
    ///   - traces: the file with `calibration` (the model's training trace) and `trace` (the annihilation).
    ///   - heldOut: further traces to predict (file, trace names), e.g. held-out realisations.
    public static func run(model path: String, after afterPath: String, traces: String, calibration: String = "train",
                           trace: String = "test", heldOut: (file: String, traces: [String])? = nil) throws -> DemoRegimeSwitch {
        let first = try SurrogateModel(file: SurrogateModelFile.read(path).members[0])
        let second = try SurrogateModelFile.read(afterPath).members.map { try SurrogateModel(file: $0) }
        let ((maximum, event, cases), seconds) = try DemoProgress.timed { () -> (Double, RegimeEvent, [Case]) in
            // The skyrmion model's free run (as `spinode predict` runs it), first over its own training trace: the level.
            let solver = SurrogateSolver.fixedRK4(stepsPerSample: 1)
            let single = try EnsemblePrediction(members: [first], solver: solver)
            let trained = try matched(try DemoData.trace(calibration, in: traces), to: first)
            let maximum = try column(single.predict([trained])[0].mean, of: first).max() ?? -.infinity
            let event = RegimeEvent(output: "mz", direction: .above, threshold: level(above: maximum))
            let switching = try RegimeSwitchPrediction(before: [first], after: second, event: event, solver: solver)
            let settled = RegimeEvent(output: "mz", direction: .above, threshold: DemoTrust.annihilationLevel)
            var jobs = [(traces, trace)]
            if let heldOut { jobs += heldOut.traces.map { (heldOut.file, $0) } }
            let cases = try jobs.map { file, name -> Case in
                let source = try DemoData.trace(name, in: file)
                let before = try matched(source, to: first)
                let forAfter = try matched(source, to: switching.after.members[0])
                let alone = try single.predict([before])[0].mean
                let result = try switching.predict(forBefore: before, forAfter: forAfter, beforeSeries: alone)
                let truth = try column(before.outputs, of: first), a = try column(alone, of: first)
                let s = try column(result.series, of: first)
                let score = { (p: [Double]) in Statistics.nrmse(prediction: Array(p.dropFirst()), truth: Array(truth.dropFirst())) }
                return Case(file: file, trace: name, truth: truth, single: a, switched: s, switchSample: result.switchSample,
                            annihilation: settled.settledIndex(truth), predictedAnnihilation: settled.settledIndex(s),
                            singleAnnihilation: settled.settledIndex(a), nrmse: score(s), singleNRMSE: score(a),
                            t0: source.time(0), sampleInterval: before.sampleInterval)
            }
            return (maximum, event, cases)
        }
        return DemoRegimeSwitch(model: path, after: afterPath, calibrationTrace: calibration, calibrationMaximum: maximum,
                                event: event, cases: cases, seconds: seconds)
    }

    /// The trace in the model's channels at its sample interval (as `spinode predict` matches it).
    static func matched(_ trace: Trace, to model: SurrogateModel) throws -> RawTrace {
        try RawTrace(trace: trace).matchingChannels(of: model).conformingSampleInterval(to: model).trace
    }

    /// The <m_z> column of a sample-major series in the model's output channels.
    static func column(_ series: [Double], of model: SurrogateModel) throws -> [Double] {
        let n = model.outputNames.count
        guard let c = model.outputNames.firstIndex(of: "mz") else {
            throw SurrogateError.invalidModel("the skyrmion model has no output 'mz' (it has \(model.outputNames.joined(separator: ", ")))")
        }
        return (0..<(series.count / n)).map { series[$0 * n + c] }
    }

    /// Traces whose skyrmion lives and that the switch annihilated, of those whose skyrmion lives.
    public var falseAnnihilations: (count: Int, of: Int) {
        (cases.filter(\.falseAnnihilation).count, cases.filter { $0.annihilation == nil }.count)
    }

    public var json: JSONValue {
        .object([
            ("model", .string(model)), ("after", .string(after)), ("switch", .string(event.description)),
            ("calibration_trace", .string(calibrationTrace)), ("calibration_max_mz", .number(calibrationMaximum)),
            ("annihilation_level", .number(DemoTrust.annihilationLevel)),
            ("false_annihilations", .integer(falseAnnihilations.count)), ("living_traces", .integer(falseAnnihilations.of)),
            ("cases", .array(cases.map(\.json))), ("seconds", .number(seconds)),
        ])
    }

    /// "regime-switch": truth, the skyrmion model alone and the two-model prediction around the true
    /// annihilation of the first case (or the end of its trace without one).
    public var plots: [(String, LinePlot)] {
        guard let c = cases.first else { return [] }
        let centre = c.annihilation ?? c.truth.count - 1
        let lo = max(0, centre - Int((Self.figureWindow.before / c.sampleInterval).rounded()))
        let hi = min(c.truth.count, centre + Int((Self.figureWindow.after / c.sampleInterval).rounded()) + 1)
        let ns = (lo..<hi).map { c.time($0)! * 1e9 }
        let at = { (t: Double?) in t.map { String(format: "%.4g ns", $0 * 1e9) } ?? "never" }
        let title = String(format: "'%@': switch %@ at %@, annihilation %@ (truth %@); NRMSE %.3g (one model: %.3g)",
                           c.trace, event.description, at(c.time(c.switchSample)), at(c.time(c.predictedAnnihilation)),
                           at(c.time(c.annihilation)), c.nrmse, c.singleNRMSE)
        let plot = LinePlot(title: title, xLabel: "t (ns)", yLabel: "mz (dimensionless)", series: [
            .init(name: DemoFigures.truthName, x: ns, y: Array(c.truth[lo..<hi]), colour: LinePlot.palette[0]),
            .init(name: "skyrmion model alone", x: ns, y: Array(c.single[lo..<hi]), colour: LinePlot.palette[2], dashed: true),
            .init(name: "skyrmion model, then uniform-state model", x: ns, y: Array(c.switched[lo..<hi]), colour: LinePlot.palette[1]),
        ])
        return [("regime-switch", plot)]
    }
}
