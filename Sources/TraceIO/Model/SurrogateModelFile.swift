import Numerics

/// Everything a trained surrogate is, as plain data: architecture, weights, normalisation,
/// sampling and provenance. No behaviour; `Surrogate` builds the vector field from it, `spinode
/// export` writes it for NumPy and PyTorch. The quantities are those of docs/surrogate-model.md
/// (Chen et al., Nat. Commun. 13, 1016 (2022)); the HDF5 layout is docs/model-file.md.
public struct SurrogateModelFile: Equatable, Sendable {
    public static let format = "spinode-model"
    public static let version = 1

    /// Activation of one MLP layer.
    public enum Activation: String, CaseIterable, Sendable {
        case tanh, softplus, relu, identity
    }

    /// How inputs are evaluated between samples: held (`zoh`, sample times are jumps), linear,
    /// or a natural cubic spline through the samples.
    public enum InputInterpolation: String, CaseIterable, Sendable {
        case zoh, linear, cubic
    }

    /// One layer h = act(W h_prev + b), W of shape [out, in] as torch.nn.Linear stores it.
    public struct Layer: Equatable, Sendable {
        public var weight: Matrix
        public var bias: [Double]
        public var activation: Activation
        public init(weight: Matrix, bias: [Double], activation: Activation) {
            self.weight = weight
            self.bias = bias
            self.activation = activation
        }
    }

    /// Per-channel normalisation x~ = (x - mean) / std, learned from the training traces.
    public struct Normalisation: Equatable, Sendable {
        public var outputMean: [Double], outputStd: [Double]
        public var inputMean: [Double], inputStd: [Double]
        public var parameterMean: [Double], parameterStd: [Double]
        public init(outputMean: [Double], outputStd: [Double], inputMean: [Double] = [], inputStd: [Double] = [],
                    parameterMean: [Double] = [], parameterStd: [Double] = []) {
            self.outputMean = outputMean
            self.outputStd = outputStd
            self.inputMean = inputMean
            self.inputStd = inputStd
            self.parameterMean = parameterMean
            self.parameterStd = parameterStd
        }
        /// The identity normalisation (mean 0, std 1) for the given channel counts.
        public static func identity(outputs: Int, inputs: Int, parameters: Int) -> Normalisation {
            Normalisation(outputMean: .init(repeating: 0, count: outputs), outputStd: .init(repeating: 1, count: outputs),
                          inputMean: .init(repeating: 0, count: inputs), inputStd: .init(repeating: 1, count: inputs),
                          parameterMean: .init(repeating: 0, count: parameters),
                          parameterStd: .init(repeating: 1, count: parameters))
        }
    }

    /// Samples [start, start + count) of a trace used in training.
    public struct TrainingWindow: Equatable, Sendable {
        public var trace: String
        public var start: Int
        public var count: Int
        public init(trace: String, start: Int, count: Int) {
            self.trace = trace
            self.start = start
            self.count = count
        }
    }

    /// Where the model came from, so a result can be traced back to data and settings.
    public struct Provenance: Equatable, Sendable {
        /// Path of the trace file as given at training time.
        public var traceFile: String
        /// SHA-256 of the trace file's bytes (lower-case hex), "" if unknown.
        public var traceFileSHA256: String
        /// Traces used (training and validation).
        public var traceNames: [String]
        /// Windows drawn for training (may be empty when too many to store).
        public var windows: [TrainingWindow]
        /// Seed of every random choice in training.
        public var seed: UInt64
        /// Optimiser name ("adam") and settings (learning_rate, beta1, beta2, batch_size, iterations, ...).
        public var optimiser: String
        public var optimiserSettings: [String: Double]
        /// Final metrics (e.g. train_mse, validation_nrmse).
        public var metrics: [String: Double]
        /// SpinODE version that trained the model.
        public var toolkitVersion: String
        /// Creation time, ISO 8601 UTC ("2026-11-29T10:00:00Z").
        public var created: String

        public init(traceFile: String = "", traceFileSHA256: String = "", traceNames: [String] = [],
                    windows: [TrainingWindow] = [], seed: UInt64 = 0, optimiser: String = "",
                    optimiserSettings: [String: Double] = [:], metrics: [String: Double] = [:],
                    toolkitVersion: String = "", created: String = "") {
            self.traceFile = traceFile
            self.traceFileSHA256 = traceFileSHA256
            self.traceNames = traceNames
            self.windows = windows
            self.seed = seed
            self.optimiser = optimiser
            self.optimiserSettings = optimiserSettings
            self.metrics = metrics
            self.toolkitVersion = toolkitVersion
            self.created = created
        }
    }

