import Foundation
import Numerics
import Surrogate
import TraceIO

/// Demo part (a): the surrogate runs free over the held-out trace from its true initial state, exactly
/// as `spinode predict MODEL TRACES --trace test` does (same library calls: `FreeRunPrediction` with RK4
/// on the sample grid, `PredictionMetrics` over samples 1 ... N-1 with blocks of 1,000 samples), so the
/// NRMSE printed here is the one `spinode predict` prints (for an ensemble model, of the members' mean).
public struct DemoPrediction {
    public var trace: String
    public var samples: Int
    public var sampleInterval: Double
    /// Time of sample 0, seconds.
    public var t0: Double
    public var outputName: String
    public var outputUnit: String
    public var truth: [Double]
    public var prediction: [Double]
    public var metrics: PredictionMetrics
    /// Wall seconds of the free run.
    public var seconds: Double

    public static let blockLength = 1000

    public static func run(model path: String, traces: String, trace name: String) throws -> DemoPrediction {
        let source = try DemoData.trace(name, in: traces)
        // An ensemble model predicts the members' mean, as `spinode predict` does.
        let ensemble = try EnsemblePrediction(file: SurrogateModelFile.read(path), solver: .fixedRK4(stepsPerSample: 1))
        let raw = try RawTrace(trace: source).matchingChannels(of: ensemble.members[0])
        let (predictions, seconds) = try DemoProgress.timed {
            try ensemble.predict([raw]).map(\.mean)
        }
        let c = 0, n = raw.outputCount
        let truth = (0..<raw.sampleCount).map { raw.outputs[$0 * n + c] }
        let prediction = (0..<raw.sampleCount).map { predictions[0][$0 * n + c] }
        let metrics = try PredictionMetrics(prediction: Array(prediction.dropFirst()), truth: Array(truth.dropFirst()),
                                            sampleInterval: raw.sampleInterval, blockLength: blockLength)
        let t0: Double = { if case .uniform(let t, _) = source.sampling { return t }; return source.time(0) }()
        return DemoPrediction(trace: name, samples: raw.sampleCount, sampleInterval: raw.sampleInterval, t0: t0,
                              outputName: raw.outputNames[c], outputUnit: source.outputUnits[c], truth: truth,
                              prediction: prediction, metrics: metrics, seconds: seconds)
    }

    public var json: JSONValue {
        .object([
            ("trace", .string(trace)), ("samples", .integer(samples)), ("sample_interval_s", .number(sampleInterval)),
            ("output", .string(outputName)), ("nrmse", .number(metrics.nrmse)), ("rms_error", .number(metrics.rmsError)),
            ("max_error", .number(metrics.maxError)), ("block_length", .integer(metrics.blockLength)),
            ("block_nrmse", .numbers(metrics.blockNRMSE)),
            ("truth_frequency_hz", metrics.truthFrequency.map { .number($0) } ?? .null),
            ("prediction_frequency_hz", metrics.predictionFrequency.map { .number($0) } ?? .null),
            ("frequency_resolution_hz", metrics.frequencyResolution.map { .number($0) } ?? .null),
            ("seconds", .number(seconds)),
        ])
    }
}
