import XCTest
import Numerics
import Surrogate

final class EmbeddingNormalisationTests: XCTestCase {
    func testDelayEmbeddingLayoutAndRoundTrip() throws {
        // 2 channels, 6 samples: channel 0 = 0..5, channel 1 = 10..15, sample-major.
        var series = [Double]()
        for i in 0..<6 { series.append(Double(i)); series.append(Double(10 + i)) }
        let e = try DelayEmbedding(order: 3, outputCount: 2, augment: 1)
        XCTAssertEqual(e.stateDimension, 7)
        XCTAssertEqual(e.firstDelayIndices, [0, 3])
        // docs/surrogate-model.md: channel-major delays, then latent zeros.
        XCTAssertEqual(try e.embed(series: series, start: 2), [2, 3, 4, 12, 13, 14, 0])
        XCTAssertEqual(try e.startRange(sampleCount: 6), 0...3)
        let states = try (0...3).map { try e.embed(series: series, start: $0) }
        XCTAssertEqual(e.series(fromStates: states), series)
        XCTAssertThrowsError(try e.embed(series: series, start: 4))
        XCTAssertThrowsError(try e.startRange(sampleCount: 2)) { err in
            XCTAssertTrue("\(err)".contains("k = 3 needs at least 3 samples"), "\(err)")
        }
        XCTAssertThrowsError(try DelayEmbedding(order: 0, outputCount: 1))
    }

    /// The embedding owns the index maths of the state and of the network's extra inputs
    /// (docs/surrogate-model.md): k = 3, 2 outputs, 1 latent, 2 inputs, 1 parameter gives the state
    /// [x0(t), x0(t+1), x0(t+2), x1(t), x1(t+1), x1(t+2), z] and the extra inputs
    /// [u0(t), u0(t+1), u0(t+2), u1(t), u1(t+1), u1(t+2), p], so the network maps 7 + 7 = 14 -> 7; a model
    /// and the drive of a batch use exactly these places.
    func testDelayEmbeddingIndexMaths() throws {
        let e = try DelayEmbedding(order: 3, outputCount: 2, augment: 1)
        XCTAssertEqual(e.stateIndex(channel: 1, delay: 2), 5)
        XCTAssertEqual(e.extraInputCount(inputCount: 2, parameterCount: 1), 7)
        XCTAssertEqual(e.extraInputIndex(channel: 1, delay: 0), 3)
        XCTAssertEqual(e.parameterIndex(0, inputCount: 2), 6)
        let model = try SurrogateModel.initial(
            embedding: e, inputCount: 2, parameterCount: 1, sampleInterval: 1, interpolation: .zoh,
            normalisation: Normalisation.fit(outputs: [[0, 1, 2, 3]], outputCount: 2, inputs: [[0, 1, 2, 3]], inputCount: 2,
                                             parameters: [[0]], parameterCount: 1), hidden: [4], seed: 1)
        XCTAssertEqual(model.mlp.widths, [14, 4, 7])
        XCTAssertEqual(model.extraInputCount, 7)
        // The drive writes input channel j at sample s + d to extraInputIndex(j, d), the parameter after them.
        let u: [Double] = [0, 100, 1, 101, 2, 102, 3, 103, 4, 104]     // 5 samples, 2 input channels
        let trace = try NormalisedTrace(name: "t", outputs: [Double](repeating: 0, count: 10), inputs: u, parameters: [0.5],
                                        sampleCount: 5, sampleInterval: 1, model: model)
        let drive = BatchDrive(traces: [trace], model: model, maxBatch: 1)
        drive.setMembers([(trace: 0, start: 1)])
        var row = [Double](repeating: .nan, count: 7)
        row.withUnsafeMutableBufferPointer { drive.fill(tau: 0, batch: 1, e: $0.baseAddress!, stride: 7) }
        var expected = [Double](repeating: 0, count: 7)
        for j in 0..<2 {
            for d in 0..<3 {
                expected[e.extraInputIndex(channel: j, delay: d)] = trace.inputs.values[(1 + d) * 2 + j]
            }
        }
        expected[e.parameterIndex(0, inputCount: 2)] = trace.parameters[0]
        XCTAssertEqual(row, expected)
        XCTAssertNotEqual(expected[0], expected[3])
    }

