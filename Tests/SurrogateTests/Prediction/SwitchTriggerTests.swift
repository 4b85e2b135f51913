import Foundation
import XCTest
import Surrogate

/// `SwitchTrigger`: the score at a sample against the equation worked by hand, the evaluation samples
/// (phase, stride, never sample 0), the file's refusals and its JSON round trip.
final class SwitchTriggerTests: XCTestCase {
    /// The file text of the issue's example (four features, three products).
    static let example = """
    {
      "format": "spinode-switch-trigger",
      "version": 1,
      "description": "free text",
      "stride_samples": 50,
      "phase_samples": 5,
      "features": [ {"source": "output", "name": "mz", "lag_samples": 0},
                    {"source": "output", "name": "mz", "lag_samples": 5},
                    {"source": "input", "name": "deltaKu1", "lag_samples": 0},
                    {"source": "input", "name": "deltaKu1", "lag_samples": 50} ],
      "center": [0.75, 0.75, 0.0, 0.0],
      "scale": [0.02, 0.02, 40000.0, 40000.0],
      "products": [[0, 2], [1, 2], [2, 2]],
      "weights": [0.1, -0.2, 1.5, -0.7],
      "product_weights": [0.3, 0.1, 0.9],
      "bias": -6.0,
      "threshold": 1.25,
      "fitted_on": "an extra key, ignored"
    }
    """

    /// A trigger on one input feature u (lag `lag`), z = u, score = u: fires where u >= threshold.
    func ramp(stride: Int, phase: Int, lag: Int = 0, threshold: Double) throws -> SwitchTrigger {
        try SwitchTrigger(strideSamples: stride, phaseSamples: phase, features: [.init(source: .input, name: "u", lagSamples: lag)],
                          center: [0], scale: [1], weights: [1], bias: 0, threshold: threshold)
    }

