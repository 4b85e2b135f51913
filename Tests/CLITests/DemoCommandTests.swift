import Foundation
import Numerics
import TraceIO
import XCTest

/// `spinode demo --quick` on small stand-in files made here, laid out as the bundled data are
/// (Datasets/skyrmion-disk.h5 with 'train' and 'test', Models/skyrmion-disk.h5, Datasets/specs/skyrmion-disk.toml):
/// it exits 0, its JSON carries the documented keys, the figure files exist, and its prediction metrics are
/// exactly those `spinode predict` reports on the same files.
final class DemoCommandTests: XCTestCase {
    /// Sample interval of the stand-in traces and of the tiny spec's output, seconds (the bundled data's 5 ps).
    static let dt = 5e-12

    /// A tiny micromagnetic spec with the bundled spec's structure (minimise, settle, recorded driven stage):
    /// an 8 x 8 x 1 disk of 2 nm cells, no demag, so the reference segment takes well under a second.
    /// RK4 at 20 fs: the highest exchange precession, gamma 2A/Ms 8/dx^2 = 1.8e13 rad/s, needs < 150 fs.
    static let spec = """
        title = "tiny disk for DemoCommandTests"
        seed = 1
        [mesh]
        cells = [8, 8, 1]
        cell_size = [2e-9, 2e-9, 1e-9]
        [geometry]
        shape = "disk"
        diameter = 16e-9
        [material]
        Msat = 580e3
        Aex = 15e-12
        Ku1 = 0.8e6
        anisU = [0, 0, 1]
        Dind = 0.5e-3
        alpha = 0.1
        [terms]
        demag = false
        [initial]
        uniform = [0.1, 0, 1]
        [[stage]]
        kind = "minimize"
        [[stage]]
        kind = "run"
        duration = 1e-11
        solver = "rk4"
        step = 20e-15
        [[stage]]
        kind = "run"
        duration = 1e-10
        alpha = 0.01
        record = true
        solver = "rk4"
        step = 20e-15
        [output]
        interval = 5e-12
        quantities = ["mz"]
        """

    struct Fixture {
        var data: String
        var traces: String
        var model: String
    }

    nonisolated(unsafe) static var shared: Fixture?
    nonisolated(unsafe) static var sharedDirectory: String?

    override class func tearDown() {
        if let dir = sharedDirectory { try? FileManager.default.removeItem(atPath: dir) }
        sharedDirectory = nil
        shared = nil
        super.tearDown()
    }

