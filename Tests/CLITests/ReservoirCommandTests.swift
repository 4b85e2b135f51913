import Foundation
import Numerics
import TraceIO
import XCTest

/// `spinode reservoir mackey-glass` on the software echo state network and on one physical device
/// (the universal auto-oscillator, few virtual nodes) returns finite scores in the documented shape
/// (docs/reservoir-tasks.md: NRMSE of x(n+H) for H = 0 ... 79).
final class ReservoirCommandTests: XCTestCase {
    private func mackeyGlass(_ arguments: [String]) throws -> [String: Any] {
        try jsonObject(try runSpinode(["reservoir", "mackey-glass"] + arguments + ["--json"]).stdout)
    }

    private func checkScores(_ r: [String: Any], nodes: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(r["task"] as? String, "mackey-glass", file: file, line: line)
        XCTAssertEqual(r["nodes"] as? Int, nodes, file: file, line: line)
        XCTAssertGreaterThan(r["train_samples"] as? Int ?? 0, 0, file: file, line: line)
        XCTAssertGreaterThan(r["test_samples"] as? Int ?? 0, 0, file: file, line: line)
        let metrics = try XCTUnwrap(r["metrics"] as? [String: Double], file: file, line: line)
        let profiles = try XCTUnwrap(r["profiles"] as? [String: [Double]], file: file, line: line)
        let perHorizon = try XCTUnwrap(profiles["nrmse_per_horizon"], file: file, line: line)
        XCTAssertEqual(perHorizon.count, 80, file: file, line: line)
        XCTAssertEqual(profiles["horizons"], (0..<80).map(Double.init), file: file, line: line)
        XCTAssertTrue(perHorizon.allSatisfy { $0.isFinite && $0 > 0 }, "\(perHorizon)", file: file, line: line)
        let h1 = try XCTUnwrap(metrics["nrmse_h1"], file: file, line: line)
        XCTAssertEqual(h1, perHorizon[1], file: file, line: line)
        // NRMSE 1 is the score of predicting the test mean; one step ahead any working reservoir does far better.
        XCTAssertLessThan(h1, 0.5, file: file, line: line)
        let mean = try XCTUnwrap(metrics["nrmse_mean"], file: file, line: line)
        XCTAssertEqual(mean, perHorizon.reduce(0, +) / 80, accuracy: 1e-12 * mean, file: file, line: line)
        XCTAssertEqual((r["ridge_lambdas"] as? [Double])?.count, 80, file: file, line: line)  // one readout per horizon
        XCTAssertGreaterThan(try number(r["wall_seconds"]), 0, file: file, line: line)
    }

    func testMackeyGlassOnEchoStateNetwork() throws {
        let r = try mackeyGlass(["--device", "esn", "--nodes", "20", "--seed", "1"])
        try checkScores(r, nodes: 20)
        XCTAssertEqual(try number(r["device_seconds"]), 0)  // software reservoir: no device time
        // Seeded: the same command gives the same scores.
        let again = try mackeyGlass(["--device", "esn", "--nodes", "20", "--seed", "1"])
        XCTAssertEqual(again["metrics"] as? [String: Double], r["metrics"] as? [String: Double])
    }

    func testMackeyGlassOnAutoOscillator() throws {
        let nodes = 10
        let r = try mackeyGlass(["--device", "auto-oscillator", "--nodes", "\(nodes)", "--seed", "1"])
        try checkScores(r, nodes: nodes)
        XCTAssertTrue((r["source"] as? String ?? "").contains("auto-oscillator"), "\(r["source"] ?? "")")
        // Device time simulated: every input sample is held for hold (2) x 1 ns per virtual node, over the
        // train and test runs and any washout, so at least (train + test) x N x 2 ns.
        let samples = Double((r["train_samples"] as? Int ?? 0) + (r["test_samples"] as? Int ?? 0))
        let deviceSeconds = try number(r["device_seconds"])
        XCTAssertGreaterThanOrEqual(deviceSeconds, samples * Double(nodes) * 2e-9 * (1 - 1e-9))
        XCTAssertLessThan(deviceSeconds, 1e-3)  // and not absurdly more (the task has ~1e4 samples)
    }
}

