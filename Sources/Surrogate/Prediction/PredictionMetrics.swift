import Numerics

/// How well a free-running prediction follows the truth, for one output channel.
///
/// NRMSE = RMS(prediction - truth) / std(truth) (`Statistics.nrmse`: std the population standard
/// deviation of the truth over the same samples, the reservoir-computing convention; Chen et al., Nat.
/// Commun. 13, 1016 (2022), uses it for its prediction figures). Per-block NRMSE divides each block's RMS error by the
/// whole-trace std of the truth, so blocks are comparable. The dominant frequencies are the strongest
/// non-zero FFT bins of the mean-removed signals (`PowerSpectrum`, FFTW), with the bin spacing
/// 1 / (N dt) as resolution.
public struct PredictionMetrics: Sendable, Equatable, Codable {
    /// RMS error / std of truth over the whole compared range.
    public var nrmse: Double
    /// RMS error, in the channel's units.
    public var rmsError: Double
    /// max |prediction - truth|, in the channel's units.
    public var maxError: Double
    /// NRMSE of consecutive blocks of `blockLength` samples (the last block may be shorter).
    public var blockNRMSE: [Double]
    public var blockLength: Int
    /// Dominant frequencies (Hz) of truth and prediction, and the FFT bin spacing (Hz); nil if undefined.
    public var truthFrequency: Double?
    public var predictionFrequency: Double?
    public var frequencyResolution: Double?
    /// Number of compared samples.
    public var sampleCount: Int

    /// Metrics of `prediction` against `truth` (same length, >= 2), sampled every `sampleInterval` seconds.
    public init(prediction: [Double], truth: [Double], sampleInterval: Double, blockLength: Int) throws {
        let n = truth.count
        guard prediction.count == n else {
            throw SurrogateError.invalidOption("prediction has \(prediction.count) samples, truth \(n)")
        }
        guard n >= 2 else { throw SurrogateError.invalidTrace("metrics need at least 2 samples, got \(n)") }
        guard blockLength >= 1 else { throw SurrogateError.invalidOption("block length must be >= 1, got \(blockLength)") }
        let mean = truth.reduce(0, +) / Double(n)
        var variance = 0.0
        for v in truth { variance += (v - mean) * (v - mean) }
        let std = (variance / Double(n)).squareRoot()
        var square = 0.0, maxAbs = 0.0
        for i in 0..<n {
            let e = prediction[i] - truth[i]
            square += e * e
            maxAbs = max(maxAbs, abs(e))
        }
        if !square.isFinite { maxAbs = .infinity }
        rmsError = (square / Double(n)).squareRoot()
        nrmse = Statistics.nrmse(prediction: prediction, truth: truth)
        maxError = maxAbs
        self.blockLength = blockLength
        var blocks = [Double]()
        var start = 0
        while start < n {
            let end = min(n, start + blockLength)
            var s = 0.0
            for i in start..<end { let e = prediction[i] - truth[i]; s += e * e }
            let rms = (s / Double(end - start)).squareRoot()
            blocks.append(std > 0 ? rms / std : (rms == 0 ? 0 : .infinity))
            start = end
        }
        blockNRMSE = blocks
        let ft = PowerSpectrum.dominantFrequency(truth, sampleInterval: sampleInterval)
        let fp = prediction.allSatisfy(\.isFinite)
            ? PowerSpectrum.dominantFrequency(prediction, sampleInterval: sampleInterval) : nil
        truthFrequency = ft?.frequency
        predictionFrequency = fp?.frequency
        frequencyResolution = ft?.resolution ?? fp?.resolution
        sampleCount = n
    }
}
