import Foundation
import TraceIO
import XCTest

/// `spinode predict` meets a trace by channel names and sample interval (issue 13, items 8 and 15): a
/// model of u -> x is refused on a current -> voltage trace of the same shape unless --map names the
/// channels, and then predicts exactly what it predicts on the original trace; a trace sampled 2e-7
/// relative off the model's interval is predicted (the difference reported), 2e-6 off is refused with
/// how to resample.
final class PredictChannelTests: XCTestCase {
    /// The driven oscillator's CSV with other column names and times scaled by `1 + stretch`.
    private func csv(_ oscillator: DrivenOscillator, input: String, output: String, stretch: Double = 0) -> String {
        let (t, u, x) = oscillator.generate()
        var text = "t (s),\(input) (A),\(output) (V)\n"
        for i in t.indices { text += "\(t[i] * (1 + stretch)),\(u[i]),\(x[i])\n" }
        return text
    }

    func testChannelsByNameAndSampleIntervalTolerance() throws {
        let dir = try makeTemporaryDirectory(self)
        let oscillator = DrivenOscillator(samples: 200)
        let traces = try importOscillator(oscillator, into: dir)
        let model = dir + "/model.h5"
        try runSpinode(["fit", traces, "--out", model, "--iterations", "3", "--hidden", "8", "--quiet"])
        let reference = dir + "/reference.h5"
        try runSpinode(["predict", model, traces, "--out", reference])
        let expected = try TraceFile.read(reference)[0].outputs.storage

        // Same shape, other names: refused, naming the missing channel and --map.
        let scope = dir + "/scope.csv", scopeTraces = dir + "/scope.h5"
        try csv(oscillator, input: "current", output: "voltage").write(toFile: scope, atomically: true, encoding: .utf8)
        try runSpinode(["import", "csv", scope, "--input", "current", "--output", "voltage", "--out", scopeTraces])
        let out = dir + "/prediction.h5"
        let refused = try runProcess(try spinode(), ["predict", model, scopeTraces, "--out", out])
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.stderrLines.count, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("\(scopeTraces): invalid trace: trace 'scope' has no input 'u'"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("--map TRACE_CHANNEL=u"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        // Mapped (comma list, then repeated): the same prediction as on the original trace, bit for bit.
        for map in [["--map", "current=u,voltage=x"], ["--map", "current=u", "--map", "voltage=x"]] {
            try runSpinode(["predict", model, scopeTraces, "--out", out] + map)
            let mapped = try TraceFile.read(out)[0]
            XCTAssertEqual(mapped.outputs.storage, expected, "\(map)")
            XCTAssertEqual(mapped.outputNames, ["x"])
        }
        // A misspelt map is refused rather than ignored.
        let misspelt = try runProcess(try spinode(), ["predict", model, scopeTraces, "--out", dir + "/m.h5", "--map", "curent=u,voltage=x"])
        XCTAssertEqual(misspelt.status, 1)
        XCTAssertEqual(misspelt.stderr, "Error: invalid option: --map curent=u: no trace of \(scopeTraces) has a channel 'curent' "
                       + "(they have current, voltage)\n")

        // Sampled 2e-7 relative off the model's 1e-10 s: predicted on the model's interval, difference reported.
        let near = dir + "/near.csv", nearTraces = dir + "/near.h5"
        try csv(oscillator, input: "u", output: "x", stretch: 2e-7).write(toFile: near, atomically: true, encoding: .utf8)
        try runSpinode(["import", "csv", near, "--input", "u", "--output", "x", "--out", nearTraces])
        let summary = try jsonObject(try runSpinode(["predict", model, nearTraces, "--out", out, "--json"]).stdout)
        XCTAssertEqual(try number(summary["sample_interval_tolerance"]), 1e-6)
        let run = try XCTUnwrap((summary["predictions"] as? [[String: Any]])?.first)
        XCTAssertEqual(try number(run["sample_interval_relative_difference"]), 2e-7, accuracy: 1e-12)
        XCTAssertEqual(try TraceFile.read(out)[0].outputs.storage, expected)
        let text = try runSpinode(["predict", model, nearTraces, "--out", out]).stdout
        XCTAssertTrue(text.contains("note: near is sampled every 1.0000002e-10 s, the model every 1e-10 s (relative difference 2e-07"), text)

        // 2e-6 off: refused, saying how to resample.
        let far = dir + "/far.csv", farTraces = dir + "/far.h5"
        try csv(oscillator, input: "u", output: "x", stretch: 2e-6).write(toFile: far, atomically: true, encoding: .utf8)
        try runSpinode(["import", "csv", far, "--input", "u", "--output", "x", "--out", farTraces])
        let farOut = dir + "/far-prediction.h5"
        let tooFar = try runProcess(try spinode(), ["predict", model, farTraces, "--out", farOut])
        XCTAssertEqual(tooFar.status, 1)
        XCTAssertEqual(tooFar.stderrLines.count, 1, tooFar.stderr)
        XCTAssertTrue(tooFar.stderr.contains("relative difference 2e-06, tolerance 1e-06"), tooFar.stderr)
        XCTAssertTrue(tooFar.stderr.contains("--resample 1e-10"), tooFar.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: farOut))

        // A drive file is matched by name too: its 'current' maps to the model's 'u'.
        let driven = dir + "/driven.h5"
        try runSpinode(["predict", model, traces, "--input", scopeTraces, "--map", "current=u", "--out", driven])
        XCTAssertEqual(try TraceFile.read(driven)[0].outputs.storage, expected)
        try XCTAssertEqual(runProcess(try spinode(), ["predict", model, traces, "--input", scopeTraces, "--out", dir + "/d2.h5"]).status, 1)
    }

    /// `predict --event`: the settled crossing timed in truth and prediction per trace in --json; an event
    /// that never settles is null; a malformed event or an output the model does not have is one line and
    /// a non-zero exit before anything is written.
    func testEventsAreTimedInTruthAndPrediction() throws {
        let dir = try makeTemporaryDirectory(self)
        let (traces, model) = try importAndFitTinyModel(into: dir)
        let out = dir + "/p.h5"
        let report = try jsonObject(try runSpinode(["predict", model, traces, "--out", out, "--json",
                                                    "--event", "x>-1e6", "--event", "x>1e6"]).stdout)
        let prediction = try XCTUnwrap((report["predictions"] as? [[String: Any]])?.first)
        let events = try XCTUnwrap(prediction["events"] as? [[String: Any]])
        XCTAssertEqual(events.map { $0["event"] as? String }, ["x>-1000000.0", "x>1000000.0"])
        XCTAssertEqual(events[0]["truth_at_s"] as? Double, 0, "holds from the first sample (t0 = 0)")
        XCTAssertEqual(events[0]["prediction_at_s"] as? Double, 0)
        XCTAssertEqual(events[0]["difference_s"] as? Double, 0)
        for key in ["truth_at_s", "prediction_at_s", "difference_s"] { XCTAssertTrue(events[1][key] is NSNull, key) }
        for (bad, says) in [("x=1", "NAME<VALUE"), ("y>1", "has no output 'y'")] {
            let other = dir + "/bad.h5"
            let r = try runProcess(try spinode(), ["predict", model, traces, "--out", other, "--event", bad], timeout: 120)
            XCTAssertNotEqual(r.status, 0, bad)
            XCTAssertTrue(r.stderr.contains(says), "\(bad): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: other), bad)
        }
    }

    /// `predict --after B --switch COND`: the JSON names the switch sample; with an event that never
    /// happens the prediction is the plain one, bit for bit; the options' refusals are one line before
    /// anything is written.
    func testSwitchToASecondModel() throws {
        let dir = try makeTemporaryDirectory(self)
        let (traces, model) = try importAndFitTinyModel(into: dir)
        let plain = dir + "/plain.h5", never = dir + "/never.h5", switched = dir + "/switched.h5"
        try runSpinode(["predict", model, traces, "--out", plain])
        let none = try jsonObject(try runSpinode(["predict", model, traces, "--out", never, "--json", "--after", model,
                                                  "--switch", "x>1e6"]).stdout)
        let noSwitch = try XCTUnwrap((none["predictions"] as? [[String: Any]])?.first?["switch"] as? [String: Any])
        XCTAssertTrue(noSwitch["at_sample"] is NSNull)
        XCTAssertEqual(try TraceFile.read(never)[0].outputs.storage.map(\.bitPattern),
                       try TraceFile.read(plain)[0].outputs.storage.map(\.bitPattern))
        let report = try jsonObject(try runSpinode(["predict", model, traces, "--out", switched, "--json", "--after", model,
                                                    "--switch", "x>-1e6", "--entry", "x=0.25"]).stdout)
        let first = try XCTUnwrap((report["predictions"] as? [[String: Any]])?.first)
        let at = try XCTUnwrap(first["switch"] as? [String: Any])
        XCTAssertEqual(at["at_sample"] as? Int, 1)
        XCTAssertEqual(at["event"] as? String, "x>-1000000.0")
        XCTAssertEqual(try TraceFile.read(switched)[0].outputs.storage[1], 0.25, "the entry value at the switch sample")
        for (arguments, says) in [(["--after", model], "go together"), (["--fill", "r=0"], "need --after"),
                                  (["--after", model, "--switch", "x>0", "--fill", "r"], "NAME=VALUE"),
                                  (["--after", model, "--switch", "x>0", "--fill", "r=0"], "fill 'r'"),
                                  (["--after", model, "--switch", "q>0"], "no output 'q'")] {
            let refused = dir + "/refused.h5"
            let r = try runProcess(try spinode(), ["predict", model, traces, "--out", refused] + arguments, timeout: 120)
            XCTAssertNotEqual(r.status, 0, "\(arguments)")
            XCTAssertTrue(r.stderr.contains(says), "\(arguments): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: refused), "\(arguments)")
        }
    }

    /// `predict --after B --switch-trigger FILE`: a trigger that fires at its first evaluation sample (bias
    /// above the threshold) hands over there, one that never fires gives the plain prediction bit for bit, and
    /// a bad or missing file, a channel the model lacks or --switch with --switch-trigger are refused as one
    /// line naming the problem (and the file) before anything is written.
    func testLearnedSwitchTrigger() throws {
        let dir = try makeTemporaryDirectory(self)
        let (traces, model) = try importAndFitTinyModel(into: dir)
        func trigger(_ name: String, bias: Double = 1, stride: Int = 10, feature: String = "{\"source\": \"input\", \"name\": \"u\", \"lag_samples\": 2}") throws -> String {
            let path = dir + "/" + name
            try """
            {"format": "spinode-switch-trigger", "version": 1, "description": "test", "stride_samples": \(stride), "phase_samples": 3,
             "features": [\(feature)], "center": [0], "scale": [1], "products": [[0, 0]], "weights": [0], "product_weights": [0],
             "bias": \(bias), "threshold": 0}
            """.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let plain = dir + "/plain.h5", never = dir + "/never.h5", switched = dir + "/switched.h5"
        try runSpinode(["predict", model, traces, "--out", plain])
        let fires = try trigger("fires.json")
        let report = try jsonObject(try runSpinode(["predict", model, traces, "--out", switched, "--json", "--after", model,
                                                    "--switch-trigger", fires, "--entry", "x=0.25"]).stdout)
        let at = try XCTUnwrap((report["predictions"] as? [[String: Any]])?.first?["switch"] as? [String: Any])
        XCTAssertEqual(at["at_sample"] as? Int, 3)
        XCTAssertEqual(at["trigger"] as? String, fires)
        XCTAssertTrue(at["event"] is NSNull)
        XCTAssertEqual(try TraceFile.read(switched)[0].outputs.storage[3], 0.25, "the entry value at the switch sample")
        XCTAssertEqual(try TraceFile.read(switched)[0].outputs.storage.prefix(3).map(\.bitPattern),
                       try TraceFile.read(plain)[0].outputs.storage.prefix(3).map(\.bitPattern))
        let none = try jsonObject(try runSpinode(["predict", model, traces, "--out", never, "--json", "--after", model,
                                                  "--switch-trigger", try trigger("never.json", bias: -1)]).stdout)
        let noSwitch = try XCTUnwrap((none["predictions"] as? [[String: Any]])?.first?["switch"] as? [String: Any])
        XCTAssertTrue(noSwitch["at_sample"] is NSNull)
        XCTAssertEqual(try TraceFile.read(never)[0].outputs.storage.map(\.bitPattern),
                       try TraceFile.read(plain)[0].outputs.storage.map(\.bitPattern))
        XCTAssertTrue(try TraceFile.read(never)[0].description.contains("no switch to \(model) (trigger \(dir)/never.json never fired)"))
        let bad = try trigger("bad.json", stride: 0), missing = dir + "/missing.json"
        try "not json".write(toFile: dir + "/text.json", atomically: true, encoding: .utf8)
        let cases: [([String], [String])] = [
            (["--after", model, "--switch-trigger", bad], [bad, "stride_samples must be >= 1, got 0"]),
            (["--after", model, "--switch-trigger", missing], [missing, "cannot read"]),
            (["--after", model, "--switch-trigger", dir + "/text.json"], [dir + "/text.json", "not JSON"]),
            (["--after", model, "--switch-trigger", try trigger("q.json", feature: "{\"source\": \"output\", \"name\": \"q\", \"lag_samples\": 0}")],
             [dir + "/q.json", "no output 'q' (it has x)"]),
            (["--after", model, "--switch", "x>0", "--switch-trigger", fires], ["--switch and --switch-trigger exclude each other"]),
            (["--switch-trigger", fires], ["need --after"]),
        ]
        for (arguments, says) in cases {
            let refused = dir + "/refused.h5"
            let r = try runProcess(try spinode(), ["predict", model, traces, "--out", refused] + arguments, timeout: 120)
            XCTAssertNotEqual(r.status, 0, "\(arguments)")
            XCTAssertEqual(r.stderrLines.count, 1, "\(arguments): \(r.stderr)")
            for word in says { XCTAssertTrue(r.stderr.contains(word), "\(arguments): \(word): \(r.stderr)") }
            XCTAssertFalse(FileManager.default.fileExists(atPath: refused), "\(arguments)")
        }
    }
}