/// `spinode reservoir --compare`: the segment task runs on both devices with the same multiplexing.
final class ReservoirCompareTests: XCTestCase {
    func testCompareWithItselfAgreesExactlyAndReportsTheSegment() throws {
        let r = try jsonObject(try runSpinode(["reservoir", "mackey-glass", "--device", "auto-oscillator",
                                               "--compare", "auto-oscillator", "--compare-samples", "120",
                                               "--nodes", "8", "--hold", "2", "--json"]).stdout)
        let c = try XCTUnwrap(r["comparison"] as? [String: Any])
        XCTAssertEqual(c["task_samples"] as? Int, 120)
        XCTAssertEqual(c["device_samples"] as? Int, 120 * 8 * 2)
        XCTAssertEqual(try number(c["simulated_seconds"]), 120 * 8 * 2 * 1e-9, accuracy: 1e-18)
        let mine = try XCTUnwrap(c["device_metrics"] as? [String: Double])
        let reference = try XCTUnwrap(c["reference_metrics"] as? [String: Double])
        XCTAssertEqual(mine, reference)   // deterministic device, same mask: identical states
        XCTAssertEqual(try number(c["state_nrmse"]), 0)
        XCTAssertEqual(try number(c["state_nrmse_after_washout"]), 0)
        XCTAssertEqual(try number(c["state_nrmse_after_linear_map"]), 0, accuracy: 1e-10)
        XCTAssertEqual(c["washout_samples"] as? Int, 12)   // max(300 x 120 / 10,000 rounded, 120 / 10)
        XCTAssertEqual((c["metric_relative_difference"] as? [String: Double])?["nrmse_h1"], 0)
        // Segment of 120: horizons 0 ... 120 - 60 - 15 = 45.
        XCTAssertEqual((c["device_profile"] as? [Double])?.count, 46)
        XCTAssertGreaterThan(try number(c["speed_up"]), 0)
        // The reference's metrics under white noise on its states: the three levels and the same metrics
        // (StateNoiseSensitivityTests checks the noise scale and a metric's response).
        let sensitivity = try XCTUnwrap(c["reference_noise_sensitivity"] as? [[String: Any]])
        XCTAssertEqual(sensitivity.compactMap { $0["relative_noise"] as? Double }, [1e-4, 1e-3, 1e-2])
        for level in sensitivity {
            XCTAssertEqual((level["metrics"] as? [String: Double]).map { Set($0.keys) }, Set(reference.keys))
        }
        XCTAssertTrue(sensitivity.allSatisfy { ($0["metrics"] as? [String: Double])?.values.allSatisfy(\.isFinite) == true })
    }

    func testCompareRejectsTooShortSegment() throws {
        let p = try runProcess(try spinode(), ["reservoir", "mackey-glass", "--device", "auto-oscillator",
                                               "--compare", "auto-oscillator", "--compare-samples", "10", "--nodes", "4"])
        XCTAssertNotEqual(p.status, 0)
        XCTAssertTrue(p.stderr.contains("--compare-samples must be >= 40, got 10"), p.stderr)   // checked with the options
    }

