import Foundation
import TraceIO
import Workflows

/// Demo part (d): the summary, as a compact table for people and as one JSON object for scripts (also written
/// to OUT/summary.json).
struct DemoSummary {
    var data: DemoData
    var model: String
    var out: String
    var quick: Bool
    var training: DemoTraining?
    var prediction: DemoPrediction
    /// Every held-out prediction of part (a) (the first is `prediction`) and their file.
    var heldOut: [DemoPrediction]
    var heldOutFile: String
    var reservoir: DemoReservoir?
    var reference: DemoReference?
    var trust: DemoTrust?
    var regimeSwitch: DemoRegimeSwitch?
    /// Parts that failed (b, c), with the reason; the demo then exits with status 1.
    var failures: [(part: String, reason: String)]
    var figures: DemoFigures
    var wallSeconds: Double

    var json: JSONValue {
        .object([
            ("data", .string(data.root)), ("traces", .string(data.traces)), ("model", .string(model)),
            ("out", .string(out)), ("quick", .bool(quick)),
            ("training", training?.json ?? .null),
            ("prediction", prediction.json),
            ("held_out", .object([
                ("file", .string(heldOutFile)),
                ("traces", .array(heldOut.map { .object([("trace", .string($0.trace)), ("samples", .integer($0.samples)),
                                                         ("nrmse", .number($0.metrics.nrmse))]) })),
                ("simulated_seconds", .number(Double(heldOut.map(\.samples).reduce(0, +) - heldOut.count) * prediction.sampleInterval)),
                ("mean_nrmse", .number(heldOutMeanNRMSE)),
            ])),
            ("trust_flag", trust?.json ?? .null),
            ("regime_switch", regimeSwitch?.json ?? .null),
            ("mackey_glass", reservoir?.json ?? .null),
            ("reference", reference?.json ?? .null),
            ("figures", figures.json),
            ("failures", .array(failures.map { .object([("part", .string($0.part)), ("reason", .string($0.reason))]) })),
            ("wall_seconds", .number(wallSeconds)),
        ])
    }

    /// The mean over the held-out traces of their NRMSE.
    var heldOutMeanNRMSE: Double { heldOut.map(\.metrics.nrmse).reduce(0, +) / Double(heldOut.count) }

    /// "1.23e-3" style for small numbers, "0.0123" otherwise.
    static func g(_ v: Double?, _ digits: Int = 3) -> String {
        guard let v else { return "-" }
        return String(format: "%.\(digits)g", v)
    }

    static func duration(_ seconds: Double) -> String {
        if seconds >= 86_400 { return String(format: "%.1f days", seconds / 86_400) }
        if seconds >= 3_600 { return String(format: "%.1f h", seconds / 3_600) }
        if seconds >= 60 { return String(format: "%.1f min", seconds / 60) }
        if seconds >= 1 { return String(format: "%.1f s", seconds) }
        return String(format: seconds >= 0.01 ? "%.0f ms" : "%.2g ms", seconds * 1e3)
    }

    static func thousands(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }

