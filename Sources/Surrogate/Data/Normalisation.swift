/// Per-channel affine normalisation learned from the training traces (docs/surrogate-model.md):
///   x~ = (x - output_mean) / output_std, u~ = (u - input_mean) / input_std, p~ = (p - parameter_mean) / parameter_std.
///
/// Means and standard deviations are pooled over every sample of every training trace (parameters:
/// over the traces). The standard deviation is the population one (divide by N). A channel that
/// never varies (std <= 1e-12 |mean|, rounding noise) gets std 1, so it normalises to a constant instead of dividing by zero.
public struct Normalisation: Sendable, Equatable, Codable {
    public var outputMean: [Double]
    public var outputStd: [Double]
    public var inputMean: [Double]
    public var inputStd: [Double]
    public var parameterMean: [Double]
    public var parameterStd: [Double]

    public init(outputMean: [Double], outputStd: [Double], inputMean: [Double], inputStd: [Double],
                parameterMean: [Double], parameterStd: [Double]) throws {
        guard outputMean.count == outputStd.count, inputMean.count == inputStd.count,
              parameterMean.count == parameterStd.count else {
            throw SurrogateError.invalidModel(
                "normalisation means and stds differ in length: outputs \(outputMean.count)/\(outputStd.count), inputs \(inputMean.count)/\(inputStd.count), parameters \(parameterMean.count)/\(parameterStd.count)")
        }
        for (name, s) in [("output", outputStd), ("input", inputStd), ("parameter", parameterStd)] {
            if let j = s.firstIndex(where: { !($0 > 0) || !$0.isFinite }) {
                throw SurrogateError.invalidModel("\(name)_std[\(j)] = \(s[j]) must be positive and finite")
            }
        }
        self.outputMean = outputMean; self.outputStd = outputStd
        self.inputMean = inputMean; self.inputStd = inputStd
        self.parameterMean = parameterMean; self.parameterStd = parameterStd
    }

    /// The identity normalisation (means 0, stds 1) for the given channel counts.
    public static func identity(outputs: Int, inputs: Int, parameters: Int) -> Normalisation {
        try! Normalisation(outputMean: .init(repeating: 0, count: outputs), outputStd: .init(repeating: 1, count: outputs),
                           inputMean: .init(repeating: 0, count: inputs), inputStd: .init(repeating: 1, count: inputs),
                           parameterMean: .init(repeating: 0, count: parameters),
                           parameterStd: .init(repeating: 1, count: parameters))
    }

    /// Learns the normalisation from sample-major series: `outputs[t]` of traces t (n_out channels each),
    /// `inputs[t]` (n_in channels), `parameters[t]` (n_par values).
    public static func fit(outputs: [[Double]], outputCount: Int, inputs: [[Double]], inputCount: Int,
                           parameters: [[Double]], parameterCount: Int) throws -> Normalisation {
        let (om, os) = try pooledMoments(outputs, channels: outputCount, what: "outputs")
        let (im, isd) = try pooledMoments(inputs, channels: inputCount, what: "inputs")
        let (pm, ps) = try pooledMoments(parameters, channels: parameterCount, what: "parameters")
        return try Normalisation(outputMean: om, outputStd: os, inputMean: im, inputStd: isd,
                                 parameterMean: pm, parameterStd: ps)
    }

    /// Mean and population std per channel over all rows of all series; std 1 where it is 0.
    /// Two passes (mean, then squared deviations) for accuracy.
    static func pooledMoments(_ series: [[Double]], channels m: Int, what: String) throws -> ([Double], [Double]) {
        guard m > 0 else { return ([], []) }
        var sum = [Double](repeating: 0, count: m)
        var count = 0
        for (t, s) in series.enumerated() {
            guard s.count % m == 0 else {
                throw SurrogateError.invalidTrace("trace \(t): \(s.count) \(what) values are not a whole number of \(m)-channel samples")
            }
            for (i, v) in s.enumerated() {
                guard v.isFinite else { throw SurrogateError.nonFinite("trace \(t) \(what) sample \(i / m), channel \(i % m) is \(v)") }
                sum[i % m] += v
            }
            count += s.count / m
        }
        guard count > 0 else { throw SurrogateError.invalidTrace("no \(what) samples to learn a normalisation from") }
        let mean = sum.map { $0 / Double(count) }
        var square = [Double](repeating: 0, count: m)
        for s in series { for (i, v) in s.enumerated() { let d = v - mean[i % m]; square[i % m] += d * d } }
        // A std below 1e-12 |mean| is rounding noise of a constant channel.
        var std = [Double](repeating: 1, count: m)
        for c in 0..<m {
            let s = (square[c] / Double(count)).squareRoot()
            std[c] = s > 1e-12 * abs(mean[c]) ? s : 1
        }
        return (mean, std)
    }

    /// Normalises a sample-major series of n_out output channels in place.
    public func normaliseOutputs(_ series: inout [Double]) { Normalisation.apply(&series, outputMean, outputStd, forward: true) }
    /// De-normalises a sample-major output series in place: x = mean + std x~.
    public func denormaliseOutputs(_ series: inout [Double]) { Normalisation.apply(&series, outputMean, outputStd, forward: false) }
    /// Normalises a sample-major series of n_in input channels in place.
    public func normaliseInputs(_ series: inout [Double]) { Normalisation.apply(&series, inputMean, inputStd, forward: true) }
    /// De-normalises a sample-major input series in place.
    public func denormaliseInputs(_ series: inout [Double]) { Normalisation.apply(&series, inputMean, inputStd, forward: false) }
    /// The normalised static parameters p~.
    public func normaliseParameters(_ p: [Double]) -> [Double] {
        var q = p
        Normalisation.apply(&q, parameterMean, parameterStd, forward: true)
        return q
    }

    static func apply(_ series: inout [Double], _ mean: [Double], _ std: [Double], forward: Bool) {
        let m = mean.count
        guard m > 0 else { return }
        for i in series.indices {
            let c = i % m
            series[i] = forward ? (series[i] - mean[c]) / std[c] : mean[c] + std[c] * series[i]
        }
    }
}