    /// --reference-input-noise: the reference's input noise alone. Same noise on both devices (the default, and
    /// given explicitly): identical states; noise on the device only: different states, and the reference's
    /// metrics those of the noiseless device.
    func testReferenceInputNoiseAppliesToTheReferenceOnly() throws {
        func comparison(_ extra: [String]) throws -> [String: Any] {
            let r = try jsonObject(try runSpinode(["reservoir", "sine-square", "--device", "auto-oscillator", "--compare",
                                                   "auto-oscillator", "--compare-samples", "120", "--nodes", "8",
                                                   "--hold", "2", "--json"] + extra).stdout)
            return try XCTUnwrap(r["comparison"] as? [String: Any])
        }
        let noiseless = try comparison([])
        let both = try comparison(["--input-noise", "1e-3"])
        XCTAssertEqual(try number(both["state_nrmse"]), 0)
        XCTAssertEqual(try number(try comparison(["--input-noise", "1e-3", "--reference-input-noise", "1e-3"])["state_nrmse"]), 0)
        let deviceOnly = try comparison(["--input-noise", "1e-3", "--reference-input-noise", "0"])
        XCTAssertGreaterThan(try number(deviceOnly["state_nrmse"]), 1e-4)   // measured 4.0e-4
        XCTAssertEqual(deviceOnly["reference_metrics"] as? [String: Double], noiseless["reference_metrics"] as? [String: Double])
        XCTAssertEqual(deviceOnly["device_metrics"] as? [String: Double], both["device_metrics"] as? [String: Double])
        let refused = try runProcess(try spinode(), ["reservoir", "sine-square", "--device", "auto-oscillator",
                                                     "--reference-input-noise", "0"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("--reference-input-noise needs --compare"), refused.stderr)
    }

    /// --compare-states: the first run writes the reference's node states; the next one reads them instead of
    /// running the reference (proved by altering the stored states), and a file recorded for another
    /// configuration is refused with a one-line error naming the file and the entry.
    func testCompareStatesAreWrittenReusedAndCheckedAgainstTheConfiguration() throws {
        let directory = NSTemporaryDirectory() + "spinode-compare-states-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/reference.h5"
        let arguments = ["reservoir", "mackey-glass", "--device", "auto-oscillator", "--compare", "auto-oscillator",
                         "--compare-samples", "120", "--nodes", "8", "--hold", "2", "--json", "--compare-states", path]
        let first = try XCTUnwrap(try jsonObject(try runSpinode(arguments).stdout)["comparison"] as? [String: Any])
        XCTAssertNil(first["reference_states_from"])
        XCTAssertEqual(try number(first["state_nrmse"]), 0)

        // The file: one 120 x 8 sequence of states, the measured wall time and the configuration.
        let file = try HDF5File.open(path)
        let root = try file.root
        XCTAssertEqual(try root.stringAttribute("format"), "spinode-reference-states")
        XCTAssertEqual(try root.stringAttribute("config_nodes"), "8")
        XCTAssertEqual(try root.doubleAttribute("sample_interval"), 1e-9)
        let states = try root.dataset("sequence_0")
        XCTAssertEqual(states.shape, [120, 8])
        let values = try states.readDoubles()
        let wall = try root.doubleAttribute("wall_seconds")
        XCTAssertGreaterThan(wall, 0)

        // Reused: identical reference metrics and the recorded wall time behind the speed-up.
        let second = try XCTUnwrap(try jsonObject(try runSpinode(arguments).stdout)["comparison"] as? [String: Any])
        XCTAssertTrue((second["reference_states_from"] as? String ?? "").hasPrefix(path), "\(second)")
        XCTAssertEqual(second["reference_metrics"] as? [String: Double], first["reference_metrics"] as? [String: Double])
        let simulatedNs = try number(second["simulated_seconds"]) * 1e9
        XCTAssertEqual(try number(second["reference_wall_seconds_per_ns"]), wall / simulatedNs, accuracy: 1e-12 * wall / simulatedNs)

        // Altered states in a copy of the file are what the comparison uses: the node-state NRMSE becomes
        // RMS(x - 2x) / std(2x) = RMS(x) / (2 std(x)), not 0.
        let altered = directory + "/altered.h5"
        do {  // every handle of the copy released before spinode opens it (HDF5 locks open files)
            let copy = try HDF5File.create(altered)
            let copyRoot = try copy.root
            for name in try root.attributeNames() { try copyRoot.setAttribute(name, try root.attribute(name)) }
            _ = try copyRoot.createDataset("sequence_0", shape: [120, 8], values: values.map { 2 * $0 })
            try copy.close()
        }
        let third = try XCTUnwrap(try jsonObject(try runSpinode(Array(arguments.dropLast()) + [altered]).stdout)["comparison"] as? [String: Any])
        let mean = values.reduce(0, +) / Double(values.count)
        let rms = (values.map { $0 * $0 }.reduce(0, +) / Double(values.count)).squareRoot()
        let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        XCTAssertEqual(try number(third["state_nrmse"]), rms / (2 * std), accuracy: 1e-9 * rms / std)
        let scored = Array(values.dropFirst(12 * 8))   // after the 12-input washout
        let scoredMean = scored.reduce(0, +) / Double(scored.count)
        let scoredRMS = (scored.map { $0 * $0 }.reduce(0, +) / Double(scored.count)).squareRoot()
        let scoredStd = (scored.map { ($0 - scoredMean) * ($0 - scoredMean) }.reduce(0, +) / Double(scored.count)).squareRoot()
        XCTAssertEqual(try number(third["state_nrmse_after_washout"]), scoredRMS / (2 * scoredStd), accuracy: 1e-9 * scoredRMS / scoredStd)
        // Doubled states are a linear map of the originals: nothing is left after the best linear map.
        XCTAssertEqual(try number(third["state_nrmse_after_linear_map"]), 0, accuracy: 1e-8)

        // Another configuration (10 nodes) is refused, and the file is left as it was.
        var other = arguments
        other[other.firstIndex(of: "--nodes")! + 1] = "10"
        let refused = try runProcess(try spinode(), other)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains(path) && refused.stderr.contains("nodes = 8"), refused.stderr)
        XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
        XCTAssertEqual(try HDF5File.open(path).root.dataset("sequence_0").readDoubles(), values)
    }

