import NeuralNet

/// Which state components the training loss compares with the truth.
public enum ObservedComponents: String, Sendable, Codable, CaseIterable {
    /// The first delay of each output channel (components c k): the measured outputs themselves.
    case firstDelay = "first-delay"
    /// Every embedded component (all k delays of every channel), as the paper's MSE over the state
    /// (Chen et al., Nat. Commun. 13, 1016 (2022), Methods).
    case allEmbedded = "all-embedded"
}

extension ObservedComponents {
    /// Which of the n state components of `embedding` the loss compares.
    func mask(of embedding: DelayEmbedding) -> [Bool] {
        var mask = [Bool](repeating: false, count: embedding.stateDimension)
        switch self {
        case .firstDelay: for c in 0..<embedding.outputCount { mask[embedding.stateIndex(channel: c, delay: 0)] = true }
        case .allEmbedded: for q in 0..<embedding.embeddedCount { mask[q] = true }
        }
        return mask
    }
}

/// How the surrogate ODE is integrated, in normalised time tau.
public enum SurrogateSolver: Sendable, Equatable, Codable {
    /// Classical RK4 with `stepsPerSample` equal steps per sample interval (1: the paper's fixed RK4 on
    /// the sample grid, Chen et al., Nat. Commun. 13, 1016 (2022), Methods).
    case fixedRK4(stepsPerSample: Int)
    /// Adaptive Dormand-Prince 5(4) with relative and absolute tolerances (normalised units).
    case adaptiveDormandPrince(rtol: Double, atol: Double)
    /// Adaptive Tsitouras 5(4).
    case adaptiveTsitouras(rtol: Double, atol: Double)

    /// The paper's setting.
    public static let paper = SurrogateSolver.fixedRK4(stepsPerSample: 1)

    public var isAdaptive: Bool {
        if case .fixedRK4 = self { return false }
        return true
    }
}

/// How the gradient of the window loss is computed.
public enum GradientMethod: String, Sendable, Codable, CaseIterable {
    /// Reverse-mode differentiation of the solver's own steps (exact gradient of the discrete loss).
    case discreteAdjoint = "discrete"
    /// The continuous adjoint ODE integrated backwards (Chen et al., NeurIPS 2018), as torchdiffeq's
    /// `odeint_adjoint`, the paper's method; accurate to the solver's tolerance.
    case continuousAdjoint = "continuous"
}

/// Which data judge the model during training.
public enum ValidationData: Sendable, Equatable, Codable {
    /// Free-running prediction over each whole training trace (the paper's criterion).
    case trainingTraces
    /// The last `fraction` of every training trace is held out of training and predicted free-running.
    case heldOutTail(fraction: Double)
    /// The last `fraction` of every training trace is held out of training; validation predicts the last
    /// `count` stretches of that length of every trace free-running, each from its true initial state
    /// (the held-out tail and the `count` - 1 trained stretches before it), and scores their mean.
    case lastBlocks(fraction: Double, count: Int)
    /// The named traces are held out of training and predicted free-running.
    case heldOutTraces(names: [String])
    /// No validation: the final model is the last iterate.
    case none
}

extension ValidationData {
    /// Traces at least this long (samples) are validated on a held-out tail by `automatic`.
    public static let automaticTailMinimumSamples = 5000
    /// The held-out fraction `automatic` uses.
    public static let automaticTailFraction = 0.1
    /// The held-out fraction `automatic` uses for the members of an ensemble (`fit --ensemble`): the tail
    /// also calibrates the trust threshold, and a 10 % tail (5 ns of the skyrmion disk) gave a threshold
    /// that the members' spread crossed on held-out data the ensemble predicted well (docs/surrogate-model.md).
    public static let automaticEnsembleTailFraction = 0.2

    /// The stretches `automatic` validates (the held-out tail and the three before it).
    public static let automaticBlocks = 4

    /// `spinode fit`'s default validation for traces of `sampleCounts` samples, when the shortest trace has
    /// at least 5,000 samples: the last `tailFraction` (10 %) of every trace held out of training, and the
    /// free runs over the last `blocks` (4) stretches of that length scored (the held-out one and the three
    /// trained ones before it: four times the data of the tail alone, so the choice of the kept iterate
    /// is less a matter of chance). Ensemble members use a 20 % tail alone. Shorter traces: a free run over
    /// the whole training traces (the paper's criterion; a shorter trace cannot spare a tail).
    /// docs/training.md gives the measurements behind the rule.
    public static func automatic(sampleCounts: [Int], tailFraction: Double = automaticTailFraction,
                                 blocks: Int = automaticBlocks) -> ValidationData {
        guard let shortest = sampleCounts.min(), shortest >= automaticTailMinimumSamples else { return .trainingTraces }
        return blocks > 1 ? .lastBlocks(fraction: tailFraction, count: blocks) : .heldOutTail(fraction: tailFraction)
    }
}

