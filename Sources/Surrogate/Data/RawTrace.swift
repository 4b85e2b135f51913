/// The part of a recorded trace a surrogate reads, in SI units: uniformly sampled outputs and inputs
/// (sample-major arrays), static parameters, names and units. Built from a TraceIO `Trace` by
/// `RawTrace(trace:)`, or directly (tests, generated data).
public struct RawTrace: Sendable, Equatable {
    public var name: String
    /// Sample interval dt, seconds.
    public var sampleInterval: Double
    public var sampleCount: Int
    public var outputCount: Int
    public var inputCount: Int
    /// x, sample-major: `outputs[i * outputCount + c]`.
    public var outputs: [Double]
    /// u, sample-major: `inputs[i * inputCount + j]`.
    public var inputs: [Double]
    public var parameters: [Double]
    public var outputNames: [String]
    public var inputNames: [String]
    public var parameterNames: [String]
    public var outputUnits: [String]
    public var inputUnits: [String]

    public init(name: String, sampleInterval: Double, outputs: [Double], outputCount: Int, inputs: [Double],
                inputCount: Int, parameters: [Double] = [], outputNames: [String]? = nil, inputNames: [String]? = nil,
                parameterNames: [String]? = nil, outputUnits: [String]? = nil, inputUnits: [String]? = nil) throws {
        guard sampleInterval > 0, sampleInterval.isFinite else {
            throw SurrogateError.invalidTrace("trace '\(name)': sample interval \(sampleInterval) s must be positive")
        }
        guard outputCount >= 1 else {
            throw SurrogateError.invalidTrace("trace '\(name)' has no outputs: a surrogate learns output channels from a trace")
        }
        guard outputs.count % outputCount == 0 else {
            throw SurrogateError.invalidTrace("trace '\(name)': \(outputs.count) output values are not whole samples of \(outputCount) channels")
        }
        let samples = outputs.count / outputCount
        guard inputs.count == samples * inputCount else {
            throw SurrogateError.invalidTrace("trace '\(name)': \(inputs.count) input values for \(samples) samples of \(inputCount) channels")
        }
        self.name = name
        self.sampleInterval = sampleInterval
        self.sampleCount = samples
        self.outputCount = outputCount
        self.inputCount = inputCount
        self.outputs = outputs
        self.inputs = inputs
        self.parameters = parameters
        self.outputNames = outputNames ?? (0..<outputCount).map { "x\($0)" }
        self.inputNames = inputNames ?? (0..<inputCount).map { "u\($0)" }
        self.parameterNames = parameterNames ?? parameters.indices.map { "p\($0)" }
        self.outputUnits = outputUnits ?? Array(repeating: "", count: outputCount)
        self.inputUnits = inputUnits ?? Array(repeating: "", count: inputCount)
    }

    /// Samples start ..< start + count (clamped to the trace).
    public func window(start: Int, count: Int) -> RawTrace {
        let a = max(0, min(start, sampleCount)), b = max(a, min(start + count, sampleCount))
        var w = self
        w.sampleCount = b - a
        w.outputs = Array(outputs[(a * outputCount)..<(b * outputCount)])
        w.inputs = Array(inputs[(a * inputCount)..<(b * inputCount)])
        return w
    }

    /// This trace in `model`'s normalised units.
    public func normalised(for model: SurrogateModel) throws -> NormalisedTrace {
        try NormalisedTrace(name: name, outputs: outputs, inputs: inputs, parameters: parameters, sampleCount: sampleCount,
                            sampleInterval: sampleInterval, model: model)
    }
}
