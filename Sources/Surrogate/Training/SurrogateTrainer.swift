import Numerics
import NeuralNet
import ODE

/// One training run of a Spin-Neural ODE surrogate (Chen et al., Nat. Commun. 13, 1016 (2022), Methods):
/// minibatches of random windows, each started from the true embedded state, integrated together as
/// one batched ODE; MSE on the observed components; Adam; free-running validation every N
/// iterations, keeping the best model; early stopping on a target or on no improvement.
///
/// Loss of a minibatch of B windows of W samples, observed components O (`ObservedComponents`):
///     L = 1 / (B (W - 1) |O|) sum_b sum_{i=1}^{W-1} sum_{c in O} (y_{b,c}(i d_tau) - y^true_{b,c}(i))^2,
/// in normalised units (sample 0 is the given initial state and carries no error).
///
/// The run is put together from parts with one job each: `TrainingSplit` (training parts and
/// validation segments), `WindowSampler` (the windows of each iteration), `MinibatchWorkspace` and a
/// `MinibatchGradientMethod` (loss and gradient), `ValidationSet` and `ValidationTracker` (validation
/// and early stopping); the trainer owns the model, Adam and the loop.
///
/// Reproducibility: iteration i draws its windows and noise from `SeededRandom` seeded by
/// (seed, i) alone, and every floating-point operation runs in a fixed order (with `threads` > 1, each
/// thread sums its own group of windows and the groups are added in a fixed order), so a run with a
/// given thread count is bit-for-bit reproducible on one machine, and a run resumed from a checkpoint at iteration N
/// continues exactly as the uninterrupted run (the random state at N is a function of (seed, N)).
public final class SurrogateTrainer {
    public let options: FitOptions
    /// The model with the current parameters.
    public internal(set) var model: SurrogateModel
    /// The model with the best validation NRMSE so far (the current one when there is no validation).
    public internal(set) var bestModel: SurrogateModel
    public internal(set) var iteration = 0
    public internal(set) var lastLoss = Double.nan
    public internal(set) var optimiser: Adam
    /// Normalised training traces (training parts only).
    public let trainingTraces: [NormalisedTrace]
    /// Names of the traces the run was built from, in order.
    public let traceNames: [String]

    let sampler: WindowSampler
    let validationSet: ValidationSet
    var tracker = ValidationTracker()
    let workspace: MinibatchWorkspace
    /// The run's loss-and-gradient method (chosen from the solver, network and precision).
    let gradientMethod: any MinibatchGradientMethod
    /// The ODE module's adjoints on the same minibatch, for `minibatchGradient(viaODEModule: true)`.
    let odeModuleGradient: ODEModuleGradient
    /// The processes of a data-parallel fit (nil: this process alone) and this process's windows of each
    /// minibatch (`MinibatchShare`).
    public let dataParallel: (any GradientAllReduce)?
    let share: Range<Int>
    /// The weighted gradient and loss this process sends to the sum (allocated once).
    var reduction: [Double] = []