    /// --drive-out writes the multiplexed drive (one value per virtual node) and runs nothing: each input's
    /// N values are offset + scale x (+-u(n)) with the same binary mask signs for every input.
    func testDriveOutWritesTheMultiplexedInput() throws {
        let directory = NSTemporaryDirectory() + "spinode-drive-out-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/drive.csv"
        _ = try runSpinode(["reservoir", "mackey-glass", "--device", "auto-oscillator", "--nodes", "4", "--hold", "3",
                            "--input-scale", "2", "--input-offset", "0.5", "--seed", "3", "--drive-out", path,
                            "--drive-inputs", "10:20"])
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(lines[0].hasPrefix("#"), String(lines[0]))
        let values = lines.dropFirst().compactMap { Double($0) }
        XCTAssertEqual(values.count, 10 * 4)
        let signs = values.prefix(4).map { $0 > 0.5 }
        for n in 0..<10 {
            let group = values[(4 * n)..<(4 * n + 4)].map { ($0 - 0.5) / 2 }
            let u = abs(group[0])
            XCTAssertGreaterThan(u, 0.2)                                      // Mackey-Glass values lie in ~(0.2, 1.4)
            XCTAssertLessThan(u, 1.5)
            for (j, v) in group.enumerated() {
                XCTAssertEqual(abs(v), u, accuracy: 1e-12)
                XCTAssertEqual(v > 0, signs[j], "input \(n) node \(j)")
            }
        }
        let bad = try runProcess(try spinode(), ["reservoir", "mackey-glass", "--device", "auto-oscillator",
                                                 "--drive-out", directory + "/bad.csv", "--drive-inputs", "20:10"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--drive-inputs"), bad.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/bad.csv"))
    }
}

// MARK: option checks (issue 13: items 13, 18, 19)

