import XCTest
import Numerics
import NeuralNet
import Surrogate

/// `RegimeSwitchPrediction` on integrator models, whose free runs are exact sums (FreeRunPredictionTests):
/// the switch at the first sample where the first model's prediction meets the event, the second model
/// from the entry state after it, fill values for the channels it lacks, and the refusals.
final class RegimeSwitchPredictionTests: XCTestCase {
    /// dy_c/dtau = sign u~ for every output c (k = 1, MLP identity), identity normalisation, d_tau = 0.025.
    func integrator(_ outputs: [String], sign: Double) throws -> SurrogateModel {
        let n = outputs.count
        var mlp = try MLP(widths: [n + 1, n], activations: [.identity])
        var w = [Double](repeating: 0, count: n * (n + 1))
        for c in 0..<n { w[c * (n + 1) + n] = sign }
        try mlp.setParameters(w + [Double](repeating: 0, count: n))
        return try SurrogateModel(embedding: DelayEmbedding(order: 1, outputCount: n), inputCount: 1, parameterCount: 0,
                                  sampleInterval: 0.5, timeScale: 20, interpolation: .zoh,
                                  normalisation: .identity(outputs: n, inputs: 1, parameters: 0), mlp: mlp, outputNames: outputs)
    }

    func trace(_ outputs: Int, samples: Int = 12) throws -> RawTrace {
        try RawTrace(name: "t", sampleInterval: 0.5, outputs: [Double](repeating: 0, count: samples * outputs), outputCount: outputs,
                     inputs: [Double](repeating: 1, count: samples), inputCount: 1)
    }

    func testSwitchesAtTheFirstCrossingAndRunsTheSecondModelFromTheEntry() throws {
        let before = try integrator(["a", "r"], sign: 1), after = try integrator(["a"], sign: -1)
        let event = try RegimeEvent(parsing: "a>0.11")
        let p = try RegimeSwitchPrediction(before: before, after: after, event: event, fill: ["r": 0])
        let result = try p.predict(forBefore: try trace(2), forAfter: try trace(1))
        // Before: a_j = r_j = 0.025 j; 0.125 at j = 5 is the first above 0.11. After: a = 0.125 - 0.025 (j - 5), r = 0.
        XCTAssertEqual(result.switchSample, 5)
        for j in 0..<12 {
            let a = j < 5 ? 0.025 * Double(j) : 0.125 - 0.025 * Double(j - 5)
            XCTAssertEqual(result.series[2 * j], a, accuracy: 1e-14, "a at \(j)")
            XCTAssertEqual(result.series[2 * j + 1], j < 5 ? 0.025 * Double(j) : 0, accuracy: 1e-14, "r at \(j)")
        }
        // The second model's own run from the switch on (its members' result, for its spread).
        XCTAssertEqual(result.after?.mean, (5..<12).map { result.series[2 * $0] })
        XCTAssertEqual(result.after?.spread, [Double](repeating: 0, count: 7))
        // An entry value replaces the first model's prediction at the switch.
        let entered = try RegimeSwitchPrediction(before: before, after: after, event: event, fill: ["r": -1], entry: ["a": 1])
            .predict(forBefore: try trace(2), forAfter: try trace(1))
        XCTAssertEqual(entered.series[2 * 5], 1, accuracy: 1e-14)
        XCTAssertEqual(entered.series[2 * 11], 1 - 0.025 * 6, accuracy: 1e-14)
        XCTAssertEqual(entered.series[2 * 11 + 1], -1)
        // No crossing: the first model's prediction, bit for bit.
        let none = try RegimeSwitchPrediction(before: before, after: after, event: try RegimeEvent(parsing: "a>100"), fill: ["r": 0])
            .predict(forBefore: try trace(2), forAfter: try trace(1))
        XCTAssertNil(none.switchSample)
        XCTAssertEqual(none.series, try FreeRunPrediction(model: before).predict([try trace(2)])[0])
        // A switch one sample before the end: too short for a free run; the entry state is held.
        let late = try RegimeSwitchPrediction(before: before, after: after, event: try RegimeEvent(parsing: "a>0.26"), fill: ["r": 0])
            .predict(forBefore: try trace(2), forAfter: try trace(1))
        XCTAssertEqual(late.switchSample, 11)
        XCTAssertEqual(late.series[2 * 11], 0.275, accuracy: 1e-14)
    }