    /// Delay-embedding order k (paper: 2).
    public var embeddingOrder: Int
    /// Number of latent (augmented) state components, starting at 0.
    public var augment: Int
    public var outputCount: Int
    public var inputCount: Int
    public var parameterCount: Int
    public var layers: [Layer]
    public var inputInterpolation: InputInterpolation
    /// Seconds between samples (dt_s).
    public var sampleInterval: Double
    /// Seconds per unit of normalised time tau = t / time_scale (default 40 sample intervals).
    public var timeScale: Double
    public var outputNames: [String]
    public var inputNames: [String]
    public var parameterNames: [String]
    public var outputUnits: [String]
    public var inputUnits: [String]
    public var parameterUnits: [String]
    public var normalisation: Normalisation
    /// Fixed linear part A of dy/dtau = MLP(v) + A y, n x n; nil = 0.
    public var linearTerm: Matrix?
    public var provenance: Provenance
    /// The command line that trained the model, free-form.
    public var trainingCommand: String
    /// Members 2 ... N of an ensemble model (the root's network is member 1); empty for a single model
    /// (docs/model-file.md, "Ensembles").
    public var otherMembers: [EnsembleMember] = []
    /// The trust flag's calibration of an ensemble model, or nil.
    public var trust: TrustCalibration?

    public init(embeddingOrder: Int, augment: Int, outputCount: Int, inputCount: Int, parameterCount: Int,
                layers: [Layer], inputInterpolation: InputInterpolation, sampleInterval: Double, timeScale: Double? = nil,
                outputNames: [String]? = nil, inputNames: [String]? = nil, parameterNames: [String]? = nil,
                outputUnits: [String]? = nil, inputUnits: [String]? = nil, parameterUnits: [String]? = nil,
                normalisation: Normalisation? = nil, linearTerm: Matrix? = nil, provenance: Provenance = Provenance(),
                trainingCommand: String = "") {
        self.embeddingOrder = embeddingOrder
        self.augment = augment
        self.outputCount = outputCount
        self.inputCount = inputCount
        self.parameterCount = parameterCount
        self.layers = layers
        self.inputInterpolation = inputInterpolation
        self.sampleInterval = sampleInterval
        self.timeScale = timeScale ?? 40 * sampleInterval
        self.outputNames = outputNames ?? (0..<outputCount).map { "x\($0)" }
        self.inputNames = inputNames ?? (0..<inputCount).map { "u\($0)" }
        self.parameterNames = parameterNames ?? (0..<parameterCount).map { "p\($0)" }
        self.outputUnits = outputUnits ?? Array(repeating: "", count: outputCount)
        self.inputUnits = inputUnits ?? Array(repeating: "", count: inputCount)
        self.parameterUnits = parameterUnits ?? Array(repeating: "", count: parameterCount)
        self.normalisation = normalisation
            ?? .identity(outputs: outputCount, inputs: inputCount, parameters: parameterCount)
        self.linearTerm = linearTerm
        self.provenance = provenance
        self.trainingCommand = trainingCommand
    }

    /// State dimension n = k n_out + augment.
    public var stateDimension: Int { embeddingOrder * outputCount + augment }
    /// Network input length n + k n_in + n_par.
    public var networkInputDimension: Int { stateDimension + embeddingOrder * inputCount + parameterCount }
    /// [input width, layer 1 out, ..., layer L out].
    public var layerWidths: [Int] { [layers.first?.weight.columns ?? networkInputDimension] + layers.map { $0.weight.rows } }
    /// Number of trainable values (weights and biases).
    public var weightCount: Int { layers.reduce(0) { $0 + $1.weight.count + $1.bias.count } }

