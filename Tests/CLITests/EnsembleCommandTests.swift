import Foundation
import Numerics
import TraceIO
import XCTest

/// `spinode fit --ensemble`, `spinode ensemble` and `spinode predict` of ensemble models, end to end on
/// the driven damped oscillator (docs/surrogate-model.md, "Ensembles and the trust flag").
final class EnsembleCommandTests: XCTestCase {
    static func fitArguments(_ traces: String, out: String, seed: Int, extra: [String] = []) -> [String] {
        ["fit", traces, "--out", out, "--iterations", "40", "--hidden", "12", "--seed", "\(seed)", "--interpolation", "zoh",
         "--validate-every", "20", "--validation", "tail:0.25", "--quiet"] + extra
    }

    /// An ensemble of 3 is 3 ordinary fits with seeds s, s + 1, s + 2 (member 1 predicts bit for bit like
    /// `fit --seed s+1`), its threshold is margin x its largest validation spread, and `predict` reports the
    /// spread and the flag in the JSON summary and as the companion trace "<name>_trust".
    func testEnsembleFitEqualsSeparateFitsAndPredictReportsTrust() throws {
        let dir = try makeTemporaryDirectory(self)
        let traces = try importOscillator(DrivenOscillator(), into: dir)
        let ensemble = dir + "/ensemble.h5", single = dir + "/seed4.h5"
        let fit = try jsonObject(runSpinode(Self.fitArguments(traces, out: ensemble, seed: 3, extra: ["--ensemble", "3", "--json", "--trust-margin", "3"])).stdout)
        XCTAssertEqual(fit["members"] as? Int, 3)
        let threshold = try XCTUnwrap(fit["spread_threshold"] as? Double)
        let largest = try XCTUnwrap(fit["calibration_max_spread"] as? Double)
        XCTAssertGreaterThan(largest, 0)
        XCTAssertEqual(threshold, 3 * largest)
        XCTAssertEqual((fit["member_fits"] as? [[String: Any]])?.map { $0["seed"] as? String }, ["3", "4", "5"])
        try runSpinode(Self.fitArguments(traces, out: single, seed: 4))

        let read = try SurrogateModelFile.read(ensemble)
        XCTAssertEqual(read.memberCount, 3)
        XCTAssertEqual(read.trust?.spreadThreshold, threshold)
        XCTAssertEqual(try read.member(1).layers, try SurrogateModelFile.read(single).layers)

        let member = try jsonObject(runSpinode(["predict", ensemble, traces, "--member", "1", "--out", dir + "/m1.h5", "--json"]).stdout)
        XCTAssertEqual(member["members"] as? Int, 1)
        let alone = try jsonObject(runSpinode(["predict", single, traces, "--out", dir + "/s.h5", "--json"]).stdout)
        XCTAssertEqual(try TraceFile.read(dir + "/m1.h5")[0].outputs, try TraceFile.read(dir + "/s.h5")[0].outputs)
        XCTAssertNil((alone["predictions"] as? [[String: Any]])?[0]["ensemble"])

        let whole = try jsonObject(runSpinode(["predict", ensemble, traces, "--out", dir + "/e.h5", "--json", "--threads", "2"]).stdout)
        XCTAssertEqual(whole["members"] as? Int, 3)
        let report = try XCTUnwrap((whole["predictions"] as? [[String: Any]])?[0]["ensemble"] as? [String: Any])
        XCTAssertEqual(report["spread_threshold"] as? Double, threshold)
        let written = try TraceFile.read(dir + "/e.h5")
        XCTAssertEqual(written.map(\.name), ["osc", "osc_trust"])
        let spreadTrace = written[1]
        XCTAssertEqual(spreadTrace.outputNames, ["spread", "trust_flag"])
        let spread = (0..<spreadTrace.count).map { spreadTrace.outputs[$0, 0] }
        let flags = (0..<spreadTrace.count).map { spreadTrace.outputs[$0, 1] }
        XCTAssertEqual(spread[0], 0)
        XCTAssertEqual(report["max_spread"] as? Double, spread.dropFirst().max())
        XCTAssertEqual(flags, spread.enumerated().map { $0.offset > 0 && $0.element > threshold ? 1 : 0 })
        XCTAssertEqual(report["flagged_samples"] as? Int, Int(flags.reduce(0, +)))
        let first = flags.firstIndex(of: 1)
        XCTAssertEqual(report["trust_lost_at_sample"] as? Int, first)
        // The mean of the members' own predictions.
        var members: [[Double]] = []
        for i in 0..<3 {
            try runSpinode(["predict", ensemble, traces, "--member", "\(i)", "--out", dir + "/m\(i)-again.h5"])
            members.append(try TraceFile.read(dir + "/m\(i)-again.h5")[0].outputs.storage)
        }
        let mean = written[0].outputs.storage
        for j in mean.indices {
            XCTAssertEqual(mean[j], (members[0][j] + members[1][j] + members[2][j]) / 3, accuracy: 1e-12 * max(1, abs(mean[j])))
        }
        XCTAssertNotEqual(try runProcess(try spinode(), ["predict", ensemble, traces, "--member", "3", "--out", dir + "/x.h5"]).status, 0)
    }

