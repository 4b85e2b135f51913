import Numerics
import Reservoir
import XCTest

/// `StateNoiseSensitivity`: the noise it adds has the stated size, is seeded, and a task's metrics respond
/// to it as a readout on noisy features must.
final class StateNoiseSensitivityTests: XCTestCase {
    func testSpreadIsThePopulationStandardDeviationAfterTheWashout() {
        // Rows after a 1-row washout: 2, 3 | 4, 5 and 20, 30 | 40, 50 (the first rows, 100 and -100, are skipped).
        let a = Matrix(rows: 3, columns: 2, storage: [100, 100, 2, 3, 4, 5])
        let b = Matrix(rows: 3, columns: 2, storage: [-100, -100, 20, 30, 40, 50])
        let values = [2.0, 3, 4, 5, 20, 30, 40, 50]
        let mean = values.reduce(0, +) / 8
        let expected = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 8).squareRoot()
        XCTAssertEqual(StateNoiseSensitivity.spread([a, b], washout: 1), expected, accuracy: 1e-12)
        XCTAssertTrue(StateNoiseSensitivity.spread([a, b], washout: 3).isNaN)
    }

    func testPerturbationHasTheRequestedStdAndIsSeeded() {
        let clean = [Matrix(rows: 200, columns: 25, repeating: 1.5), Matrix(rows: 120, columns: 25, repeating: -2)]
        let noisy = StateNoiseSensitivity.perturbed(clean, sigma: 0.3, seed: 5)
        let d = zip(noisy, clean).flatMap { zip($0.storage, $1.storage).map { $0 - $1 } }
        let n = Double(d.count)   // 8,000 draws: std of the sample std ~ 0.8 %, of the sample mean 0.0034
        let mean = d.reduce(0, +) / n
        let std = (d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n).squareRoot()
        XCTAssertEqual(std, 0.3, accuracy: 0.3 * 0.03)
        XCTAssertEqual(mean, 0, accuracy: 4 * 0.3 / n.squareRoot())
        XCTAssertEqual(StateNoiseSensitivity.perturbed(clean, sigma: 0.3, seed: 5).map(\.storage), noisy.map(\.storage))
        XCTAssertNotEqual(StateNoiseSensitivity.perturbed(clean, sigma: 0.3, seed: 6).map(\.storage), noisy.map(\.storage))
    }

    /// A score that reports RMS(noisy - clean) / spread must read back each level (mean of 4 draws).
    func testMetricsReadTheNoiseAtEachLevelRelativeToTheSpread() throws {
        let clean = [Matrix(rows: 300, columns: 10) { i, j in sin(0.1 * Double(i) + Double(j)) * 0.02 + 0.7 }]
        let spread = StateNoiseSensitivity.spread(clean, washout: 30)
        let result = try StateNoiseSensitivity.metrics(of: clean, washout: 30, levels: [1e-4, 1e-2], draws: 4) { noisy in
            let d = zip(noisy[0].storage, clean[0].storage).map { $0 - $1 }
            let rms = (d.map { $0 * $0 }.reduce(0, +) / Double(d.count)).squareRoot()
            return ReservoirResult(task: "probe", source: "test", nodes: 10, metrics: ["relative_rms": rms / spread],
                                   ridgeLambdas: [], trainSamples: 0, testSamples: 0)
        }
        XCTAssertEqual(result.map(\.level), [1e-4, 1e-2])
        XCTAssertEqual(try XCTUnwrap(result[0].metrics["relative_rms"]), 1e-4, accuracy: 1e-4 * 0.03)
        XCTAssertEqual(try XCTUnwrap(result[1].metrics["relative_rms"]), 1e-2, accuracy: 1e-2 * 0.03)
    }

    /// Mackey-Glass on an echo state network: one-step prediction degrades with noise on the states.
    func testMackeyGlassOneStepPredictionDegradesWithStateNoise() throws {
        let task = try MackeyGlassPrediction().segment(samples: 600)
        let esn = try EchoStateNetwork(configuration: .init(nodes: 20, seed: 3))
        let inputs = try task.inputSequences()
        let states = try esn.states(for: inputs)
        func score(_ s: [Matrix]) throws -> ReservoirResult {
            try task.score(ReservoirStates(sequences: s, sourceName: "esn", nodes: 20, inputs: inputs))
        }
        let clean = try XCTUnwrap(try score(states).metrics["nrmse_h1"])
        let noisy = try StateNoiseSensitivity.metrics(of: states, washout: task.washoutSamples, levels: [1e-4, 1e-2],
                                                      draws: 3, score: score)
        let small = try XCTUnwrap(noisy[0].metrics["nrmse_h1"]), large = try XCTUnwrap(noisy[1].metrics["nrmse_h1"])
        XCTAssertGreaterThan(large, 2 * clean, "clean \(clean), 1e-4: \(small), 1e-2: \(large)")
        XCTAssertGreaterThan(large, small)
    }
}