    /// Checks every count, shape and value; errors name `file` and the HDF5 object of
    /// docs/model-file.md that holds the offending data.
    public func validate(file: String = "<memory>") throws {
        func bad(_ object: String, _ detail: String) -> TraceIOError { .invalidValue(file: file, object: object, detail: detail) }
        guard embeddingOrder >= 1 else { throw bad("/ attribute 'embedding_order'", "must be >= 1, got \(embeddingOrder)") }
        guard augment >= 0 else { throw bad("/ attribute 'augment'", "must be >= 0, got \(augment)") }
        guard outputCount >= 1 else { throw bad("/ attribute 'n_out'", "must be >= 1, got \(outputCount)") }
        guard inputCount >= 0 else { throw bad("/ attribute 'n_in'", "must be >= 0, got \(inputCount)") }
        guard parameterCount >= 0 else { throw bad("/ attribute 'n_par'", "must be >= 0, got \(parameterCount)") }
        guard sampleInterval.isFinite, sampleInterval > 0 else {
            throw TraceIOError.invalidSampling(file: file, object: "/ attribute 'sample_interval'", dt: sampleInterval)
        }
        guard timeScale.isFinite, timeScale > 0 else {
            throw bad("/ attribute 'time_scale'", "time scale \(timeScale) s must be positive and finite")
        }
        guard !layers.isEmpty else { throw TraceIOError.missingObject(file: file, object: "/mlp/layer1") }
        var width = networkInputDimension
        for (l, layer) in layers.enumerated() {
            let object = "/mlp/layer\(l + 1)"
            guard layer.weight.columns == width else {
                throw bad(object + "/weight", "has shape [\(layer.weight.rows), \(layer.weight.columns)], expected [_, \(width)] ("
                          + (l == 0 ? "n + k n_in + n_par = \(networkInputDimension)" : "layer \(l) output width") + ")")
            }
            guard layer.bias.count == layer.weight.rows else {
                throw TraceIOError.lengthMismatch(file: file, object: object + "/bias", expected: layer.weight.rows,
                                                  found: layer.bias.count, reference: object + "/weight rows")
            }
            try Trace.checkFinite(layer.weight.storage, file: file, object: object + "/weight")
            try Trace.checkFinite(layer.bias, file: file, object: object + "/bias")
            width = layer.weight.rows
        }
        guard width == stateDimension else {
            throw bad("/mlp/layer\(layers.count)/weight",
                      "last layer has \(width) outputs, expected the state dimension k n_out + augment = \(stateDimension)")
        }
        let lists: [(String, Int, Int)] = [
            ("output_names", outputNames.count, outputCount), ("input_names", inputNames.count, inputCount),
            ("parameter_names", parameterNames.count, parameterCount), ("output_units", outputUnits.count, outputCount),
            ("input_units", inputUnits.count, inputCount), ("parameter_units", parameterUnits.count, parameterCount),
        ]
        for (name, found, expected) in lists where found != expected {
            throw TraceIOError.lengthMismatch(file: file, object: "/ attribute '\(name)'", expected: expected, found: found,
                                              reference: "the channel count")
        }
        let n = normalisation
        let vectors: [(String, [Double], Int, Bool)] = [
            ("output_mean", n.outputMean, outputCount, false), ("output_std", n.outputStd, outputCount, true),
            ("input_mean", n.inputMean, inputCount, false), ("input_std", n.inputStd, inputCount, true),
            ("parameter_mean", n.parameterMean, parameterCount, false), ("parameter_std", n.parameterStd, parameterCount, true),
        ]
        for (name, values, expected, isStd) in vectors {
            let object = "/normalisation/" + name
            guard values.count == expected else {
                throw TraceIOError.lengthMismatch(file: file, object: object, expected: expected, found: values.count,
                                                  reference: "the channel count")
            }
            try Trace.checkFinite(values, file: file, object: object)
            if isStd, let i = values.firstIndex(where: { $0 <= 0 }) {
                throw bad(object, "std[\(i)] = \(values[i]) must be positive")
            }
        }
        if let a = linearTerm {
            guard a.rows == stateDimension, a.columns == stateDimension else {
                throw bad("/linear_term", "has shape [\(a.rows), \(a.columns)], expected [\(stateDimension), \(stateDimension)]")
            }
            try Trace.checkFinite(a.storage, file: file, object: "/linear_term")
        }
        let hash = provenance.traceFileSHA256
        guard hash.isEmpty || (hash.count == 64 && hash.allSatisfy { $0.isHexDigit }) else {
            throw bad("/provenance attribute 'trace_file_sha256'", "'\(hash)' is not a 64-digit hex SHA-256")
        }
        for (i, w) in provenance.windows.enumerated() where w.start < 0 || w.count < 1 {
            throw bad("/provenance/windows", "window \(i) [\(w.start), \(w.start + w.count)) is malformed")
        }
        try validateEnsemble(file: file)
    }
}
