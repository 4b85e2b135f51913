import Numerics
import TraceIO

extension RawTrace {
    /// The surrogate's view of a TraceIO trace. Needs uniform sampling (or explicit times uniform to
    /// 1e-9 relative) and at least one output channel.
    public init(trace: Trace) throws {
        let dt: Double
        switch trace.sampling {
        case .uniform(_, let step):
            dt = step
        case .times(let t):
            guard t.count >= 2 else {
                throw SurrogateError.invalidTrace("trace '\(trace.name)' has \(t.count) sample; a surrogate needs a sampled time series")
            }
            let step = (t[t.count - 1] - t[0]) / Double(t.count - 1)
            for i in 1..<t.count where abs(t[i] - t[i - 1] - step) > 1e-9 * step {
                throw SurrogateError.invalidTrace(
                    "trace '\(trace.name)' is not uniformly sampled (interval \(t[i] - t[i - 1]) s at sample \(i), mean \(step) s); "
                    + "import the table again: spinode import stores the nominal grid when the times lie within 1 % of one, "
                    + "or resample it with --resample DT")
            }
            dt = step
        }
        guard trace.outputCount >= 1 else {
            throw SurrogateError.invalidTrace("trace '\(trace.name)' has no outputs: a surrogate learns output channels from a trace")
        }
        let inputs = trace.inputCount > 0 ? trace.inputs.storage : []
        try self.init(name: trace.name, sampleInterval: dt, outputs: trace.outputs.storage, outputCount: trace.outputCount,
                      inputs: inputs, inputCount: trace.inputCount, parameters: trace.parameters,
                      outputNames: trace.outputNames, inputNames: trace.inputNames, parameterNames: trace.parameterNames,
                      outputUnits: trace.outputUnits, inputUnits: trace.inputUnits)
    }

    /// This trace with its inputs replaced by `drive` (a trace whose inputs, matched to the model's by
    /// name, are the new drive signal: `spinode predict --input`), sampled at this trace's interval to
    /// `sampleIntervalTolerance`.
    public func replacingInputs(with drive: RawTrace) throws -> RawTrace {
        guard abs(drive.sampleInterval - sampleInterval) <= RawTrace.sampleIntervalTolerance * sampleInterval else {
            throw SurrogateError.invalidTrace(
                "drive '\(drive.name)' is sampled every \(drive.sampleInterval) s, trace '\(name)' every \(sampleInterval) s "
                + "(tolerance \(RawTrace.sampleIntervalTolerance) relative): resample the drive with "
                + "'spinode import ... --resample \(sampleInterval)'")
        }
        guard drive.sampleCount >= 2 else {
            throw SurrogateError.invalidTrace("drive '\(drive.name)' has \(drive.sampleCount) samples")
        }
        var copy = self
        let n = drive.sampleCount
        // Outputs: keep the true ones where they exist (only the first k are used, for the initial state).
        var outputs = [Double](repeating: 0, count: n * outputCount)
        for i in 0..<min(n, sampleCount) * outputCount { outputs[i] = self.outputs[i] }
        if n > sampleCount { for i in (sampleCount * outputCount)..<(n * outputCount) { outputs[i] = self.outputs[self.outputs.count - outputCount + i % outputCount] } }
        copy.sampleCount = n
        copy.outputs = outputs
        copy.inputs = drive.inputs
        copy.inputCount = drive.inputCount
        copy.inputNames = drive.inputNames
        copy.inputUnits = drive.inputUnits
        copy.name = name
        return copy
    }
}

extension Trace {
    /// A trace in the same schema whose outputs are `predictions` (sample-major, as `original`'s
    /// outputs) and whose inputs are those that drove the prediction.
    public init(prediction predictions: [Double], of original: RawTrace, t0: Double = 0, description: String) {
        self.init(name: original.name, sampling: .uniform(t0: t0, dt: original.sampleInterval),
                  inputs: Matrix(rows: original.inputCount > 0 ? original.sampleCount : 0, columns: original.inputCount,
                                 storage: original.inputCount > 0 ? original.inputs : []),
                  outputs: Matrix(rows: original.sampleCount, columns: original.outputCount, storage: predictions),
                  parameters: original.parameters, inputNames: original.inputNames, outputNames: original.outputNames,
                  parameterNames: original.parameterNames, inputUnits: original.inputUnits, outputUnits: original.outputUnits,
                  parameterUnits: original.parameterNames.map { _ in "" }, description: description)
    }
}