    /// `spinode ensemble` combines separate fits; the same file twice (members that agree exactly) and
    /// fits of different settings are refused with one line.
    func testEnsembleCommandCombinesFits() throws {
        let dir = try makeTemporaryDirectory(self)
        let traces = try importOscillator(DrivenOscillator(), into: dir)
        for seed in [1, 2] { try runSpinode(Self.fitArguments(traces, out: dir + "/s\(seed).h5", seed: seed)) }
        let out = dir + "/e.h5"
        let summary = try jsonObject(runSpinode(["ensemble", dir + "/s1.h5", dir + "/s2.h5", "--calibrate", traces, "--out", out, "--json"]).stdout)
        XCTAssertEqual(summary["members"] as? Int, 2)
        let model = try SurrogateModelFile.read(out)
        XCTAssertEqual(try model.member(1).layers, try SurrogateModelFile.read(dir + "/s2.h5").layers)
        XCTAssertEqual(model.trust?.spreadThreshold, summary["spread_threshold"] as? Double)

        let twice = try runProcess(try spinode(), ["ensemble", dir + "/s1.h5", dir + "/s1.h5", "--calibrate", traces, "--out", dir + "/t.h5"])
        XCTAssertNotEqual(twice.status, 0)
        XCTAssertTrue(twice.stderr.contains("agree exactly"), twice.stderr)
        try runSpinode(Self.fitArguments(traces, out: dir + "/wide.h5", seed: 1, extra: ["--hidden", "13"]))
        let mixed = try runProcess(try spinode(), ["ensemble", dir + "/s1.h5", dir + "/wide.h5", "--calibrate", traces, "--out", dir + "/t.h5"])
        XCTAssertNotEqual(mixed.status, 0)
        XCTAssertTrue(mixed.stderr.contains("wide.h5"), mixed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/t.h5"))
        // predict --after takes ensembles (issue 18): with a switch that never comes, the ensemble's own
        // mean prediction, bit for bit; with one at the first sample, the entry value there, and the
        // written description names both models and the switch time.
        try runSpinode(["predict", out, traces, "--out", dir + "/mean.h5"])
        let never = try jsonObject(runSpinode(["predict", out, traces, "--out", dir + "/never.h5", "--json",
                                               "--after", out, "--switch", "x>1e6"]).stdout)
        XCTAssertTrue(((never["predictions"] as? [[String: Any]])?[0]["switch"] as? [String: Any])?["at_sample"] is NSNull)
        XCTAssertEqual(try TraceFile.read(dir + "/never.h5")[0].outputs.storage.map(\.bitPattern),
                       try TraceFile.read(dir + "/mean.h5")[0].outputs.storage.map(\.bitPattern))
        let switched = try jsonObject(runSpinode(["predict", out, traces, "--out", dir + "/switched.h5", "--json",
                                                  "--after", dir + "/s2.h5", "--switch", "x>-1e6", "--entry", "x=0.25"]).stdout)
        XCTAssertEqual(((switched["predictions"] as? [[String: Any]])?[0]["switch"] as? [String: Any])?["at_sample"] as? Int, 1)
        let written = try TraceFile.read(dir + "/switched.h5")[0]
        XCTAssertEqual(written.outputs.storage[1], 0.25)
        XCTAssertTrue(written.description.contains("then by \(dir)/s2.h5 from "), written.description)
        // With a switch, each ensemble's spread covers the samples its model predicts: the first's up to the
        // switch ("osc_trust"), the second's from it ("osc_trust_after", its members starting from the same
        // entry state: spread 0 there), each flag against its own model's threshold.
        let both = try jsonObject(runSpinode(["predict", out, traces, "--out", dir + "/both.h5", "--json",
                                              "--after", out, "--switch", "x>-1e6", "--entry", "x=0.25"]).stdout)
        let prediction = try XCTUnwrap((both["predictions"] as? [[String: Any]])?.first)
        let bothTraces = try TraceFile.read(dir + "/both.h5")
        XCTAssertEqual(bothTraces.map(\.name), ["osc", "osc_trust", "osc_trust_after"])
        let n = bothTraces[0].count
        let before = try XCTUnwrap(prediction["ensemble"] as? [String: Any])
        XCTAssertEqual(before["first_sample"] as? Int, 0)
        XCTAssertEqual(before["sample_count"] as? Int, 1)
        XCTAssertEqual(bothTraces[1].count, 1)
        let afterReport = try XCTUnwrap(prediction["ensemble_after"] as? [String: Any])
        XCTAssertEqual(afterReport["members"] as? Int, 2)
        XCTAssertEqual(afterReport["first_sample"] as? Int, 1)
        XCTAssertEqual(afterReport["sample_count"] as? Int, n - 1)
        XCTAssertEqual(afterReport["spread_threshold"] as? Double, model.trust?.spreadThreshold)
        let afterTrace = bothTraces[2]
        XCTAssertEqual(afterTrace.count, n - 1)
        XCTAssertEqual(afterTrace.time(0), bothTraces[0].time(1), accuracy: 1e-15)
        let afterSpread = (0..<afterTrace.count).map { afterTrace.outputs[$0, 0] }
        XCTAssertEqual(afterSpread[0], 0)
        XCTAssertGreaterThan(afterSpread.max() ?? 0, 0)
        XCTAssertEqual(afterReport["max_spread"] as? Double, afterSpread.dropFirst().max())
        let threshold = try XCTUnwrap(model.trust?.spreadThreshold)
        let afterFlags = (0..<afterTrace.count).map { afterTrace.outputs[$0, 1] }
        XCTAssertEqual(afterFlags, afterSpread.enumerated().map { $0.offset > 0 && $0.element > threshold ? 1 : 0 })
        XCTAssertEqual(afterReport["trust_lost_at_sample"] as? Int, afterFlags.firstIndex(of: 1).map { $0 + 1 })
        // --resume with no member checkpoint is refused, as for a single fit; an export of a member that does
        // not exist is one line.
        let resume = try runProcess(try spinode(), Self.fitArguments(traces, out: dir + "/r.h5", seed: 1, extra: ["--ensemble", "2", "--resume"]))
        XCTAssertNotEqual(resume.status, 0)
        XCTAssertTrue(resume.stderr.contains("--resume: no checkpoint"), resume.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/r.h5"))
        let export = try runProcess(try spinode(), ["export", out, "--out", dir + "/exp", "--member", "2"])
        XCTAssertNotEqual(export.status, 0)
        XCTAssertEqual(export.stderrLines.count, 1, export.stderr)
        XCTAssertTrue(export.stderr.contains("has 2 members (0 ... 1)"), export.stderr)
        let none = try runProcess(try spinode(), Self.fitArguments(traces, out: dir + "/n.h5", seed: 1, extra: ["--ensemble", "2", "--validation", "none"]))
        XCTAssertNotEqual(none.status, 0)
        XCTAssertTrue(none.stderr.contains("--ensemble"), none.stderr)
    }
}
