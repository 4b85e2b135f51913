import Surrogate
import XCTest

/// `RawTrace.selecting` and `matchingChannels`: channel choice by name keeps the values of each sample.
final class RawTraceChannelTests: XCTestCase {
    private func trace() throws -> RawTrace {
        // 3 samples, inputs (u, a, v) = (10 n, 20 n + 1, 30 n + 2); parameters (Ku1, D).
        let inputs: [Double] = [0, 1, 2, 10, 21, 32, 20, 41, 62]
        return try RawTrace(name: "run", sampleInterval: 5e-12, outputs: [0.1, 0.2, 0.3], outputCount: 1,
                     inputs: inputs,
                     inputCount: 3, parameters: [8e5, 3.5e-3], outputNames: ["mz"], inputNames: ["u", "a", "v"],
                     parameterNames: ["Ku1", "D"], inputUnits: ["J/m3", "", "T"])
    }

    func testSelectingReordersAndDrops() throws {
        let t = try trace().selecting(inputs: ["v", "u"], parameters: [])
        XCTAssertEqual(t.inputCount, 2)
        XCTAssertEqual(t.inputs, [2, 0, 32, 10, 62, 20])
        XCTAssertEqual(t.inputNames, ["v", "u"])
        XCTAssertEqual(t.inputUnits, ["T", "J/m3"])
        XCTAssertEqual(t.parameters, [])
        XCTAssertEqual(t.outputs, [0.1, 0.2, 0.3])
        XCTAssertEqual(try trace().selecting(), try trace())
        XCTAssertThrowsError(try trace().selecting(inputs: ["b"])) { error in
            XCTAssertTrue("\(error)".contains("no input 'b'"), "\(error)")
        }
    }

    func testSelectingOutputs() throws {
        // 3 samples of outputs (mz, Q, r) = (0.1 n, -1, 10 n + 5).
        let t = try RawTrace(name: "regime", sampleInterval: 5e-12, outputs: [0, -1, 5, 0.1, -1, 15, 0.2, -1, 25],
                             outputCount: 3, inputs: [1, 2, 3], inputCount: 1,
                             outputNames: ["mz", "Q", "r"], outputUnits: ["", "", "m"])
        let s = try t.selecting(outputs: ["r", "mz"])
        XCTAssertEqual(s.outputCount, 2)
        XCTAssertEqual(s.outputs, [5, 0, 15, 0.1, 25, 0.2])
        XCTAssertEqual(s.outputNames, ["r", "mz"])
        XCTAssertEqual(s.outputUnits, ["m", ""])
        XCTAssertEqual(s.sampleCount, 3)
        XCTAssertEqual(s.inputs, [1, 2, 3])
        XCTAssertThrowsError(try t.selecting(outputs: ["radius"])) { error in
            XCTAssertTrue("\(error)".contains("trace 'regime' has no output 'radius'"), "\(error)")
        }
        XCTAssertThrowsError(try t.selecting(outputs: [])) { error in
            XCTAssertTrue("\(error)".contains("no output channel chosen"), "\(error)")
        }
    }

    func testMatchingChannelsOfAModel() throws {
        var model = try SurrogateModel.initial(embedding: DelayEmbedding(order: 2, outputCount: 1), inputCount: 1,
                                               parameterCount: 1, sampleInterval: 5e-12,
                                               normalisation: .identity(outputs: 1, inputs: 1, parameters: 1),
                                               hidden: [4], seed: 1)
        model.inputNames = ["a"]
        model.parameterNames = ["D"]
        model.outputNames = ["mz"]
        let t = try trace().matchingChannels(of: model)
        XCTAssertEqual(t.inputs, [1, 21, 41])
        XCTAssertEqual(t.parameters, [3.5e-3])
    }
}