    /// Builds a run from raw traces (sample-major arrays in SI units; see `RawTrace`). With `dataParallel`,
    /// this process integrates its share of every minibatch's windows and the loss and gradient are summed
    /// over the processes (`MinibatchShare`), which all step the same parameters.
    public init(traces: [RawTrace], options: FitOptions, dataParallel: (any GradientAllReduce)? = nil) throws {
        try options.validate()
        if let world = dataParallel, options.batchSize < world.size {
            throw SurrogateError.invalidOption("batch size \(options.batchSize) below the \(world.size) processes of a data-parallel fit; use --batch \(world.size) or more")
        }
        self.dataParallel = dataParallel
        share = dataParallel.map { MinibatchShare.range(batch: options.batchSize, rank: $0.rank, size: $0.size) } ?? 0..<options.batchSize
        let first = try TrainingSplit.checkAlike(traces)
        // Refuse a run this machine cannot hold or finish before allocating anything for it.
        try TrainingFootprint(options: options, outputCount: first.outputCount, inputCount: first.inputCount,
                              parameterCount: first.parameters.count).check()
        let k = options.embeddingOrder, w = options.windowLength
        let split = try TrainingSplit(traces: traces, validation: options.validation, order: k)
        sampler = try WindowSampler(parts: split.trainingParts, order: k, windowLength: w, seed: options.seed)
        let model = try SurrogateTrainer.initialModel(first: first, trainingParts: split.trainingParts, options: options)
        self.options = options
        self.model = model
        self.bestModel = model
        self.traceNames = traces.map(\.name)
        trainingTraces = try split.trainingParts.map { try $0.normalised(for: model) }
        validationSet = ValidationSet(traces: try split.validationParts.map { try $0.normalised(for: model) },
                                      segments: split.segments, solver: options.solver)
        let schedule: LearningRateSchedule = options.decayInterval > 0
            ? .stepDecay(interval: options.decayInterval, factor: options.decayFactor) : .constant
        optimiser = try Adam(parameterCount: model.mlp.parameterCount, learningRate: options.learningRate,
                             maxGradientNorm: options.maxGradientNorm, schedule: schedule)
        let batch = share.count
        let drive = BatchDrive(traces: trainingTraces, model: model, maxBatch: options.batchSize)
        drive.setMembers(Array(repeating: (0, 0), count: batch))
        workspace = MinibatchWorkspace(drive: drive, batch: batch, samples: w, stateWidth: model.stateDimension,
                                       sampleStep: model.sampleStep,
                                       observedMask: options.observed.mask(of: model.embedding),
                                       parameterCount: model.mlp.parameterCount)
        (gradientMethod, odeModuleGradient) = try SurrogateTrainer.gradientMethods(model: model, options: options,
                                                                                  workspace: workspace)
    }

    /// The untrained model of a run: the embedding and network of `options`, the normalisation of the
    /// training parts only, and the first trace's channel names and units.
    static func initialModel(first: RawTrace, trainingParts: [RawTrace], options: FitOptions) throws -> SurrogateModel {
        let normalisation = try Normalisation.fit(
            outputs: trainingParts.map(\.outputs), outputCount: first.outputCount,
            inputs: trainingParts.map(\.inputs), inputCount: first.inputCount,
            parameters: trainingParts.map(\.parameters), parameterCount: first.parameters.count)
        guard let activation = Activation(rawValue: options.activation) else {
            throw SurrogateError.invalidOption("activation '\(options.activation)'")
        }
        let embedding = try DelayEmbedding(order: options.embeddingOrder, outputCount: first.outputCount, augment: options.augment)
        var model = try SurrogateModel.initial(
            embedding: embedding, inputCount: first.inputCount, parameterCount: first.parameters.count,
            sampleInterval: first.sampleInterval, timeScale: options.timeScale, interpolation: options.interpolation,
            normalisation: normalisation, hidden: options.hidden, activation: activation,
            initialisation: .normal(sigma: options.initialisationSigma), seed: options.seed)
        model.outputNames = first.outputNames
        model.inputNames = first.inputNames
        model.parameterNames = first.parameterNames
        model.outputUnits = first.outputUnits
        model.inputUnits = first.inputUnits
        try model.validate()
        return model
    }

