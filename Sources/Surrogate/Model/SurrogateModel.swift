import Numerics
import NeuralNet

/// A trained (or freshly initialised) Spin-Neural ODE surrogate: everything needed to run it
/// (docs/surrogate-model.md; Chen et al., Nat. Commun. 13, 1016 (2022)).
///
///     dy/dtau = MLP([y, u~ delays, p~]) + A y,    tau = t / timeScale,
///
/// y the delay-embedded normalised state (`DelayEmbedding`), the inputs u~ read between samples by
/// `interpolation` at t, t + dt, ..., t + (k-1) dt, p~ the normalised static parameters, A the optional
/// fixed linear term. One sample is d_tau = sampleInterval / timeScale (0.025 for the default time
/// scale 40 dt, the paper's value).
public struct SurrogateModel: Sendable, Equatable {
    public var embedding: DelayEmbedding
    /// Input channels n_in (drive signals).
    public var inputCount: Int
    /// Static parameters n_par.
    public var parameterCount: Int
    /// Sample interval of the traces, seconds.
    public var sampleInterval: Double
    /// Time unit of the ODE, seconds (tau = t / timeScale).
    public var timeScale: Double
    public var interpolation: InterpolationKind
    public var normalisation: Normalisation
    public var mlp: MLP
    /// Fixed linear part A (n x n), or nil for A = 0.
    public var linearTerm: Matrix?
    /// Channel names and units, carried to prediction files.
    public var outputNames: [String]
    public var inputNames: [String]
    public var parameterNames: [String]
    public var outputUnits: [String]
    public var inputUnits: [String]

    /// The paper's time scale: 40 samples per unit of tau, d_tau = 0.025 per sample.
    public static let defaultSamplesPerTimeUnit = 40.0

    public init(embedding: DelayEmbedding, inputCount: Int, parameterCount: Int, sampleInterval: Double,
                timeScale: Double, interpolation: InterpolationKind, normalisation: Normalisation, mlp: MLP,
                linearTerm: Matrix? = nil, outputNames: [String]? = nil, inputNames: [String]? = nil,
                parameterNames: [String]? = nil, outputUnits: [String]? = nil, inputUnits: [String]? = nil) throws {
        self.embedding = embedding
        self.inputCount = inputCount
        self.parameterCount = parameterCount
        self.sampleInterval = sampleInterval
        self.timeScale = timeScale
        self.interpolation = interpolation
        self.normalisation = normalisation
        self.mlp = mlp
        self.linearTerm = linearTerm
        self.outputNames = outputNames ?? (0..<embedding.outputCount).map { "x\($0)" }
        self.inputNames = inputNames ?? (0..<inputCount).map { "u\($0)" }
        self.parameterNames = parameterNames ?? (0..<parameterCount).map { "p\($0)" }
        self.outputUnits = outputUnits ?? Array(repeating: "", count: embedding.outputCount)
        self.inputUnits = inputUnits ?? Array(repeating: "", count: inputCount)
        try validate()
    }

    /// A fresh model with an MLP of hidden widths `hidden` (activation `activation` on hidden layers,
    /// identity on the output), drawn by `initialisation` from `seed`. Paper: hidden [50, 50], tanh,
    /// N(0, 0.1).
    public static func initial(embedding: DelayEmbedding, inputCount: Int, parameterCount: Int,
                               sampleInterval: Double, timeScale: Double? = nil,
                               interpolation: InterpolationKind = .cubic, normalisation: Normalisation,
                               hidden: [Int] = [50, 50], activation: Activation = .tanh,
                               initialisation: MLPInitialisation = .paper, seed: UInt64,
                               linearTerm: Matrix? = nil) throws -> SurrogateModel {
        let n = embedding.stateDimension
        let width = n + embedding.extraInputCount(inputCount: inputCount, parameterCount: parameterCount)
        let widths = [width] + hidden + [n]
        let activations = Array(repeating: activation, count: hidden.count) + [.identity]
        let mlp: MLP
        do {
            mlp = try MLP(widths: widths, activations: activations, initialisation: initialisation, seed: seed)
        } catch {
            throw SurrogateError.invalidOption("network \(widths): \(error)")
        }
        return try SurrogateModel(embedding: embedding, inputCount: inputCount, parameterCount: parameterCount,
                                  sampleInterval: sampleInterval,
                                  timeScale: timeScale ?? defaultSamplesPerTimeUnit * sampleInterval,
                                  interpolation: interpolation, normalisation: normalisation, mlp: mlp,
                                  linearTerm: linearTerm)
    }

    /// State dimension n = k n_out + n_aug.
    public var stateDimension: Int { embedding.stateDimension }
    /// Extra network inputs per state: k n_in + n_par.
    public var extraInputCount: Int { embedding.extraInputCount(inputCount: inputCount, parameterCount: parameterCount) }
    /// One sample in units of tau: d_tau = sampleInterval / timeScale.
    public var sampleStep: Double { sampleInterval / timeScale }
    /// Samples per unit of tau: timeScale / sampleInterval.
    public var samplesPerTimeUnit: Double { timeScale / sampleInterval }

    /// Checks shapes and values against each other.
    public func validate() throws {
        let n = stateDimension
        guard sampleInterval > 0, sampleInterval.isFinite else {
            throw SurrogateError.invalidModel("sample interval must be positive and finite, got \(sampleInterval) s")
        }
        guard timeScale > 0, timeScale.isFinite else {
            throw SurrogateError.invalidModel("time scale must be positive and finite, got \(timeScale) s")
        }
        guard inputCount >= 0, parameterCount >= 0 else {
            throw SurrogateError.invalidModel("negative channel counts: \(inputCount) inputs, \(parameterCount) parameters")
        }
        guard mlp.inputWidth == n + extraInputCount, mlp.outputWidth == n else {
            throw SurrogateError.invalidModel(
                "network \(mlp.widths) does not fit state dimension \(n) with \(extraInputCount) extra inputs (needs \(n + extraInputCount) -> \(n))")
        }
        guard normalisation.outputMean.count == embedding.outputCount, normalisation.inputMean.count == inputCount,
              normalisation.parameterMean.count == parameterCount else {
            throw SurrogateError.invalidModel(
                "normalisation has \(normalisation.outputMean.count) outputs, \(normalisation.inputMean.count) inputs, \(normalisation.parameterMean.count) parameters; the model \(embedding.outputCount), \(inputCount), \(parameterCount)")
        }
        if let a = linearTerm, a.rows != n || a.columns != n {
            throw SurrogateError.invalidModel("linear term must be \(n) x \(n), got \(a.rows) x \(a.columns)")
        }
        guard outputNames.count == embedding.outputCount, inputNames.count == inputCount,
              parameterNames.count == parameterCount else {
            throw SurrogateError.invalidModel("channel names do not match the channel counts")
        }
        if let j = mlp.parameters.firstIndex(where: { !$0.isFinite }) {
            throw SurrogateError.nonFinite("network parameter \(j) is \(mlp.parameters[j])")
        }
    }
}
