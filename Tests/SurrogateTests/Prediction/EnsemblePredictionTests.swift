import XCTest
import Numerics
import NeuralNet
import Surrogate
import TraceIO

/// Ensemble prediction (docs/surrogate-model.md, "Ensembles and the trust flag"): the spread formula,
/// zero spread of identical members, the calibration of the threshold, and independence of the thread count.
final class EnsemblePredictionTests: XCTestCase {
    /// A paper-shaped model (k = 2, 1 output, 1 input, hidden 8) with the weights of `seed` and a fixed
    /// normalisation (output std 0.1).
    func model(seed: UInt64) throws -> SurrogateModel {
        try SurrogateModel.initial(embedding: DelayEmbedding(order: 2, outputCount: 1), inputCount: 1, parameterCount: 0,
                                   sampleInterval: 5e-12,
                                   normalisation: Normalisation(outputMean: [0.8], outputStd: [0.1], inputMean: [0], inputStd: [1e5],
                                                                parameterMean: [], parameterStd: []),
                                   hidden: [8], seed: seed)
    }

    func trace(samples: Int = 400) throws -> RawTrace {
        let u = (0..<samples).map { 1e5 * sin(2 * Double.pi * Double($0) / 50) }
        let x = (0..<samples).map { 0.8 + 0.1 * cos(2 * Double.pi * Double($0) / 50) }
        return try RawTrace(name: "t", sampleInterval: 5e-12, outputs: x, outputCount: 1, inputs: u, inputCount: 1)
    }

    /// spread(j) = sqrt(mean_c var_m(x_mc / sigma_c)) against values worked by hand.
    func testSpreadFormula() {
        // 3 members, 2 channels, 2 samples; channel scales 2 and 0.5.
        let series: [[Double]] = [[1, 0, 4, 1], [2, 0, 4, 1], [3, 3, 4, 1]]
        let spread = EnsemblePrediction.spread(series, outputCount: 2, scale: [2, 0.5])
        // Sample 0: channel 0 values 1, 2, 3 -> var 2/3, / 4 = 1/6; channel 1 values 0, 0, 3 -> var 2, / 0.25 = 8.
        XCTAssertEqual(spread[0], ((1.0 / 6 + 8) / 2).squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(spread[1], 0)
        XCTAssertEqual(EnsemblePrediction.mean(series), [2, 1, 4, 1])
        XCTAssertEqual(EnsemblePrediction.firstFlagged([9, 0.1, 0.3, 0.2], threshold: 0.25), 2)
        XCTAssertEqual(EnsemblePrediction.firstFlagged([0, 0.1, .nan], threshold: 0.25), 2)
        XCTAssertNil(EnsemblePrediction.firstFlagged([9, 0.1, 0.2], threshold: 0.25))
    }

    /// Identical members: spread exactly 0 everywhere, the mean equals the single model's prediction bit
    /// for bit, and no threshold can be calibrated.
    func testIdenticalMembersHaveZeroSpread() throws {
        let m = try model(seed: 3)
        let ensemble = try EnsemblePrediction(members: [m, m, m])
        let result = try ensemble.predict([trace()])[0]
        XCTAssertEqual(result.spread, Array(repeating: 0, count: 400))
        XCTAssertEqual(result.mean, try FreeRunPrediction(model: m).predict([trace()])[0])
        let normalised = try trace().normalised(for: m)
        XCTAssertThrowsError(try ensemble.calibrate(traces: [normalised], segments: [(0, 0, 400)], margin: 2, description: ""))
    }

    /// The threshold is margin x the largest spread over the calibration free runs, recomputed here from
    /// each member's own prediction in SI units (spread scaled by the output std).
    func testCalibrationIsMarginTimesLargestSpread() throws {
        let members = try (1...4).map { try model(seed: UInt64($0)) }
        let ensemble = try EnsemblePrediction(members: members)
        let t = try trace()
        let normalised = try t.normalised(for: members[0])
        let segments = [(trace: 0, start: 0, length: 200), (trace: 0, start: 150, length: 250)]
        let calibration = try ensemble.calibrate(traces: [normalised], segments: segments, margin: 2.5, description: "test")
        var largest = 0.0
        for s in segments {
            let part = try RawTrace(name: "p", sampleInterval: 5e-12, outputs: Array(t.outputs[s.start..<(s.start + s.length)]),
                                    outputCount: 1, inputs: Array(t.inputs[s.start..<(s.start + s.length)]), inputCount: 1)
            let series = try members.map { try FreeRunPrediction(model: $0).predict([part])[0] }
            for j in 1..<s.length {
                let values = series.map { $0[j] / 0.1 }
                let mean = values.reduce(0, +) / 4
                largest = max(largest, (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4).squareRoot())
            }
        }
        XCTAssertGreaterThan(largest, 1e-3)
        XCTAssertEqual(calibration.calibrationMaxSpread, largest, accuracy: 1e-9 * largest)
        XCTAssertEqual(calibration.spreadThreshold, 2.5 * calibration.calibrationMaxSpread)
        XCTAssertEqual(calibration.calibrationSamples, 199 + 249)
    }

    /// Members run side by side give the same bits as one after another.
    func testThreadCountDoesNotChangeTheResult() throws {
        let ensemble = try EnsemblePrediction(members: (1...5).map { try model(seed: UInt64($0)) })
        let one = try ensemble.predict([trace()], threads: 1)[0]
        let three = try ensemble.predict([trace()], threads: 3)[0]
        XCTAssertEqual(one.mean, three.mean)
        XCTAssertEqual(one.spread, three.spread)
    }

    /// A surrogate device of an ensemble answers with the mean of its members' devices' outputs.
    func testSurrogateDeviceOfEnsembleIsMeanOfMembers() throws {
        let members = try (1...3).map { try model(seed: UInt64($0)) }
        let inputs: [[Double]] = [(0..<60).map { 5e4 * sin(Double($0) / 4) }, (0..<30).map { -3e4 * cos(Double($0) / 3) }]
        let ensemble = try SurrogateDevice(model: members[0], otherMembers: Array(members.dropFirst())).respond(to: inputs)
        let alone = try members.map { try SurrogateDevice(model: $0).respond(to: inputs) }
        for b in inputs.indices {
            for n in inputs[b].indices {
                let mean = (alone[0][b][n] + alone[1][b][n] + alone[2][b][n]) / 3
                XCTAssertEqual(ensemble[b][n], mean, accuracy: 1e-13)
            }
            XCTAssertNotEqual(alone[0][b], alone[1][b])
        }
    }
}