    func table() -> String {
        var rows = [(String, String)]()
        let p = prediction, m = p.metrics
        if let t = training {
            rows.append(("retrained surrogate", "spinode fit (\(t.recorded ? "recorded command" : "paper's settings")) in \(DemoSummary.duration(t.seconds)) -> \(t.model)"))
        }
        if heldOut.count > 1 {
            let total = heldOut.reduce(0.0) { $0 + Double($1.samples - 1) * $1.sampleInterval } * 1e9
            rows.append(("held-out prediction", String(format: "%d drive realisations never trained on, %.4g ns in all: mean NRMSE %@",
                                                       heldOut.count, total, DemoSummary.g(heldOutMeanNRMSE, 4))))
            rows.append(("", heldOut.map { "'\($0.trace)' \(DemoSummary.g($0.metrics.nrmse, 4))" }.joined(separator: ", ")))
        }
        let ns = Double(p.samples) * p.sampleInterval * 1e9
        rows.append((heldOut.count > 1 ? "" : "held-out prediction",
                     String(format: "'%@': %.4g ns (%@ samples), free-running from the true initial state", p.trace, ns,
                            DemoSummary.thousands(p.samples))))
        let blocks = m.blockNRMSE
        rows.append(("", String(format: "NRMSE %@; per %.3g ns block %@ ... %@ (first ... last); max error %@",
                                DemoSummary.g(m.nrmse, 4), Double(m.blockLength) * p.sampleInterval * 1e9,
                                DemoSummary.g(blocks.first), DemoSummary.g(blocks.last), DemoSummary.g(m.maxError))))
        rows.append(("", String(format: "dominant frequency %@ GHz (truth) / %@ GHz (prediction), resolution %@ MHz; %@ wall",
                                DemoSummary.g(m.truthFrequency.map { $0 * 1e-9 }, 4), DemoSummary.g(m.predictionFrequency.map { $0 * 1e-9 }, 4),
                                DemoSummary.g(m.frequencyResolution.map { $0 * 1e-6 }), DemoSummary.duration(p.seconds))))
        func scores(_ run: DemoReservoir.Run) -> String {
            "NRMSE H=1 \(DemoSummary.g(run.nrmse(at: 1))), H=10 \(DemoSummary.g(run.nrmse(at: 10))), H=40 \(DemoSummary.g(run.nrmse(at: 40)))"
        }
        if let r = reservoir {
            rows.append(("Mackey-Glass", "\(DemoSummary.thousands(r.points)) points, N = \(r.nodes) nodes, hold \(r.hold) samples"))
            rows.append(("  surrogate reservoir", scores(r.surrogate) + String(format: "; %@ wall for %.4g us of device time",
                                                                              DemoSummary.duration(r.surrogate.result.wallSeconds),
                                                                              r.surrogate.result.deviceSeconds * 1e6)))
            rows.append(("  echo state network", scores(r.esn) + "; \(DemoSummary.duration(r.esn.result.wallSeconds)) wall"))
        }
        if let ref = reference {
            rows.append(("micromagnetic reference", String(format: "%.3g ns of the same drive: %@ (reference) vs %@ (surrogate): speed-up %@x",
                                                           ref.simulatedSeconds * 1e9, DemoSummary.duration(ref.referenceWallSeconds),
                                                           DemoSummary.duration(ref.surrogateWallSeconds),
                                                           DemoSummary.thousands(Int(ref.speedUp.rounded())))))
            rows.append(("", String(format: "whole Mackey-Glass task (%.3g us of device time): about %@ on the reference vs %@ on the surrogate (%@x)",
                                    ref.taskDeviceSeconds * 1e6, DemoSummary.duration(ref.taskReferenceSecondsEstimate),
                                    DemoSummary.duration(ref.taskSurrogateWallSeconds), DemoSummary.thousands(Int(ref.taskSpeedUp.rounded())))))
        }
        if let t = trust {
            rows.append(("trust flag", String(format: "ensemble of %d on '%@' (%@): flag up at %@, reference annihilation at %@",
                                              t.members, t.trace, t.model,
                                              t.trust.firstFlaggedTime.map { String(format: "%.4g ns", $0 * 1e9) } ?? "never",
                                              t.time(t.annihilation).map { String(format: "%.4g ns", $0 * 1e9) } ?? "never")))
            rows.append(("", String(format: "first %.3g ns: NRMSE %@, flag %@", DemoTrust.earlySeconds * 1e9,
                                    DemoSummary.g(t.earlyNRMSE), t.flaggedEarly ? "UP" : "down")))
        }
        if let r = regimeSwitch {
            let ns = { (t: Double?) in t.map { String(format: "%.4g ns", $0 * 1e9) } ?? "never" }
            rows.append(("two regimes", String(format: "switch %@ to %@ (largest mz of the free run over '%@': %.4f)",
                                               r.event.description, r.after, r.calibrationTrace, r.calibrationMaximum)))
            for c in r.cases {
                rows.append(("", String(format: "'%@': switch at %@, annihilation %@ (reference %@); NRMSE %@ (one model: %@)",
                                        c.trace, ns(c.time(c.switchSample)), ns(c.time(c.predictedAnnihilation)),
                                        ns(c.time(c.annihilation)), DemoSummary.g(c.nrmse), DemoSummary.g(c.singleNRMSE))))
            }
            rows.append(("", "false annihilations: \(r.falseAnnihilations.count) of \(r.falseAnnihilations.of) traces whose skyrmion lives"))
        }
        for f in failures { rows.append((f.part, "FAILED: " + f.reason)) }
        rows.append(("figures", figures.figures.map { $0.name + ".svg" }.joined(separator: ", ") + " in \(out)"))
        rows.append(("", "CSV data beside each; PNG " + figures.pngNote))
        rows.append(("wall time", DemoSummary.duration(wallSeconds) + (quick ? " (--quick)" : "")))
        let width = rows.map { $0.0.count }.max() ?? 0
        var text = "SpinODE demo: single-skyrmion VCMA disk (Chen et al., Nat. Commun. 13, 1016 (2022))\n"
        for (a, b) in rows { text += "  " + a.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + b + "\n" }
        return String(text.dropLast())
    }
}