/// Every setting of a surrogate fit. Defaults are the paper's (Chen et al., Nat. Commun. 13, 1016
/// (2022), Methods): k = 2, MLP [2k] -> 50 -> 50 -> k with tanh, N(0, 0.1) weights, windows of 20
/// samples, 50 per minibatch, RK4 on the sample grid, Adam 1e-3; except the gradient, which defaults
/// to the exact discrete adjoint.
public struct FitOptions: Sendable, Equatable, Codable {
    // Model.
    public var embeddingOrder = 2
    public var augment = 0
    public var hidden = [50, 50]
    public var activation: String = Activation.tanh.rawValue
    /// Standard deviation of the normal initialisation of weights and biases.
    public var initialisationSigma = 0.1
    public var interpolation: InterpolationKind = .cubic
    /// Time scale (seconds); nil = 40 sample intervals.
    public var timeScale: Double? = nil

    // Training.
    public var windowLength = 20
    public var batchSize = 50
    public var iterations = 1000
    public var learningRate = 1e-3
    /// Learning-rate decay: multiply by `decayFactor` every `decayInterval` iterations (0 = constant).
    public var decayInterval = 0
    public var decayFactor = 0.5
    public var maxGradientNorm: Double? = nil
    public var observed: ObservedComponents = .allEmbedded
    public var solver: SurrogateSolver = .paper
    public var gradient: GradientMethod = .discreteAdjoint
    public var seed: UInt64 = 0
    /// Gaussian noise (normalised units) on the inputs and the initial states of training windows.
    public var inputNoise = 0.0
    public var stateNoise = 0.0
    /// Arithmetic of the fused sample-grid RK4 kernel (`FusedSampleGridRK4`): float64 (default) or
    /// float32 (parameters, Adam and the loss stay Float64). float32 needs the fused kernel: fixed RK4
    /// and a network of tanh / relu / identity layers without a linear term.
    public var precision: TrainingPrecision {
        get { precisionSetting ?? .float64 }
        set { precisionSetting = newValue }
    }
    /// Threads of the fused sample-grid RK4 kernel: the windows are split into this many groups, each
    /// integrated and differentiated by its own thread; the gradients are added in group order
    /// (bit-for-bit reproducible for a given thread count).
    public var threads: Int {
        get { threadsSetting ?? 1 }
        set { threadsSetting = newValue }
    }
    /// Register width the fused kernel's lane vectors are laid out for (`LaneVectorWidth`; default
    /// `automatic`: 512 bits on an AVX-512 build, 256 otherwise). The widths agree to rounding; a
    /// run is bit-for-bit reproducible for a given width.
    public var laneVectorWidth: LaneVectorWidth {
        get { laneVectorWidthSetting ?? .automatic }
        set { laneVectorWidthSetting = newValue }
    }
    // Stored as optionals so checkpoints written before these settings existed still decode.
    var precisionSetting: TrainingPrecision?
    var threadsSetting: Int?
    var laneVectorWidthSetting: LaneVectorWidth?

    // Validation and stopping.
    public var validation: ValidationData = .trainingTraces
    /// Validate every this many iterations (the paper: 100).
    public var validationInterval = 100
    /// Stop when the validation NRMSE (mean over channels and segments) reaches this value.
    public var targetNRMSE: Double? = nil
    /// Stop after this many validations without improvement (nil: never).
    public var patience: Int? = nil
    /// Learning-rate reduction on a validation plateau and the convergence stop (nil: off). Stored as
    /// an optional so checkpoints written before it existed still decode (as off).
    public var plateau: PlateauSchedule? = nil

    public init() {}