    /// Ensembles: the switch is taken on the first model's members' mean and the second runs as its mean;
    /// ensembles of one give the single models' bits.
    func testEnsemblesSwitchOnTheMeanOfTheirMembers() throws {
        let slow = try integrator(["a", "r"], sign: 1), fast = try integrator(["a", "r"], sign: 3)
        let down = try integrator(["a"], sign: -1), steep = try integrator(["a"], sign: -3)
        let event = try RegimeEvent(parsing: "a>0.11")
        let p = try RegimeSwitchPrediction(before: [slow, fast], after: [down, steep], event: event, fill: ["r": 0])
        let result = try p.predict(forBefore: try trace(2), forAfter: try trace(1))
        // The mean rate is 2: a_j = 0.05 j crosses 0.11 at j = 3 (0.15), where the single slow model is at 0.075.
        // After: the mean of -1 and -3 from 0.15.
        XCTAssertEqual(result.switchSample, 3)
        for j in 0..<12 {
            let a = j < 3 ? 0.05 * Double(j) : 0.15 - 0.05 * Double(j - 3)
            XCTAssertEqual(result.series[2 * j], a, accuracy: 1e-14, "a at \(j)")
            XCTAssertEqual(result.series[2 * j + 1], j < 3 ? 0.05 * Double(j) : 0, accuracy: 1e-14, "r at \(j)")
        }
        let single = try RegimeSwitchPrediction(before: slow, after: down, event: event, fill: ["r": 0])
            .predict(forBefore: try trace(2), forAfter: try trace(1))
        let ofOne = try RegimeSwitchPrediction(before: [slow], after: [down], event: event, fill: ["r": 0])
            .predict(forBefore: try trace(2), forAfter: try trace(1))
        XCTAssertEqual(single.switchSample, 5)
        XCTAssertEqual(ofOne.series, single.series)
        // Members that disagree in their channels are refused.
        XCTAssertThrowsError(try RegimeSwitchPrediction(before: [slow, try integrator(["a", "q"], sign: 1)], after: [down],
                                                        event: event, fill: ["r": 0]))
    }

