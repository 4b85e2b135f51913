import Devices
import TraceIO

/// A trained surrogate as a `Device`, so every reservoir task runs on it exactly as on the physical
/// reference devices (the paper's use of the Spin-Neural ODE: reservoir computing on the surrogate,
/// Chen et al., Nat. Commun. 13, 1016 (2022), Figs. 3 and 4).
///
/// Input units are those of the model's input channel `inputChannel` (SI, as in the training traces);
/// other input channels are held at their training mean. `inputs[b][n]` is the input sample at t_n = n dt
/// (dt = the model's sample interval); between samples the model's own interpolation applies (the rule
/// it was trained with; with `zoh` the value is held over [t_n, t_{n+1}) as the protocol states).
/// Output: channel `outputChannel` of the free-running prediction at t_{n+1}, in its SI units.
///
/// Every copy starts from the same embedded state, built from `initialOutputs` (k samples x n_out,
/// sample-major, SI; default: every sample at the training output mean, the normalised origin).
/// The delay embedding looks ahead: the state at t_n holds x(t_n) ... x(t_{n+k-1}) and the network reads
/// u(t_n) ... u(t_{n+k-1}). Reading the output from the first delay (as `spinode predict` does) would
/// make the output at t_{n+1} depend on inputs up to u_{n+k-1}, k - 1 samples into the future; in a
/// time-multiplexed reservoir the last virtual node of one task input would then see the next input.
/// The device therefore reads the last delay (`FreeRunPrediction.Readout.lastDelay`): the output at
/// t_{n+1} is y_{k-1}(t_{n+2-k}), which under `zoh` depends on inputs[0 ... n] only, as the physical
/// device's does (test: `SurrogateDeviceTests.testOutputIsCausal`). With `cubic` or `linear` input
/// interpolation the spline still reaches a little ahead; train device surrogates on piecewise-constant
/// drives with `--interpolation zoh`. All copies of one call run as one batch (one network pass per
/// stage for all of them).
///
/// An ensemble model's device answers with the mean of its members' outputs (each member run as above;
/// `EnsemblePrediction.mean`), or one member's (`init(modelFile:member:)`).
public final class SurrogateDevice: Device {
    public let model: SurrogateModel
    /// Every member (`model` first), read through the last delay.
    let ensemble: EnsemblePrediction
    public let solver: SurrogateSolver
    public var name: String
    public var sampleInterval: Double { model.sampleInterval }
    public let inputChannel: Int
    public let outputChannel: Int
    /// Static parameters (SI) fed to the network.
    public let parameters: [Double]
    /// Initial outputs x(t_0) ... x(t_{k-1}), sample-major (k x n_out), SI.
    public let initialOutputs: [Double]

    public init(model: SurrogateModel, name: String = "surrogate", solver: SurrogateSolver = .paper,
                inputChannel: Int = 0, outputChannel: Int = 0, parameters: [Double]? = nil,
                initialOutputs: [Double]? = nil, otherMembers: [SurrogateModel] = [],
                precision: TrainingPrecision = .float64) throws {
        var ensemble = try EnsemblePrediction(members: [model] + otherMembers, solver: solver)
        ensemble.readout = .lastDelay
        ensemble.precision = precision
        self.ensemble = ensemble
        let k = model.embedding.order, nOut = model.embedding.outputCount
        guard model.inputCount >= 1 else { throw SurrogateError.invalidModel("a surrogate device needs a model with at least one input channel") }
        guard (0..<model.inputCount).contains(inputChannel) else {
            throw SurrogateError.invalidOption("input channel \(inputChannel) outside 0..<\(model.inputCount)")
        }
        guard (0..<nOut).contains(outputChannel) else {
            throw SurrogateError.invalidOption("output channel \(outputChannel) outside 0..<\(nOut)")
        }
        let p = parameters ?? model.normalisation.parameterMean
        guard p.count == model.parameterCount else {
            throw SurrogateError.invalidOption("the model takes \(model.parameterCount) static parameters, got \(p.count)")
        }
        var x0 = [Double]()
        if let given = initialOutputs {
            guard given.count == k * nOut else {
                throw SurrogateError.invalidOption("initial outputs need k x n_out = \(k * nOut) values (sample-major), got \(given.count)")
            }
            x0 = given
        } else {
            for _ in 0..<k { x0 += model.normalisation.outputMean }
        }
        self.model = model
        self.name = name
        self.solver = solver
        self.inputChannel = inputChannel
        self.outputChannel = outputChannel
        self.parameters = p
        self.initialOutputs = x0
    }

    /// A device from a model file (docs/model-file.md): every member of an ensemble (their mean), or
    /// member `member` (0 ... N - 1) alone.
    public convenience init(modelFile path: String, member: Int? = nil, solver: SurrogateSolver = .paper,
                            precision: TrainingPrecision = .float64) throws {
        let file = try SurrogateModelFile.read(path)
        let models = try (member.map { [$0] } ?? Array(0..<file.memberCount)).map { try SurrogateModel(file: file.member($0, of: path)) }
        let label = member.map { " member \($0)" } ?? (models.count > 1 ? " (mean of \(models.count) members)" : "")
        try self.init(model: models[0], name: "surrogate \(path)" + label + (precision == .float32 ? ", float32 network" : ""),
                      solver: solver, otherMembers: Array(models.dropFirst()),
                      precision: precision)
    }

    public func respond(to inputs: [[Double]]) throws -> [[Double]] {
        let k = model.embedding.order, nOut = model.embedding.outputCount, nIn = model.inputCount
        var runs = [RawTrace]()
        runs.reserveCapacity(inputs.count)
        for (b, u) in inputs.enumerated() {
            guard !u.isEmpty else { runs.append(try emptyRun(b)); continue }
            // Samples t_0 ... t_N: N + 1 states for N outputs; at least k + 1 samples for the embedding.
            let samples = max(u.count + 1, k + 1)
            var driven = [Double](repeating: 0, count: samples * nIn)
            for i in 0..<samples {
                for j in 0..<nIn { driven[i * nIn + j] = model.normalisation.inputMean[j] }
                driven[i * nIn + inputChannel] = u[min(i, u.count - 1)]
            }
            var outputs = [Double](repeating: 0, count: samples * nOut)
            for i in 0..<samples { for c in 0..<nOut { outputs[i * nOut + c] = initialOutputs[min(i, k - 1) * nOut + c] } }
            runs.append(try RawTrace(name: "copy \(b)", sampleInterval: model.sampleInterval, outputs: outputs, outputCount: nOut,
                                     inputs: driven, inputCount: nIn, parameters: parameters))
        }
        let perMember = try ensemble.memberPredictions(runs)
        let predictions = runs.indices.map { b in EnsemblePrediction.mean(perMember.map { $0[b] }) }
        return inputs.indices.map { b in
            (0..<inputs[b].count).map { n in predictions[b][(n + 1) * nOut + outputChannel] }
        }
    }

    /// A placeholder run for an empty input sequence (its prediction is never read).
    private func emptyRun(_ b: Int) throws -> RawTrace {
        let k = model.embedding.order, nOut = model.embedding.outputCount, nIn = model.inputCount
        return try RawTrace(name: "copy \(b)", sampleInterval: model.sampleInterval,
                            outputs: [Double](repeating: 0, count: (k + 1) * nOut), outputCount: nOut,
                            inputs: [Double](repeating: 0, count: (k + 1) * nIn), inputCount: nIn, parameters: parameters)
    }
}