    func testNormalisationRoundTripAndMoments() throws {
        var rng = SeededRandom(seed: 3)
        let a = (0..<200).map { i in i % 2 == 0 ? rng.normal(mean: 5, sigma: 2) : rng.normal(mean: -1, sigma: 0.1) }
        let b = (0..<100).map { i in i % 2 == 0 ? rng.normal(mean: 5, sigma: 2) : rng.normal(mean: -1, sigma: 0.1) }
        let u = [Double](repeating: 0.7, count: 150)    // constant input: std falls back to 1
        let norm = try Normalisation.fit(outputs: [a, b], outputCount: 2, inputs: [u], inputCount: 1,
                                         parameters: [[1], [3]], parameterCount: 1)
        XCTAssertEqual(norm.inputStd, [1])
        XCTAssertEqual(norm.inputMean[0], 0.7, accuracy: 1e-14)
        XCTAssertEqual(norm.parameterMean, [2]); XCTAssertEqual(norm.parameterStd, [1])
        XCTAssertEqual(norm.normaliseParameters([3]), [1])
        // Pooled normalised outputs have mean 0 and population std 1 per channel.
        var na = a, nb = b
        norm.normaliseOutputs(&na); norm.normaliseOutputs(&nb)
        for c in 0..<2 {
            let pooled = (na + nb).enumerated().filter { $0.offset % 2 == c }.map(\.element)
            let mean = pooled.reduce(0, +) / Double(pooled.count)
            let variance = pooled.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(pooled.count)
            XCTAssertEqual(mean, 0, accuracy: 1e-13)
            XCTAssertEqual(variance, 1, accuracy: 1e-12)
        }
        norm.denormaliseOutputs(&na)
        for i in a.indices { XCTAssertEqual(na[i], a[i], accuracy: 1e-13 * max(1, abs(a[i]))) }
        XCTAssertThrowsError(try Normalisation.fit(outputs: [[1, 2, 3]], outputCount: 2, inputs: [], inputCount: 0,
                                                   parameters: [], parameterCount: 0))
    }

    /// NRMSE and dominant frequency of known signals: truth = sin(2 pi f t) over whole periods has
    /// std 1/sqrt(2); a constant offset c gives NRMSE c sqrt(2); the FFT peak sits at f exactly
    /// when f is a multiple of the bin spacing 1/(N dt).
    func testPredictionMetrics() throws {
        let dt = 1e-3, n = 1000, f = 50.0
        let truth = (0..<n).map { sin(2 * Double.pi * f * Double($0) * dt) }
        let prediction = truth.map { $0 + 0.01 }
        let m = try PredictionMetrics(prediction: prediction, truth: truth, sampleInterval: dt, blockLength: 300)
        XCTAssertEqual(m.nrmse, 0.01 * 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(m.maxError, 0.01, accuracy: 1e-15)
        XCTAssertEqual(m.blockNRMSE.count, 4)
        XCTAssertEqual(m.blockNRMSE[3], 0.01 * 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(m.truthFrequency!, f, accuracy: 1e-9)
        XCTAssertEqual(m.predictionFrequency!, f, accuracy: 1e-9)
        XCTAssertEqual(m.frequencyResolution!, 1, accuracy: 1e-12)
        // FFT of a pure sine: all the power in bin k = f N dt = 50, |X_50|^2 = (N/2)^2.
        let power = PowerSpectrum.oneSided(truth)
        XCTAssertEqual(power.count, 501)
        XCTAssertEqual(power[50], 250_000, accuracy: 1e-6)
        XCTAssertEqual(power[49], 0, accuracy: 1e-12 * 250_000)
    }
}
