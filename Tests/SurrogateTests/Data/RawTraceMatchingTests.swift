import Surrogate
import XCTest

/// `RawTrace.matchingChannels(of:map:)` and `conformingSampleInterval(to:)`: a trace meets a model
/// by channel names, never by position, and at the model's sample interval to 1e-6 relative (issue 13,
/// items 8 and 15: a deltaKu1 -> mz model ran on a current -> voltage trace, and a trace with Dind
/// before Ku1 gave NRMSE 1970, both without a word).
final class RawTraceMatchingTests: XCTestCase {
    /// A model with inputs `inputs`, parameters `parameters` and outputs `outputs`.
    private func model(inputs: [String], parameters: [String], outputs: [String] = ["mz"], inputUnits: [String]? = nil,
                       sampleInterval: Double = 5e-12) throws -> SurrogateModel {
        var m = try SurrogateModel.initial(embedding: DelayEmbedding(order: 2, outputCount: outputs.count), inputCount: inputs.count,
                                           parameterCount: parameters.count, sampleInterval: sampleInterval,
                                           normalisation: .identity(outputs: outputs.count, inputs: inputs.count,
                                                                    parameters: parameters.count),
                                           hidden: [4], seed: 1)
        m.inputNames = inputs
        m.parameterNames = parameters
        m.outputNames = outputs
        m.inputUnits = inputUnits ?? inputs.map { _ in "" }
        return m
    }

    /// 3 samples; inputs (current, deltaKu1) = (n, 10 n); outputs (my, mz) = (0.1 n, -0.1 n); parameters (Dind, Ku1).
    private func trace(inputs: [String] = ["current", "deltaKu1"], outputs: [String] = ["my", "mz"],
                       inputUnits: [String] = ["A", "J/m3"], sampleInterval: Double = 5e-12) throws -> RawTrace {
        try RawTrace(name: "run", sampleInterval: sampleInterval, outputs: [0, -0, 0.1, -0.1, 0.2, -0.2], outputCount: 2,
                     inputs: [0, 0, 1, 10, 2, 20], inputCount: 2, parameters: [3.5e-3, 8e5],
                     outputNames: outputs, inputNames: inputs, parameterNames: ["Dind", "Ku1"], inputUnits: inputUnits)
    }

    func testChannelsAreMatchedByNameNotPosition() throws {
        // Parameters stored as (Dind, Ku1), the model wants (Ku1, Dind); one input, one output of two.
        let m = try model(inputs: ["deltaKu1"], parameters: ["Ku1", "Dind"])
        let t = try trace().matchingChannels(of: m)
        XCTAssertEqual(t.inputs, [0, 10, 20])
        XCTAssertEqual(t.inputUnits, ["J/m3"])
        XCTAssertEqual(t.outputs, [-0, -0.1, -0.2])
        XCTAssertEqual(t.outputNames, ["mz"])
        XCTAssertEqual(t.parameters, [8e5, 3.5e-3])
        XCTAssertEqual(t.parameterNames, ["Ku1", "Dind"])
    }

    func testSameCountsDifferentNamesAreRefused() throws {
        // A deltaKu1 -> mz model and a current -> voltage trace: one input and one output each.
        let m = try model(inputs: ["deltaKu1"], parameters: [])
        let t = try RawTrace(name: "scope", sampleInterval: 5e-12, outputs: [1, 2, 3], outputCount: 1, inputs: [4, 5, 6],
                             inputCount: 1, outputNames: ["voltage"], inputNames: ["current"])
        XCTAssertThrowsError(try t.matchingChannels(of: m)) { error in
            XCTAssertEqual("\(error)", "invalid trace: trace 'scope' has no input 'deltaKu1', which the model was trained on "
                           + "(the trace's inputs: current); channels are matched by name: if one of them is 'deltaKu1', "
                           + "say so with --map TRACE_CHANNEL=deltaKu1")
        }
        // Mapping the input only: the output is still refused.
        let inputOnly = try ChannelMap(parsing: ["current=deltaKu1"])
        XCTAssertThrowsError(try t.matchingChannels(of: m, map: inputOnly)) { error in
            XCTAssertTrue("\(error)".contains("has no output 'mz'"), "\(error)")
        }
        let both = try ChannelMap(parsing: ["current=deltaKu1", "voltage=mz"])
        let matched = try t.matchingChannels(of: m, map: both)
        XCTAssertEqual(matched.inputs, [4, 5, 6])
        XCTAssertEqual(matched.outputs, [1, 2, 3])
        XCTAssertEqual(matched.inputNames, ["deltaKu1"])
        XCTAssertEqual(matched.outputNames, ["mz"])
    }