extension ReservoirCommandTests {
    /// Every numeric option is checked before anything runs (before: `--gain-ratio nan` ran 47 s, then
    /// failed on non-finite device output), each refusal one line naming the option; `--nodes 1000000`
    /// is refused with the estimated memory and the machine's available memory (before: the ESN tried
    /// to allocate the 8 TB recurrent matrix).
    func testBadOptionsAreRefusedUpFront() throws {
        let cases: [([String], [String])] = [
            (["--device", "auto-oscillator", "--gain-ratio", "nan"], ["--gain-ratio must be a finite number, got nan"]),
            (["--device", "auto-oscillator", "--bias-ratio", "inf"], ["--bias-ratio"]),
            (["--device", "auto-oscillator", "--input-scale", "nan"], ["--input-scale"]),
            (["--device", "auto-oscillator", "--input-offset", "nan"], ["--input-offset"]),
            (["--device", "auto-oscillator", "--noise", "nan"], ["--noise"]),
            (["--device", "auto-oscillator", "--sample-interval", "0"], ["--sample-interval"]),
            (["--spectral-radius", "nan"], ["--spectral-radius"]),
            (["--input-scaling", "inf"], ["--input-scaling"]),
            (["--bias-scaling", "nan"], ["--bias-scaling"]),
            (["--leak-rate", "0"], ["--leak-rate must be in (0, 1], got 0"]),
            (["--ridge", "nan"], ["--ridge"]),
            (["--input-noise", "nan"], ["--input-noise"]),
            (["--nodes", "0"], ["--nodes must be >= 1, got 0"]),
            (["--nodes", "-3"], ["--nodes must be >= 1, got -3"]),   // before: "Missing value", 3 lines
            (["--folds", "1"], ["--folds"]),
            (["--hold", "0"], ["--hold"]),
            (["--nodes", "1000000"], ["too large for this machine", "1000000 nodes need about", "available (MemAvailable)", "--nodes"]),
            (["--device", "auto-oscillator", "--hold", "1000000000"], ["too large for this machine"]),
            (["--device", "auto-oscillator", "--compare", "auto-oscillator", "--compare-samples", "9000000000000000000"],
             ["too large for this machine"]),
        ]
        for (options, expected) in cases {
            let arguments = ["reservoir", "narma10"] + options
            let started = Date()
            let result = try runProcess(try spinode(), arguments)
            let command = "spinode " + arguments.joined(separator: " ")
            XCTAssertEqual(result.status, 1, "\(command): \(result.stderr)")
            XCTAssertEqual(result.stderrLines.count, 1, "\(command): \(result.stderr)")
            for text in expected { XCTAssertTrue(result.stderr.contains(text), "\(command): lacks '\(text)': \(result.stderr)") }
            XCTAssertTrue(result.stdout.isEmpty, command)
            XCTAssertLessThan(Date().timeIntervalSince(started), 5, command)
        }
    }

    /// A negative value written after its option is the option's value (before: "Missing value for
    /// '--input-offset'"; only `--input-offset=-0.5` worked): both spellings give the same drive.
    func testNegativeValuesFollowTheirOption() throws {
        let dir = try makeTemporaryDirectory(self)
        var drives: [String] = []
        for (i, spelling) in [["--input-offset", "-0.5"], ["--input-offset=-0.5"]].enumerated() {
            let path = dir + "/drive\(i).csv"
            try runSpinode(["reservoir", "narma10", "--device", "auto-oscillator", "--nodes", "4", "--gain-ratio", "-0.25",
                            "--drive-out", path, "--drive-inputs", "0:5"] + spelling)
            drives.append(try String(contentsOfFile: path, encoding: .utf8))
        }
        XCTAssertEqual(drives[0], drives[1])
        // Every value is offset by -0.5: binary mask +-1 times inputs in [0, 0.5], scale 1.
        let values = drives[0].split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { Double($0) }
        XCTAssertEqual(values.count, 20)
        XCTAssertTrue(values.allSatisfy { $0 >= -1 && $0 <= 0 }, "\(values)")
    }
}