    /// A trigger on the drive alone: u = 1 up to sample 5 and 2 from 6 on, evaluated at 1, 3, 5, 7, ... with
    /// score u against 1.5, fires at 7 (the jump at 6 is between evaluations). Before: a_j = 0.025 sum_{i<j} u_i
    /// (zoh), a_7 = 0.2; after: a = 0.2 - 0.05 (j - 7) under u = 2, r = 0.
    func testLearnedTriggerSwitchesAtItsFirstFiring() throws {
        let before = try integrator(["a", "r"], sign: 1), after = try integrator(["a"], sign: -1)
        var forBefore = try trace(2), forAfter = try trace(1)
        for s in 6..<12 { forBefore.inputs[s] = 2; forAfter.inputs[s] = 2 }
        func onDrive(_ threshold: Double) throws -> SwitchTrigger {
            try SwitchTrigger(strideSamples: 2, phaseSamples: 1, features: [.init(source: .input, name: "u0", lagSamples: 0)],
                              center: [0], scale: [1], weights: [1], bias: 0, threshold: threshold)
        }
        let p = try RegimeSwitchPrediction(before: before, after: after, handover: .trigger(try onDrive(1.5), name: "drive.json"),
                                           fill: ["r": 0])
        XCTAssertEqual(p.handover.description, "trigger drive.json")
        XCTAssertNil(p.event)
        let result = try p.predict(forBefore: forBefore, forAfter: forAfter)
        XCTAssertEqual(result.switchSample, 7)
        for j in 0..<12 {
            let a = j <= 6 ? 0.025 * Double(j) : 0.2 - 0.05 * Double(j - 7)
            XCTAssertEqual(result.series[2 * j], a, accuracy: 1e-14, "a at \(j)")
            XCTAssertEqual(result.series[2 * j + 1], j < 7 ? 0.025 * Double(j) : 0, accuracy: 1e-14, "r at \(j)")
        }
        XCTAssertEqual(result.after?.mean, (7..<12).map { result.series[2 * $0] })
        // Never fires: the first model's prediction, bit for bit.
        let never = try RegimeSwitchPrediction(before: before, after: after, handover: .trigger(try onDrive(2.5), name: "never.json"),
                                               fill: ["r": 0]).predict(forBefore: forBefore, forAfter: forAfter)
        XCTAssertNil(never.switchSample)
        XCTAssertEqual(never.series.map(\.bitPattern), try FreeRunPrediction(model: before).predict([forBefore])[0].map(\.bitPattern))
        // A trigger on the prediction a alone (z = a, every sample) switches where the event a>0.11 does: the same bits.
        let onOutput = try SwitchTrigger(strideSamples: 1, phaseSamples: 0, features: [.init(source: .output, name: "a", lagSamples: 0)],
                                         center: [0], scale: [1], weights: [1], bias: 0, threshold: 0.11)
        let triggered = try RegimeSwitchPrediction(before: before, after: after, handover: .trigger(onOutput, name: "a.json"), fill: ["r": 0])
            .predict(forBefore: try trace(2), forAfter: try trace(1))
        let evented = try RegimeSwitchPrediction(before: before, after: after, event: try RegimeEvent(parsing: "a>0.11"), fill: ["r": 0])
            .predict(forBefore: try trace(2), forAfter: try trace(1))
        XCTAssertEqual(triggered.switchSample, 5)
        XCTAssertEqual(triggered.series.map(\.bitPattern), evented.series.map(\.bitPattern))
        // A feature on a channel the first model lacks: refused, naming the trigger and the channels it has.
        let missing = try SwitchTrigger(strideSamples: 1, phaseSamples: 0, features: [.init(source: .input, name: "q", lagSamples: 0)],
                                        center: [0], scale: [1], weights: [1], bias: 0, threshold: 0)
        XCTAssertThrowsError(try RegimeSwitchPrediction(before: before, after: after, handover: .trigger(missing, name: "q.json"),
                                                        fill: ["r": 0])) { error in
            XCTAssertTrue("\(error)".contains("q.json: switch trigger features[0]: the first model has no input 'q' (it has u0)"), "\(error)")
        }
    }

    func testRefusals() throws {
        let before = try integrator(["a", "r"], sign: 1), after = try integrator(["a"], sign: -1)
        let event = try RegimeEvent(parsing: "a>0.1")
        let cases: [(RegimeEvent, SurrogateModel, [String: Double], [String: Double], String)] = [
            (try RegimeEvent(parsing: "q>0"), after, ["r": 0], [:], "no output 'q'"),
            (event, try integrator(["a", "q"], sign: 1), ["r": 0], [:], "output 'q' is not an output of the first"),
            (event, after, [:], [:], "fill r=VALUE"),
            (event, after, ["r": 0, "a": 1], [:], "fill 'a'"),
            (event, after, ["r": 0], ["r": 1], "entry 'r'"),
            (event, after, ["r": .nan], [:], "not finite"),
        ]
        for (e, second, fill, entry, says) in cases {
            XCTAssertThrowsError(try RegimeSwitchPrediction(before: before, after: second, event: e, fill: fill, entry: entry)) { error in
                XCTAssertTrue("\(error)".contains(says), "\(says): \(error)")
            }
        }
    }
}