    func testMapAndUnitErrors() throws {
        XCTAssertThrowsError(try ChannelMap(parsing: ["current"])) { XCTAssertTrue("\($0)".contains("TRACE_CHANNEL=MODEL_CHANNEL")) }
        XCTAssertThrowsError(try ChannelMap(parsing: ["a=x", "b=x"])) { XCTAssertTrue("\($0)".contains("two trace channels")) }
        XCTAssertThrowsError(try ChannelMap(parsing: ["a=x", "a=y"])) { XCTAssertTrue("\($0)".contains("'a' twice")) }
        let m = try model(inputs: ["deltaKu1"], parameters: ["Ku1", "Dind"], inputUnits: ["J/m3"])
        XCTAssertThrowsError(try trace().matchingChannels(of: m, map: ChannelMap(parsing: ["current=Ms"]))) { error in
            XCTAssertTrue("\(error)".contains("the model has no channel 'Ms'"), "\(error)")
        }
        let map = try ChannelMap(parsing: ["current=x"])
        XCTAssertThrowsError(try map.checkTraceSide(against: ["u", "x"], files: "a.h5")) { error in
            XCTAssertEqual("\(error)", "invalid option: --map current=x: no trace of a.h5 has a channel 'current' (they have u, x)")
        }
        // A unit that differs from the model's is refused: mT where the model has T is a factor 1000.
        let milli = try trace(inputUnits: ["A", "kJ/m3"])
        XCTAssertThrowsError(try milli.matchingChannels(of: m)) { error in
            XCTAssertTrue("\(error)".contains("input 'deltaKu1' is in kJ/m3, the model's 'deltaKu1' in J/m3"), "\(error)")
        }
        // Unknown ("") units on either side are not compared.
        XCTAssertNoThrow(try trace(inputUnits: ["A", ""]).matchingChannels(of: m))
    }

    func testSampleIntervalWithinTheToleranceIsConformed() throws {
        let m = try model(inputs: ["deltaKu1"], parameters: ["Ku1", "Dind"])
        let near = try trace(sampleInterval: 5e-12 * (1 + 2e-7))
        let (conformed, difference) = try near.conformingSampleInterval(to: m)
        XCTAssertEqual(conformed.sampleInterval, 5e-12)
        XCTAssertEqual(difference, 2e-7, accuracy: 1e-12)
        let far = try trace(sampleInterval: 5e-12 * (1 + 2e-6))
        XCTAssertThrowsError(try far.conformingSampleInterval(to: m)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("relative difference 2e-06, tolerance 1e-06"), text)
            XCTAssertTrue(text.contains("spinode import ... --resample 5e-12"), text)
        }
        // A drive within the tolerance replaces the inputs; one outside it is refused.
        let base = try trace().matchingChannels(of: m)
        let drive = try trace(sampleInterval: 5e-12 * (1 - 5e-7)).matchingInputs(of: m)
        XCTAssertEqual(try base.replacingInputs(with: drive).inputs, [0, 10, 20])
        XCTAssertThrowsError(try base.replacingInputs(with: try trace(sampleInterval: 5.1e-12).matchingInputs(of: m)))
    }
}