    /// Checks every option on its own and against the others; every real number must be finite
    /// (NaN fails every comparison, so each check is written as the condition that must hold).
    public func validate() throws {
        func need(_ ok: Bool, _ message: @autoclosure () -> String) throws {
            if !ok { throw SurrogateError.invalidOption(message()) }
        }
        try need(embeddingOrder >= 1, "embedding order must be >= 1, got \(embeddingOrder)")
        try need(augment >= 0, "augment must be >= 0, got \(augment)")
        try need(!hidden.isEmpty && hidden.allSatisfy { $0 > 0 }, "hidden widths must be positive, got \(hidden)")
        try need(Activation(rawValue: activation) != nil, "activation '\(activation)' is not one of tanh, softplus, relu, identity")
        try need(initialisationSigma > 0 && initialisationSigma.isFinite, "initialisation sigma must be > 0, got \(initialisationSigma)")
        try need(timeScale.map { $0 > 0 && $0.isFinite } ?? true, "time scale must be positive, got \(timeScale ?? 0)")
        try need(windowLength >= 2, "window length must be >= 2 samples, got \(windowLength)")
        try need(batchSize >= 1, "batch size must be >= 1, got \(batchSize)")
        try need(iterations >= 0, "iterations must be >= 0, got \(iterations)")
        try need(learningRate > 0 && learningRate.isFinite, "learning rate must be > 0, got \(learningRate)")
        try need(decayInterval >= 0 && decayFactor > 0 && decayFactor.isFinite, "learning-rate decay interval \(decayInterval), factor \(decayFactor)")
        try need(maxGradientNorm.map { $0 > 0 && $0.isFinite } ?? true, "gradient clipping norm must be > 0, got \(maxGradientNorm ?? 0)")
        try need(inputNoise >= 0 && inputNoise.isFinite && stateNoise >= 0 && stateNoise.isFinite, "noise levels must be >= 0, got \(inputNoise), \(stateNoise)")
        try need(validationInterval >= 1, "validation interval must be >= 1, got \(validationInterval)")
        try need(patience.map { $0 >= 1 } ?? true, "patience must be >= 1, got \(patience ?? 0)")
        try need(targetNRMSE.map { $0 > 0 && $0.isFinite } ?? true, "target NRMSE must be finite and > 0, got \(targetNRMSE ?? 0)")
        try need(threads >= 1, "threads must be >= 1, got \(threads)")
        if let p = plateau {
            try need(p.patience >= 1, "plateau patience must be >= 1 validations, got \(p.patience)")
            try need(p.factor > 0 && p.factor < 1, "plateau factor must be in (0, 1), got \(p.factor)")
            try need(p.maxReductions >= 0, "plateau reductions must be >= 0, got \(p.maxReductions)")
            try need(validation != .none, "a learning-rate plateau needs validation data (not none)")
        }
        if precision == .float32 {
            try need(!solver.isAdaptive, "precision float32 needs the fixed RK4 solver (the fused kernel); adaptive solvers run in float64")
            try need(activation != Activation.softplus.rawValue, "precision float32 needs tanh, relu or identity layers (softplus runs in float64)")
        }
        switch solver {
        case .fixedRK4(let m): try need(m >= 1, "RK4 steps per sample must be >= 1, got \(m)")
        case .adaptiveDormandPrince(let r, let a), .adaptiveTsitouras(let r, let a):
            try need(r >= 0 && a >= 0 && r.isFinite && a.isFinite && r + a > 0, "tolerances rtol \(r), atol \(a)")
        }
        if case .heldOutTail(let f) = validation { try need(f > 0 && f < 1, "held-out fraction must be in (0, 1), got \(f)") }
        if case .lastBlocks(let f, let n) = validation {
            try need(f > 0 && f < 1, "held-out fraction must be in (0, 1), got \(f)")
            try need(n >= 1 && Double(n) * f <= 1, "validated stretches: \(n) of \(f) of every trace must fit in the trace")
        }
        if case .heldOutTraces(let names) = validation {
            // An empty list would validate nothing and keep the initial weights: say `none` instead.
            try need(!names.isEmpty, "held-out traces: the list is empty (for no validation use .none)")
        }
        if interpolation == .zoh && !solver.isAdaptive {
            // Fixed steps are fine: jump times fall on the sample grid, where steps stop anyway.
        }
    }

    /// Settings that must agree between a checkpoint and a resumed run (everything that changes
    /// the trajectory of the optimisation; the iteration budget, stopping rules and file paths may differ).
    func trajectorySignature() -> FitOptions {
        var o = self
        o.iterations = 0
        o.targetNRMSE = nil
        o.patience = nil
        o.precisionSetting = precision
        o.threadsSetting = threads
        o.laneVectorWidthSetting = laneVectorWidth
        return o
    }
}
