/// One trace in the surrogate's normalised units, ready to embed and integrate
/// (docs/surrogate-model.md, "Quantities").
///
/// Outputs x~ (sample-major, n_out channels), the input interpolant over u~ (n_in channels, the
/// model's interpolation kind) and the normalised static parameters p~.
public struct NormalisedTrace: Sendable {
    public let name: String
    public let sampleCount: Int
    public let outputCount: Int
    /// x~, sample-major: `outputs[i * outputCount + c]`.
    public let outputs: [Double]
    /// u~ between samples.
    public let inputs: InputInterpolation
    /// p~.
    public let parameters: [Double]

    /// Normalises raw (SI) series with the model's normalisation and checks them against the model.
    ///
    /// - Parameters:
    ///   - outputs: sample-major, `sampleCount x model.embedding.outputCount` (may be empty when only
    ///     the initial state is known: then pass `initialOutputs`).
    ///   - inputs: sample-major, `sampleCount x model.inputCount`.
    ///   - sampleInterval: the trace's sample interval, seconds; must equal the model's to 1e-9 relative.
    public init(name: String, outputs: [Double], inputs: [Double], parameters: [Double], sampleCount: Int,
                sampleInterval: Double, model: SurrogateModel) throws {
        let nOut = model.embedding.outputCount, nIn = model.inputCount
        guard nOut > 0, outputs.count == sampleCount * nOut else {
            throw SurrogateError.invalidTrace(
                "trace '\(name)': has \(sampleCount == 0 ? 0 : outputs.count / max(sampleCount, 1)) output channels, the model needs \(nOut)")
        }
        guard inputs.count == sampleCount * nIn else {
            throw SurrogateError.invalidTrace(
                "trace '\(name)': has \(sampleCount == 0 ? 0 : inputs.count / max(sampleCount, 1)) input channels, the model needs \(nIn)")
        }
        guard parameters.count == model.parameterCount else {
            throw SurrogateError.invalidTrace(
                "trace '\(name)': has \(parameters.count) static parameters, the model needs \(model.parameterCount)")
        }
        guard sampleCount >= model.embedding.order + 1 else {
            throw SurrogateError.invalidTrace(
                "trace '\(name)': \(sampleCount) samples, embedding order k = \(model.embedding.order) needs at least \(model.embedding.order + 1)")
        }
        guard abs(sampleInterval - model.sampleInterval) <= 1e-9 * model.sampleInterval else {
            throw SurrogateError.invalidTrace(
                "trace '\(name)': sample interval \(sampleInterval) s differs from the model's \(model.sampleInterval) s")
        }
        if let bad = outputs.firstIndex(where: { !$0.isFinite }) {
            throw SurrogateError.nonFinite("trace '\(name)': output sample \(bad / nOut), channel \(bad % nOut) is \(outputs[bad])")
        }
        var x = outputs, u = inputs
        model.normalisation.normaliseOutputs(&x)
        model.normalisation.normaliseInputs(&u)
        self.name = name
        self.sampleCount = sampleCount
        self.outputCount = nOut
        self.outputs = x
        self.inputs = try InputInterpolation(kind: model.interpolation, sampleCount: sampleCount, channelCount: nIn, values: u)
        self.parameters = model.normalisation.normaliseParameters(parameters)
    }

    /// The true embedded state at start sample `start` (0 ... sampleCount - k).
    public func embeddedState(_ embedding: DelayEmbedding, start: Int, into state: UnsafeMutablePointer<Double>) {
        outputs.withUnsafeBufferPointer { embedding.embed(series: $0.baseAddress!, start: start, into: state) }
    }
}