    /// Normalised validation traces and the segments validation predicts (trace, start, length).
    public var validationTraces: [NormalisedTrace] { validationSet.traces }
    public var validationSegments: [(trace: Int, start: Int, length: Int)] { validationSet.segments }
    /// The best validation NRMSE so far, its iteration, the last one, and how many validations in a
    /// row have not improved on the best.
    public internal(set) var bestValidationNRMSE: Double? {
        get { tracker.bestNRMSE } set { tracker.bestNRMSE = newValue }
    }
    public internal(set) var bestIteration: Int {
        get { tracker.bestIteration } set { tracker.bestIteration = newValue }
    }
    public internal(set) var lastValidationNRMSE: Double? {
        get { tracker.lastNRMSE } set { tracker.lastNRMSE = newValue }
    }
    public internal(set) var validationsWithoutImprovement: Int {
        get { tracker.withoutImprovement } set { tracker.withoutImprovement = newValue }
    }
    /// (iteration, validation NRMSE) of every validation.
    public internal(set) var validationHistory: [ValidationRecord] {
        get { tracker.history } set { tracker.history = newValue }
    }
    /// The seed of the per-iteration generators (checkpointed to check a resume).
    var baseSeed: UInt64 { sampler.baseSeed }

    /// One optimisation step: draw windows, integrate, loss, gradient, Adam. Returns the loss.
    @discardableResult
    public func step() throws -> Double {
        let loss = try nextMinibatchLoss(using: gradientMethod)
        let gradient = workspace.gradient
        guard loss.isFinite, gradient.allSatisfy(\.isFinite) else {
            throw SurrogateError.nonFinite("training loss \(loss) at iteration \(iteration + 1); lower the learning rate or clip gradients")
        }
        model.mlp.parameters.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeBufferPointer { g in optimiser.step(parameters: p.baseAddress!, gradient: g.baseAddress!) }
        }
        iteration += 1
        lastLoss = loss
        if options.validation == .none { bestModel = model; bestIteration = iteration }
        return loss
    }

    /// Loss and gradient of the minibatch the next `step` would draw, at the current parameters,
    /// without stepping. `viaODEModule` forces the ODE module's adjoint (`options.gradient`) even where
    /// the sample-grid fast path would run: the two must agree (a test checks it).
    public func minibatchGradient(viaODEModule: Bool = false) throws -> (loss: Double, gradient: [Double]) {
        let loss = try nextMinibatchLoss(using: viaODEModule ? odeModuleGradient : gradientMethod)
        return (loss, workspace.gradient)
    }

    /// Draws the windows of iteration `iteration` (and their noise), loads them and evaluates the loss
    /// and its gradient (into `workspace.gradient`) at the current parameters.
    func nextMinibatchLoss(using method: any MinibatchGradientMethod) throws -> Double {
        var rng = sampler.generator(iteration: iteration)
        let members = sampler.draw(options.batchSize, using: &rng)
        workspace.load(members: members, share: share, from: trainingTraces, embedding: model.embedding,
                       inputNoise: options.inputNoise, stateNoise: options.stateNoise, using: &rng)
        let loss = try method.lossAndGradient(parameters: model.mlp.parameters, workspace: workspace, iteration: iteration)
        guard let world = dataParallel else { return loss }
        // Means over this process's windows, weighted by its share of the batch, summed over the processes.
        let weight = Double(share.count) / Double(options.batchSize), count = workspace.gradient.count
        if reduction.count != count + 1 { reduction = [Double](repeating: 0, count: count + 1) }
        for i in 0..<count { reduction[i] = workspace.gradient[i] * weight }
        reduction[count] = loss * weight
        try world.sum(&reduction)
        for i in 0..<count { workspace.gradient[i] = reduction[i] }
        return reduction[count]
    }

    /// Free-running NRMSE over the validation segments, in normalised units (the mean over segments and
    /// output channels of RMS error / std of truth over samples 1 ... L - 1 of each segment).
    public func validationNRMSE(of candidate: SurrogateModel? = nil) throws -> Double? {
        try validationSet.nrmse(of: candidate ?? model)
    }

    /// Validates now, records the result and keeps the best model. Returns the NRMSE.
    ///
    /// The validation at iteration 0 is the untrained network's: recorded in `validationHistory` as the
    /// baseline, but never kept as the best model, so a fit never writes its random initial weights
    /// (even when too few iterations left the trained model worse than the baseline; `baselineValidationNRMSE`
    /// lets the caller say so).
    @discardableResult
    public func validate() throws -> Double? {
        let nrmse: Double?
        do {
            nrmse = try validationNRMSE()
        } catch SurrogateError.nonFinite(_) {
            nrmse = .infinity       // a diverging free run is a (very) bad model, not a failed fit
        }
        guard let value = nrmse else { return nil }
        if tracker.record(iteration: iteration, nrmse: value, loss: iteration > 0 ? lastLoss : nil) { bestModel = model }
        applyPlateau()
        return value
    }

    /// Sets Adam's base rate from the plateau schedule's reductions so far (a function of the validation
    /// history, so a restored checkpoint gets the same rate).
    func applyPlateau() {
        guard let plateau = options.plateau else { return }
        let reductions = plateau.state(after: validationHistory).reductions
        optimiser.learningRate = options.learningRate * plateau.multiplier(reductions: reductions)
    }

    /// Learning-rate reductions made by the plateau schedule so far (0 without one).
    public var learningRateReductions: Int {
        options.plateau?.state(after: validationHistory).reductions ?? 0
    }

    /// Validation NRMSE of the untrained initial network (the validation at iteration 0), if it ran.
    public var baselineValidationNRMSE: Double? {
        validationHistory.first(where: { $0.iteration == 0 })?.nrmse
    }

    /// Whether the current iterate has been validated (always true without validation data).
    public var currentIterateValidated: Bool {
        options.validation == .none || validationHistory.last?.iteration == iteration
    }

    /// Why `run` stopped.
    public enum StopReason: String, Sendable, Codable {
        /// The iteration budget; the NRMSE target; `patience` validations without improvement; a
        /// plateau after the last learning-rate reduction (`FitOptions.plateau`).
        case iterations, target, patience, converged
    }

    /// Trains until the iteration budget, the NRMSE target or the patience runs out, calling
    /// `progress` after every iteration and `checkpoint` every `checkpointInterval` iterations.
    ///
    /// The final iterate is always validated (also when the budget is not a multiple of the validation
    /// interval, or a resumed run starts at its budget), so `bestModel` is always a validated model:
    /// with validation data, the best of the validated trained iterates; without, the last iterate.
    public func run(checkpointInterval: Int = 0, checkpoint: ((SurrogateTrainer) throws -> Void)? = nil,
                    progress: ((TrainingProgress) -> Void)? = nil) throws -> StopReason {
        let watch = Stopwatch()
        let startIteration = iteration
        if iteration == 0 && options.validation != .none && validationHistory.isEmpty { try validate() }
        while !stopReached() {
            try step()
            var validated = false
            if options.validation != .none && (iteration % options.validationInterval == 0 || iteration >= options.iterations) {
                try validate()
                validated = true
            }
            if checkpointInterval > 0 && iteration % checkpointInterval == 0 { try checkpoint?(self) }
            if let progress {
                let elapsed = watch.elapsedSeconds
                let rate = elapsed > 0 ? Double(iteration - startIteration) / elapsed : 0
                progress(TrainingProgress(iteration: iteration, iterations: options.iterations, loss: lastLoss,
                                          validationNRMSE: validated ? lastValidationNRMSE : nil,
                                          bestValidationNRMSE: bestValidationNRMSE, iterationsPerSecond: rate,
                                          secondsRemaining: rate > 0 ? Double(options.iterations - iteration) / rate : .nan))
            }
        }
        if !currentIterateValidated { try validate() }
        return stopReasonNow()
    }

    func stopReached() -> Bool { stopReasonNow() != .iterations || iteration >= options.iterations }

    func stopReasonNow() -> StopReason {
        let reason = tracker.stopReason(target: options.targetNRMSE, patience: options.patience)
        if reason == .iterations, let plateau = options.plateau, plateau.state(after: validationHistory).converged {
            return .converged
        }
        return reason
    }
}