    /// Two outputs (stored b, a: columns found by name), one input; features a (lag 0), b (lag 3), u (lag 10,
    /// clamped to sample 0 at j = 4) and the products z_a z_u and z_b^2. At j = 4: a_4 = 0.4, b_1 = 0.95, u_0 = 4.5,
    /// so z = (2, -1, 2) and score = -1 + 0.5*2 - 1.5*(-1) + 0.25*2 + 0.3*2*2 - 0.2*(-1)^2 = 3.0.
    func testScoreMatchesTheEquationByHand() throws {
        let trigger = try SwitchTrigger(
            strideSamples: 1, phaseSamples: 0,
            features: [.init(source: .output, name: "a", lagSamples: 0), .init(source: .output, name: "b", lagSamples: 3),
                       .init(source: .input, name: "u", lagSamples: 10)],
            center: [0.2, 1.0, 0.5], scale: [0.1, 0.05, 2.0], products: [[0, 2], [1, 1]], weights: [0.5, -1.5, 0.25],
            productWeights: [0.3, -0.2], bias: -1, threshold: 0)
        let n = 6
        let a = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5], b = [1.0, 0.95, 0.9, 0.85, 0.8, 0.75], u = [4.5, 7, 7, 7, 7, 7]
        let outputs = (0..<n).flatMap { [b[$0], a[$0]] }
        let score = trigger.score(at: 4, outputs: outputs, outputNames: ["b", "a"], inputs: u, inputNames: ["u"])
        XCTAssertEqual(score, 3.0, accuracy: 1e-12)
        // At j = 5: a_5 = 0.5, b_2 = 0.9, u_0 = 4.5: z = (3, -2, 2); -1 + 1.5 + 3 + 0.5 + 1.8 - 0.8 = 5.0.
        XCTAssertEqual(trigger.score(at: 5, outputs: outputs, outputNames: ["b", "a"], inputs: u, inputNames: ["u"]), 5.0, accuracy: 1e-12)
        // Threshold 0: j = 1 (a_1 = 0.1, b_0 = 1, u_0: z = (-1, 0, 2); -1 - 0.5 + 0 + 0.5 - 0.6 - 0 = -1.6) does not fire;
        // j = 2 (z = (0, 0, 2): -1 + 0.5 = -0.5) neither; j = 3 (z = (1, 0, 2): -1 + 0.5 + 0.5 + 0.6 = 0.6) fires.
        XCTAssertEqual(trigger.score(at: 1, outputs: outputs, outputNames: ["b", "a"], inputs: u, inputNames: ["u"]), -1.6, accuracy: 1e-12)
        XCTAssertEqual(trigger.firstFiring(outputs: outputs, outputNames: ["b", "a"], inputs: u, inputNames: ["u"], sampleCount: n), 3)
    }

    /// u_s = s: evaluation samples phase + m stride from 1 on; the first at which u >= threshold.
    func testFirstFiringOnTheEvaluationSamples() throws {
        let n = 20
        let u = (0..<n).map(Double.init)
        func first(_ t: SwitchTrigger, samples: Int = n) -> Int? {
            t.firstFiring(outputs: [], outputNames: [], inputs: Array(u.prefix(samples)), inputNames: ["u"], sampleCount: samples)
        }
        // Samples 3, 7, 11, ...: u crosses 10.5 between 7 and 11, so the switch is at 11.
        XCTAssertEqual(try first(ramp(stride: 4, phase: 3, threshold: 10.5)), 11)
        XCTAssertEqual(Array(try ramp(stride: 4, phase: 3, threshold: 0).evaluationSamples(sampleCount: n)), [3, 7, 11, 15, 19])
        // Exactly at the threshold fires (score >= threshold).
        XCTAssertEqual(try first(ramp(stride: 4, phase: 3, threshold: 11)), 11)
        // A lag of 2 reads u_9 at 11 (below 10.5): next evaluation, 15 (u_13).
        XCTAssertEqual(try first(ramp(stride: 4, phase: 3, lag: 2, threshold: 10.5)), 15)
        // The trace ends before the next evaluation sample: no switch.
        XCTAssertNil(try first(ramp(stride: 4, phase: 3, threshold: 10.5), samples: 11))
        XCTAssertNil(try first(ramp(stride: 1, phase: 0, threshold: 100)))
        // Phase 0: sample 0 is never evaluated, the first evaluation is at the stride (an always-true trigger).
        XCTAssertEqual(try first(ramp(stride: 5, phase: 0, threshold: -100)), 5)
        XCTAssertEqual(try first(ramp(stride: 5, phase: 1, threshold: -100)), 1)
        XCTAssertNil(try first(ramp(stride: 5, phase: 0, threshold: -100), samples: 1))
        XCTAssertEqual(Array(try ramp(stride: 5, phase: 0, threshold: 0).evaluationSamples(sampleCount: 16)), [5, 10, 15])
    }

    /// The switch sample is the firing plus switch_delay_samples; past the trace's end, no switch.
    func testSwitchDelay() throws {
        let n = 20
        let u = (0..<n).map(Double.init)
        var t = try ramp(stride: 4, phase: 3, threshold: 10.5)
        func switchAt(_ t: SwitchTrigger, samples: Int = n) -> Int? {
            t.switchSample(outputs: [], outputNames: [], inputs: Array(u.prefix(samples)), inputNames: ["u"], sampleCount: samples)
        }
        XCTAssertEqual(switchAt(t), 11)   // no delay: the firing
        t.switchDelaySamples = 6
        XCTAssertEqual(switchAt(t), 17)
        XCTAssertEqual(switchAt(t, samples: 18), 17)
        XCTAssertNil(switchAt(t, samples: 17))   // 11 + 6 is past the last sample 16
        XCTAssertEqual(t.firstFiring(outputs: [], outputNames: [], inputs: u, inputNames: ["u"], sampleCount: n), 11)
        let delayed = Self.example.replacingOccurrences(of: "\"threshold\": 1.25,", with: "\"threshold\": 1.25, \"switch_delay_samples\": 6,")
        XCTAssertEqual(try SwitchTrigger(data: Data(delayed.utf8)).switchDelaySamples, 6)
        XCTAssertNil(try SwitchTrigger(data: Data(Self.example.utf8)).switchDelaySamples)
    }

    func testDecodesTheFileFormat() throws {
        let t = try SwitchTrigger(data: Data(Self.example.utf8), file: "example.json")
        XCTAssertEqual(t.format, "spinode-switch-trigger")
        XCTAssertEqual(t.version, 1)
        XCTAssertEqual(t.description, "free text")
        XCTAssertEqual(t.strideSamples, 50)
        XCTAssertEqual(t.phaseSamples, 5)
        XCTAssertEqual(t.features, [.init(source: .output, name: "mz", lagSamples: 0), .init(source: .output, name: "mz", lagSamples: 5),
                                    .init(source: .input, name: "deltaKu1", lagSamples: 0),
                                    .init(source: .input, name: "deltaKu1", lagSamples: 50)])
        XCTAssertEqual(t.center, [0.75, 0.75, 0, 0])
        XCTAssertEqual(t.scale, [0.02, 0.02, 40000, 40000])
        XCTAssertEqual(t.products, [[0, 2], [1, 2], [2, 2]])
        XCTAssertEqual(t.weights, [0.1, -0.2, 1.5, -0.7])
        XCTAssertEqual(t.productWeights, [0.3, 0.1, 0.9])
        XCTAssertEqual(t.bias, -6)
        XCTAssertEqual(t.threshold, 1.25)
        // Encoded with the same snake_case keys and read back: the same trigger.
        let encoded = try JSONEncoder().encode(t)
        let text = String(decoding: encoded, as: UTF8.self)
        for key in ["\"stride_samples\"", "\"phase_samples\"", "\"lag_samples\"", "\"product_weights\""] {
            XCTAssertTrue(text.contains(key), key)
        }
        XCTAssertEqual(try SwitchTrigger(data: encoded), t)
        // From a file; the model's channels checked by name.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("switch-trigger-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(Self.example.utf8).write(to: url)
        XCTAssertEqual(try SwitchTrigger(contentsOf: url), t)
        XCTAssertNoThrow(try t.validate(outputNames: ["mx", "mz"], inputNames: ["deltaKu1"]))
    }

    /// Each refusal is one line naming the file and the problem.
    func testRefusals() throws {
        func replacing(_ old: String, _ new: String) -> String {
            precondition(Self.example.contains(old), old)
            return Self.example.replacingOccurrences(of: old, with: new)
        }
        let cases: [(String, String)] = [
            ("{\"format\": ", "not JSON"),
            ("[1, 2]", "not a JSON object"),
            (replacing("\"spinode-switch-trigger\"", "\"spinode-model\""), "format 'spinode-model', expected 'spinode-switch-trigger'"),
            (replacing("\"version\": 1", "\"version\": 2"), "version 2, this build reads version 1"),
            (replacing("\"stride_samples\": 50", "\"stride_samples\": 0"), "stride_samples must be >= 1, got 0"),
            (replacing("\"phase_samples\": 5", "\"phase_samples\": -1"), "phase_samples must be >= 0, got -1"),
            (replacing("\"source\": \"input\", \"name\": \"deltaKu1\", \"lag_samples\": 50",
                       "\"source\": \"state\", \"name\": \"deltaKu1\", \"lag_samples\": 50"), "source 'state' is not output or input"),
            (replacing("\"lag_samples\": 5}", "\"lag_samples\": -5}"), "features[1] (mz): lag_samples must be >= 0, got -5"),
            (replacing("[0.75, 0.75, 0.0, 0.0]", "[0.75, 0.75, 0.0]"), "center has 3 values for 4 features"),
            (replacing("[0.1, -0.2, 1.5, -0.7]", "[0.1, -0.2, 1.5, -0.7, 1]"), "weights has 5 values for 4 features"),
            (replacing("[0.02, 0.02, 40000.0, 40000.0]", "[0.02, 0.0, 40000.0, 40000.0]"), "scale[1] must be > 0, got 0.0"),
            (replacing("[0.02, 0.02, 40000.0, 40000.0]", "[0.02, 0.02, -1, 40000.0]"), "scale[2] must be > 0, got -1.0"),
            (replacing("[[0, 2], [1, 2], [2, 2]]", "[[0, 2], [1, 4], [2, 2]]"), "products[1] = [1, 4]: feature index out of range 0 ... 3"),
            (replacing("[[0, 2], [1, 2], [2, 2]]", "[[0, 2], [1, 2], [2]]"), "products[2] must be a pair"),
            (replacing("[0.3, 0.1, 0.9]", "[0.3, 0.1]"), "product_weights has 2 values for 3 products"),
            (replacing("\"bias\": -6.0,", ""), "missing key 'bias'"),
            (replacing("\"threshold\": 1.25,", "\"threshold\": 1.25, \"switch_delay_samples\": -1,"), "switch_delay_samples must be >= 0, got -1"),
            (replacing("\"stride_samples\": 50", "\"stride_samples\": \"50\""), "key 'stride_samples': expected an integer"),
        ]
        for (text, says) in cases {
            XCTAssertThrowsError(try SwitchTrigger(data: Data(text.utf8), file: "bad.json"), says) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains("switch trigger 'bad.json': "), message)
                XCTAssertTrue(message.contains(says), "\(says): \(message)")
                XCTAssertFalse(message.contains("\n"), message)
            }
        }
        // Empty features, with empty per-feature vectors.
        let none = #"{"format": "spinode-switch-trigger", "version": 1, "stride_samples": 1, "phase_samples": 0, "features": [], "#
            + #""center": [], "scale": [], "products": [], "weights": [], "product_weights": [], "bias": 0, "threshold": 0}"#
        XCTAssertThrowsError(try SwitchTrigger(data: Data(none.utf8), file: "none.json")) { XCTAssertTrue("\($0)".contains("no features"), "\($0)") }
        // A number too large for a Double is not finite: refused by the parser or by the check.
        XCTAssertThrowsError(try SwitchTrigger(data: Data(replacing("-6.0", "-1e999").utf8), file: "big.json")) {
            XCTAssertTrue("\($0)".contains("switch trigger 'big.json': "), "\($0)")
        }
        XCTAssertThrowsError(try SwitchTrigger(strideSamples: 1, phaseSamples: 0, features: [.init(source: .input, name: "u", lagSamples: 0)],
                                               center: [0], scale: [1], weights: [.nan], bias: 0, threshold: 0)) {
            XCTAssertTrue("\($0)".contains("weights[0] is not finite (nan)"), "\($0)")
        }
        XCTAssertThrowsError(try SwitchTrigger(strideSamples: 1, phaseSamples: 0, features: [.init(source: .input, name: "u", lagSamples: 0)],
                                               center: [0], scale: [1], weights: [1], bias: 0, threshold: .infinity)) {
            XCTAssertTrue("\($0)".contains("threshold is not finite (inf)"), "\($0)")
        }
        // A file that is not there.
        XCTAssertThrowsError(try SwitchTrigger(contentsOf: URL(fileURLWithPath: "/nonexistent/trigger.json"))) {
            XCTAssertTrue("\($0)".contains("switch trigger '/nonexistent/trigger.json': cannot read"), "\($0)")
        }
        // Channels the model does not have: listed.
        let t = try SwitchTrigger(data: Data(Self.example.utf8))
        XCTAssertThrowsError(try t.validate(outputNames: ["mx", "my"], inputNames: ["deltaKu1"])) {
            XCTAssertTrue("\($0)".contains("features[0]: the first model has no output 'mz' (it has mx, my)"), "\($0)")
        }
        XCTAssertThrowsError(try t.validate(outputNames: ["mz"], inputNames: [])) {
            XCTAssertTrue("\($0)".contains("features[2]: the first model has no input 'deltaKu1' (it has none)"), "\($0)")
        }
    }
}