    /// The data folder: the driven oscillator (DrivenOscillator.swift) at 5 ps samples, omega dt = 0.1, split
    /// into 'train' (first 600 samples) and 'test' (last 600) by `spinode split`; a small seeded fit on 'train'.
    func fixture() throws -> Fixture {
        if let f = Self.shared { return f }
        _ = try spinode()
        let dir = NSTemporaryDirectory() + "spinode-cli-demo-" + UUID().uuidString
        Self.sharedDirectory = dir
        for sub in ["Datasets/specs", "Models"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true)
        }
        let oscillator = DrivenOscillator(samples: 1200, dt: Self.dt, hold: 25, omega: 0.1 / Self.dt)
        let (_, u, x) = oscillator.generate()
        let run = Trace(name: "run", sampling: .uniform(t0: 0, dt: Self.dt), inputs: Matrix(rows: u.count, columns: 1, storage: u),
                        outputs: Matrix(rows: x.count, columns: 1, storage: x), inputNames: ["deltaKu1"], outputNames: ["mz"],
                        inputUnits: ["J/m3"], outputUnits: [""])
        try TraceFile.write([run], to: dir + "/run.h5")
        let traces = dir + "/Datasets/skyrmion-disk.h5", model = dir + "/Models/skyrmion-disk.h5"
        try runSpinode(["split", dir + "/run.h5", "--at", "\(600 * Self.dt)", "--out", traces])
        try Self.spec.write(toFile: dir + "/Datasets/specs/skyrmion-disk.toml", atomically: true, encoding: .utf8)
        try runSpinode(["fit", traces, "--trace", "train", "--out", model, "--iterations", "40", "--hidden", "16,16",
                        "--seed", "1", "--interpolation", "zoh", "--validate-every", "20", "--quiet"])
        let f = Fixture(data: dir, traces: traces, model: model)
        Self.shared = f
        return f
    }

    /// Demo arguments for the stand-in: the oscillator's input is O(1), so the masked Mackey-Glass input is
    /// scaled by 0.4 (the paper's factor in normalised units) instead of the 4e4 J/m^3 of the real data.
    func demoArguments(_ f: Fixture, out: String) -> [String] {
        ["demo", "--data", f.data, "--out", out, "--quick", "--json", "--input-scale", "0.4"]
    }

    func testQuickDemoReportsWhatPredictReportsAndWritesFigures() throws {
        let f = try fixture()
        let out = try makeTemporaryDirectory(self) + "/demo"
        let result = try runSpinode(demoArguments(f, out: out), timeout: 300)
        let summary = try jsonObject(result.stdout)
        XCTAssertEqual(summary["quick"] as? Bool, true)
        XCTAssertTrue(result.stderrLines.contains { $0.hasPrefix("[demo") }, "no progress lines: \(result.stderr)")

        // (a) exactly `spinode predict` on the same files.
        let prediction = try XCTUnwrap(summary["prediction"] as? [String: Any])
        let predicted = try jsonObject(try runSpinode(["predict", f.model, f.traces, "--trace", "test", "--out", out + "/p.h5", "--json"]).stdout)
        let reference = try XCTUnwrap(((predicted["predictions"] as? [[String: Any]])?.first?["metrics"] as? [[String: Any]])?.first)
        for key in ["nrmse", "rms_error", "max_error", "truth_frequency_hz", "prediction_frequency_hz", "frequency_resolution_hz"] {
            XCTAssertEqual(try number(prediction[key]).bitPattern, try number(reference[key]).bitPattern, key)
        }
        XCTAssertEqual(prediction["block_nrmse"] as? [Double], reference["block_nrmse"] as? [Double])
        XCTAssertEqual(prediction["samples"] as? Int, 600)
        XCTAssertEqual(prediction["trace"] as? String, "test")

        // (b) Mackey-Glass: per-horizon NRMSE for H = 0 ... 40 (--quick), both sources; the headline numbers are
        // entries of the profile. The ESN at H = 1 predicts well (docs/reservoir-tasks.md: 6.6e-4 for N = 50 on
        // 10,000 points; measured 1.2e-3 for this N = 20, 2,000-point version): below 0.01.
        let mg = try XCTUnwrap(summary["mackey_glass"] as? [String: Any])
        XCTAssertEqual(mg["nodes"] as? Int, 20)
        XCTAssertEqual(mg["points"] as? Int, 2000)
        for source in ["surrogate", "esn"] {
            let run = try XCTUnwrap(mg[source] as? [String: Any], source)
            let profile = try XCTUnwrap(run["nrmse_per_horizon"] as? [Double], source)
            XCTAssertEqual(profile.count, 41, source)
            XCTAssertEqual(try number(run["nrmse_h1"]), profile[1], source)
            XCTAssertEqual(try number(run["nrmse_h10"]), profile[10], source)
            XCTAssertEqual(try number(run["nrmse_h40"]), profile[40], source)
            XCTAssertGreaterThan(try number(run["wall_seconds"]), 0, source)
        }
        XCTAssertLessThan(try number((mg["esn"] as? [String: Any])?["nrmse_h1"]), 0.01)
        // Device time of the surrogate run: 2,000 points x 20 nodes x 2 samples x 5 ps = 4e-7 s.
        XCTAssertEqual(try number((mg["surrogate"] as? [String: Any])?["device_seconds"]), 2000 * 20 * 2 * Self.dt, accuracy: 1e-18)

        // (c) one multiplexed input (20 nodes x 2 samples = 40 samples = 0.2 ns) on both devices.
        let ref = try XCTUnwrap(summary["reference"] as? [String: Any])
        XCTAssertEqual(ref["device_samples"] as? Int, 40)
        XCTAssertEqual(try number(ref["simulated_seconds"]), 40 * Self.dt, accuracy: 1e-20)
        let speedUp = try number(ref["speed_up"])
        XCTAssertEqual(speedUp, try number(ref["reference_wall_seconds"]) / number(ref["surrogate_wall_seconds"]), accuracy: 1e-9 * speedUp)

        // (e) figures: SVG documents and CSV data, non-empty; summary.json is what was printed.
        let figures = try XCTUnwrap((summary["figures"] as? [String: Any])?["files"] as? [[String: Any]])
        XCTAssertEqual(figures.compactMap { $0["name"] as? String }, ["prediction-zoom", "prediction-full", "spectrum", "nrmse-horizon"])
        for figure in figures {
            for key in ["svg", "csv"] {
                let path = try XCTUnwrap(figure[key] as? String)
                let text = try String(contentsOfFile: path, encoding: .utf8)
                XCTAssertFalse(text.isEmpty, path)
                if key == "svg" { XCTAssertTrue(text.hasPrefix("<?xml") && text.hasSuffix("</svg>\n"), path) }
            }
        }
        XCTAssertEqual(try jsonObject(try String(contentsOfFile: out + "/summary.json", encoding: .utf8)) as NSDictionary,
                       summary as NSDictionary)

        // The whole-trace figure's data are the test trace and the prediction file `spinode predict` wrote, bit for bit.
        let series = try csvSeries(out + "/prediction-full.csv")
        let truth = try TraceFile.read(f.traces, trace: "test"), free = try TraceFile.read(out + "/p.h5", trace: "test")
        XCTAssertEqual(series["micromagnetic reference (truth)"]?.y.map(\.bitPattern), truth.outputs.storage.map(\.bitPattern))
        XCTAssertEqual(series["surrogate (free-running)"]?.y.map(\.bitPattern), free.outputs.storage.map(\.bitPattern))
        XCTAssertEqual(series["surrogate (free-running)"]?.x.first ?? .nan, 600 * Self.dt * 1e9, accuracy: 1e-12)  // t in ns

        // The spectrum is a density in 1/Hz: by Parseval, sum_k P_k df is the mean-square of the windowed
        // segment, which for this 600-sample trace (one 512-sample Hann segment) is the variance of the truth
        // to within the window's weighting; 0.5 ... 2 catches a lost factor 2, dt or window normalisation.
        let spectrum = try XCTUnwrap(try csvSeries(out + "/spectrum.csv")["micromagnetic reference (truth)"])
        let df = (spectrum.x[1] - spectrum.x[0]) * 1e9
        let power = spectrum.y.reduce(0, +) * df
        let y = truth.outputs.storage, mean = y.reduce(0, +) / Double(y.count)
        let variance = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(y.count)
        XCTAssertGreaterThan(power / variance, 0.5)
        XCTAssertLessThan(power / variance, 2)
    }

    /// A copy of the fixture's data folder with a held-out file: 'train', and 'test' cut at sample 900 into
    /// 'test-a' and 'test-b' (Datasets/skyrmion-disk-heldout.h5, laid out as the bundled one). Returns the
    /// folder and the held-out file.
    func dataWithHeldOutFile(_ f: Fixture) throws -> (String, String) {
        let dir = try makeTemporaryDirectory(self)
        for sub in ["Datasets", "Models"] { try FileManager.default.copyItem(atPath: f.data + "/" + sub, toPath: dir + "/" + sub) }
        let heldOut = dir + "/Datasets/skyrmion-disk-heldout.h5"
        try runSpinode(["split", f.traces, "--trace", "test", "--at", "\(900 * Self.dt)", "--names", "test-a,test-b", "--out", dir + "/parts.h5"])
        try runSpinode(["merge", f.traces + ":train=train", dir + "/parts.h5", "--out", heldOut])
        return (dir, heldOut)
    }

    /// With Datasets/skyrmion-disk-heldout.h5 and Models/skyrmion-disk-ensemble.h5 present, part (a) predicts
    /// every held-out trace of the former (each NRMSE what `spinode predict` reports) and part (f) reports
    /// the ensemble's trust flag on 'test' exactly as `spinode predict ENSEMBLE` does, with the reference's
    /// annihilation time (the sample from which the truth stays above 0.95) and the trust figures.
    func testHeldOutTracesAndTrustFlag() throws {
        let f = try fixture()
        let (dir, heldOut) = try dataWithHeldOutFile(f)
        let ensemble = dir + "/Models/skyrmion-disk-ensemble.h5"
        try runSpinode(["fit", f.traces, "--trace", "train", "--out", ensemble, "--ensemble", "2", "--iterations", "20", "--hidden", "8",
                        "--seed", "1", "--interpolation", "zoh", "--validation", "tail:0.25", "--validate-every", "10", "--quiet"])
        let out = dir + "/demo"
        let summary = try jsonObject(try runSpinode(["demo", "--data", dir, "--out", out, "--quick", "--json", "--input-scale", "0.4",
                                                     "--no-reference"], timeout: 300).stdout)
        let predicted = try jsonObject(try runSpinode(["predict", f.model, heldOut, "--trace", "test-a,test-b", "--out", dir + "/p.h5", "--json"]).stdout)
        let expected = try XCTUnwrap(predicted["predictions"] as? [[String: Any]]).map { p in
            try number(((p["metrics"] as? [[String: Any]])?.first)?["nrmse"])
        }
        let held = try XCTUnwrap(summary["held_out"] as? [String: Any])
        let traces = try XCTUnwrap(held["traces"] as? [[String: Any]])
        XCTAssertEqual(traces.map { $0["trace"] as? String }, ["test-a", "test-b"])
        XCTAssertEqual(try traces.map { try number($0["nrmse"]).bitPattern }, expected.map(\.bitPattern))
        XCTAssertEqual(try number(held["mean_nrmse"]), (expected[0] + expected[1]) / 2)
        XCTAssertEqual((summary["prediction"] as? [String: Any])?["trace"] as? String, "test-a")

        let trust = try XCTUnwrap(summary["trust_flag"] as? [String: Any])
        let direct = try jsonObject(try runSpinode(["predict", ensemble, f.traces, "--trace", "test", "--out", dir + "/e.h5", "--json"]).stdout)
        let report = try XCTUnwrap((direct["predictions"] as? [[String: Any]])?.first?["ensemble"] as? [String: Any])
        XCTAssertEqual(trust["members"] as? Int, 2)
        XCTAssertEqual(try number(trust["spread_threshold"]), try number(report["spread_threshold"]))
        XCTAssertEqual(try number(trust["max_spread"]), try number(report["max_spread"]))
        XCTAssertEqual(trust["trust_lost_at_s"] as? Double, report["trust_lost_at_s"] as? Double)
        let truth = try TraceFile.read(f.traces, trace: "test").outputs.storage
        let lastBelow = truth.lastIndex { !($0 > 0.95) }
        let annihilation: Int? = lastBelow == nil ? 0 : (lastBelow! + 1 < truth.count ? lastBelow! + 1 : nil)
        XCTAssertEqual(trust["reference_annihilation_s"] as? Double, annihilation.map { 600 * Self.dt + Double($0) * Self.dt })
        let names = try XCTUnwrap((summary["figures"] as? [String: Any])?["files"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        XCTAssertEqual(names, ["prediction-zoom", "prediction-full", "spectrum", "nrmse-horizon", "trust-prediction", "trust-spread"])
    }

    /// With Models/skyrmion-disk-uniform.h5 present, part (g) calibrates the switch level on the free run
    /// over 'train' (its largest mz, rounded up to the next 0.01), then reports for 'test' and each held-out
    /// trace exactly what `spinode predict MODEL TRACES --after UNIFORM --switch 'mz>LEVEL' --event
    /// 'mz>0.95'` reports (switch and event times, NRMSE bit for bit), and the single model's NRMSE.
    func testTwoRegimesAsPredictAfterReports() throws {
        let f = try fixture()
        let (dir, heldOut) = try dataWithHeldOutFile(f)
        let uniform = dir + "/Models/skyrmion-disk-uniform.h5"
        try runSpinode(["fit", f.traces, "--trace", "test", "--out", uniform, "--iterations", "20", "--hidden", "8",
                        "--seed", "2", "--interpolation", "zoh", "--validate-every", "10", "--quiet"])
        let summary = try jsonObject(try runSpinode(["demo", "--data", dir, "--out", dir + "/demo", "--quick", "--json",
                                                     "--input-scale", "0.4", "--no-reference"], timeout: 300).stdout)
        let part = try XCTUnwrap(summary["regime_switch"] as? [String: Any])
        // The level: the free run over 'train', as predict writes it, peaks at M; the switch is mz > (floor(100 M) + 1) / 100.
        try runSpinode(["predict", f.model, f.traces, "--trace", "train", "--out", dir + "/train.h5", "--json"])
        let peak = try XCTUnwrap(try TraceFile.read(dir + "/train.h5", trace: "train").outputs.storage.max())
        XCTAssertEqual(try number(part["calibration_max_mz"]).bitPattern, peak.bitPattern)
        let level = ((peak * 100).rounded(.down) + 1) / 100
        let condition = "mz>\(level)"
        XCTAssertEqual(part["switch"] as? String, condition)
        let cases = try XCTUnwrap(part["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.map { $0["trace"] as? String }, ["test", "test-a", "test-b"])
        for c in cases {
            let name = try XCTUnwrap(c["trace"] as? String), file = try XCTUnwrap(c["file"] as? String)
            let direct = try jsonObject(try runSpinode(["predict", f.model, file, "--trace", name, "--after", uniform, "--switch", condition,
                                                        "--event", "mz>0.95", "--out", dir + "/s-\(name).h5", "--json"]).stdout)
            let p = try XCTUnwrap((direct["predictions"] as? [[String: Any]])?.first)
            let event = try XCTUnwrap((p["events"] as? [[String: Any]])?.first)
            XCTAssertEqual(try number(c["nrmse"]).bitPattern, try number((p["metrics"] as? [[String: Any]])?.first?["nrmse"]).bitPattern, name)
            XCTAssertEqual(c["switch_at_s"] as? Double, (p["switch"] as? [String: Any])?["at_s"] as? Double, name)
            XCTAssertEqual(c["reference_annihilation_s"] as? Double, event["truth_at_s"] as? Double, name)
            XCTAssertEqual(c["predicted_annihilation_s"] as? Double, event["prediction_at_s"] as? Double, name)
            let plain = try jsonObject(try runSpinode(["predict", f.model, file, "--trace", name, "--out", dir + "/p-\(name).h5", "--json"]).stdout)
            XCTAssertEqual(try number(c["single_model_nrmse"]).bitPattern,
                           try number(((plain["predictions"] as? [[String: Any]])?.first?["metrics"] as? [[String: Any]])?.first?["nrmse"]).bitPattern, name)
            XCTAssertEqual(c["false_annihilation"] as? Bool, c["reference_annihilation_s"] is NSNull && !(c["switch_at_s"] is NSNull), name)
        }
        let names = try XCTUnwrap((summary["figures"] as? [String: Any])?["files"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        XCTAssertEqual(names.last, "regime-switch")
    }

    func testTrainRetrainsWithTheRecordedCommand() throws {
        let f = try fixture()
        let out = try makeTemporaryDirectory(self) + "/demo"
        let result = try runSpinode(demoArguments(f, out: out) + ["--train", "--no-reference"], timeout: 300)
        let summary = try jsonObject(result.stdout)  // stdout holds only the summary, fit's output went to stderr
        let training = try XCTUnwrap(summary["training"] as? [String: Any])
        XCTAssertEqual(training["recorded_command"] as? Bool, true)
        // The fit arguments recorded in the bundled model (the fixture's fit command line, after "fit").
        XCTAssertEqual(training["fit_arguments"] as? [String],
                       [f.traces, "--trace", "train", "--out", f.model, "--iterations", "40", "--hidden", "16,16", "--seed", "1",
                        "--interpolation", "zoh", "--validate-every", "20", "--quiet"])
        let retrained = out + "/skyrmion-disk-retrained.h5"
        XCTAssertEqual(training["model"] as? String, retrained)
        XCTAssertEqual(summary["model"] as? String, retrained)
        XCTAssertTrue(summary["reference"] is NSNull)
        // Same settings as recorded (hidden widths 16, 16), iterations capped at 20 by --quick, progress on stderr.
        let model = try SurrogateModelFile.read(retrained)
        XCTAssertEqual(model.layers.map { $0.weight.rows }, [16, 16, 2])
        XCTAssertEqual(model.provenance.optimiserSettings["iterations"], 20)
        XCTAssertEqual(model.provenance.seed, 1)
        XCTAssertTrue(result.stderr.contains("iteration 20/20"), "no fit progress on stderr: \(result.stderr)")
    }

    func testFailedPartIsReportedAndTheRestStillRuns() throws {
        // A reference spec sampled every 10 ps cannot be compared with a 5 ps surrogate: part (c) fails, the
        // demo still writes its figures and summary, lists the failure, and exits with status 1.
        let f = try fixture()
        let dir = try makeTemporaryDirectory(self)
        for sub in ["Datasets", "Models"] { try FileManager.default.copyItem(atPath: f.data + "/" + sub, toPath: dir + "/" + sub) }
        let spec = dir + "/Datasets/specs/skyrmion-disk.toml"
        try Self.spec.replacingOccurrences(of: "interval = 5e-12", with: "interval = 1e-11").write(toFile: spec, atomically: true, encoding: .utf8)
        let out = dir + "/demo"
        let result = try runProcess(try spinode(), ["demo", "--data", dir, "--out", out, "--quick", "--json", "--input-scale", "0.4"],
                                    timeout: 300)
        XCTAssertEqual(result.status, 1, result.stderr)
        let summary = try jsonObject(result.stdout)
        let failures = try XCTUnwrap(summary["failures"] as? [[String: Any]])
        XCTAssertEqual(failures.count, 1)
        XCTAssertEqual(failures.first?["part"] as? String, "micromagnetic reference")
        XCTAssertTrue((failures.first?["reason"] as? String ?? "").contains("differs from the surrogate's sample interval 5e-12 s"),
                      "\(failures)")
        XCTAssertTrue(summary["reference"] is NSNull)
        XCTAssertNotNil(summary["mackey_glass"] as? [String: Any])
        for name in ["prediction-zoom", "prediction-full", "spectrum", "nrmse-horizon"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/\(name).svg"), name)
        }
    }

    func testMissingDataIsOneLine() throws {
        let empty = try makeTemporaryDirectory(self)
        let result = try runProcess(try spinode(), ["demo", "--data", empty, "--out", empty + "/out", "--quick"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertEqual(result.stderrLines.count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains(empty + "/Datasets/skyrmion-disk.h5: no such file"), result.stderr)
        XCTAssertTrue(result.stdout.isEmpty)
    }

    /// Series of a figure CSV (LinePlot.csv: comment lines, then "series,x,y"), by name.
    func csvSeries(_ path: String) throws -> [String: (x: [Double], y: [Double])] {
        var result = [String: (x: [Double], y: [Double])]()
        var inBody = false
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            if !inBody { inBody = line == "series,x,y"; continue }
            // The last two fields are x and y; the name before them may be quoted (RFC 4180).
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            var name = fields.dropLast(2).joined(separator: ",")
            if name.hasPrefix("\""), name.hasSuffix("\"") { name = String(name.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"") }
            result[name, default: ([], [])].x.append(Double(String(fields[fields.count - 2]))!)
            result[name, default: ([], [])].y.append(Double(String(fields[fields.count - 1]))!)
        }
        return result
    }
}
