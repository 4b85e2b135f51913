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
    public internal(set) var bestValidationNRMSE: Double?
    public internal(set) var bestIteration = 0
    public internal(set) var lastValidationNRMSE: Double?
    public internal(set) var validationsWithoutImprovement = 0
    public internal(set) var optimiser: Adam
    /// (iteration, validation NRMSE) of every validation.
    public internal(set) var validationHistory: [ValidationRecord] = []

    /// Normalised training traces (training parts only) and the validation segments.
    public let trainingTraces: [NormalisedTrace]
    public let validationTraces: [NormalisedTrace]
    public let validationSegments: [(trace: Int, start: Int, length: Int)]
    /// Names of the traces the run was built from, in order.
    public let traceNames: [String]

    // Window sampling: valid window starts per training trace, and their running total.
    let startCounts: [Int]
    let totalStarts: Int
    let baseSeed: UInt64

    // Workspaces of one minibatch.
    let drive: BatchDrive
    let field: NeuralVectorField
    /// The same field with a stage tape, for the sample-grid fast path.
    let tapedField: TapedNeuralVectorField
    let kernel = SampleGridRK4()
    /// The fused sample-grid kernel (fixed RK4 with a network it supports), in the run's precision.
    let fused64: FusedSampleGridRK4<Double>?
    let fused32: FusedSampleGridRK4<Float>?
    let odeCache = ODESolverCache()
    var forceODEModule = false
    var y0: [Double]
    var saved: [Double]
    var targets: [Double]
    var cotangent: [Double]
    var gradient: [Double]
    let observedMask: [Bool]

    /// Builds a run from raw traces (sample-major arrays in SI units; see `RawTrace`).
    public init(traces: [RawTrace], options: FitOptions) throws {
        try options.validate()
        guard let first = traces.first else { throw SurrogateError.invalidTrace("no traces to fit") }
        for t in traces {
            guard t.outputCount >= 1 else {
                throw SurrogateError.invalidTrace("trace '\(t.name)' has no outputs: a surrogate learns output channels from a trace")
            }
            guard t.outputCount == first.outputCount, t.inputCount == first.inputCount,
                  t.parameters.count == first.parameters.count else {
                throw SurrogateError.invalidTrace(
                    "trace '\(t.name)' has \(t.outputCount) outputs, \(t.inputCount) inputs, \(t.parameters.count) parameters; trace '\(first.name)' has \(first.outputCount), \(first.inputCount), \(first.parameters.count)")
            }
            guard abs(t.sampleInterval - first.sampleInterval) <= 1e-9 * first.sampleInterval else {
                throw SurrogateError.invalidTrace(
                    "trace '\(t.name)' is sampled every \(t.sampleInterval) s, trace '\(first.name)' every \(first.sampleInterval) s")
            }
        }
        // Refuse a run this machine cannot hold or finish before allocating anything for it.
        try TrainingFootprint(options: options, outputCount: first.outputCount, inputCount: first.inputCount,
                              parameterCount: first.parameters.count).check()
        let k = options.embeddingOrder, w = options.windowLength
        // Split training and validation data.
        var trainingParts = [RawTrace](), validationParts = [RawTrace]()
        var segments = [(trace: Int, start: Int, length: Int)]()
        switch options.validation {
        case .none:
            trainingParts = traces
        case .trainingTraces:
            trainingParts = traces
            validationParts = traces
            segments = traces.indices.map { ($0, 0, traces[$0].sampleCount) }
        case .heldOutTail(let fraction):
            for t in traces {
                let tail = Int((Double(t.sampleCount) * fraction).rounded(.down))
                guard tail >= k + 1 else {
                    throw SurrogateError.invalidTrace(
                        "trace '\(t.name)': a held-out tail of \(fraction) x \(t.sampleCount) samples = \(tail) is too short for k = \(k) (needs >= \(k + 1))")
                }
                guard t.sampleCount - tail >= k + 1 else {
                    throw SurrogateError.invalidTrace(
                        "trace '\(t.name)': holding out the last \(fraction) of \(t.sampleCount) samples leaves \(t.sampleCount - tail) for training, fewer than k + 1 = \(k + 1)")
                }
                trainingParts.append(t.window(start: 0, count: t.sampleCount - tail))
                validationParts.append(t)
                segments.append((validationParts.count - 1, t.sampleCount - tail, tail))
            }
        case .heldOutTraces(let names):
            for name in names where !traces.contains(where: { $0.name == name }) {
                throw SurrogateError.invalidOption("held-out trace '\(name)' is not among the traces \(traces.map(\.name))")
            }
            for t in traces {
                if names.contains(t.name) {
                    validationParts.append(t)
                    segments.append((validationParts.count - 1, 0, t.sampleCount))
                } else {
                    trainingParts.append(t)
                }
            }
            guard !trainingParts.isEmpty else { throw SurrogateError.invalidOption("every trace is held out; none left to train on") }
        }
        // Window starts: 0 ... N - k - W + 1 in each training trace.
        var counts = [Int]()
        for t in trainingParts {
            guard t.sampleCount >= k else {
                throw SurrogateError.invalidTrace("trace '\(t.name)': embedding order k = \(k) is larger than the trace (\(t.sampleCount) samples)")
            }
            counts.append(max(0, t.sampleCount - k - w + 2))
        }
        let total = counts.reduce(0, +)
        guard total > 0 else {
            throw SurrogateError.invalidTrace(
                "no training window fits: a window of \(w) samples with k = \(k) needs \(w + k - 1) samples, the longest training trace has \(trainingParts.map(\.sampleCount).max() ?? 0)")
        }
        // Normalisation from the training parts only.
        let normalisation = try Normalisation.fit(
            outputs: trainingParts.map(\.outputs), outputCount: first.outputCount,
            inputs: trainingParts.map(\.inputs), inputCount: first.inputCount,
            parameters: trainingParts.map(\.parameters), parameterCount: first.parameters.count)
        guard let activation = Activation(rawValue: options.activation) else {
            throw SurrogateError.invalidOption("activation '\(options.activation)'")
        }
        let embedding = try DelayEmbedding(order: k, outputCount: first.outputCount, augment: options.augment)
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
        self.options = options
        self.model = model
        self.bestModel = model
        self.traceNames = traces.map(\.name)
        trainingTraces = try trainingParts.map { try $0.normalised(for: model) }
        validationTraces = try validationParts.map { try $0.normalised(for: model) }
        validationSegments = segments
        startCounts = counts
        totalStarts = total
        var seeder = SeededRandom(seed: options.seed)
        baseSeed = seeder.next()
        let schedule: LearningRateSchedule = options.decayInterval > 0
            ? .stepDecay(interval: options.decayInterval, factor: options.decayFactor) : .constant
        optimiser = try Adam(parameterCount: model.mlp.parameterCount, learningRate: options.learningRate,
                             maxGradientNorm: options.maxGradientNorm, schedule: schedule)
        // Minibatch workspaces.
        let batch = options.batchSize, n = model.stateDimension
        drive = BatchDrive(traces: trainingTraces, model: model, maxBatch: batch)
        drive.setMembers(Array(repeating: (0, 0), count: batch))
        do {
            field = try NeuralVectorField(
                mlp: model.mlp, stateWidth: n, extraInputCount: model.extraInputCount, batch: batch, maxBatch: batch,
                linearTerm: model.linearTerm,
                extraInputs: model.extraInputCount > 0 ? { [drive] tau, count, e, stride in
                    drive.fill(tau: tau, batch: count, e: e, stride: stride)
                } : nil)
        } catch {
            throw SurrogateError.invalidModel("\(error)")
        }
        // One dgemm per layer for the whole minibatch, also for the thin first and last layers: at the
        // paper's batch of 50 this measured 2.83 ms per iteration against 3.4 ms with the automatic
        // choice (minimum of 40 iterations, `spinode bench fit-paper`, 2026-11-29).
        if batch >= 8 { field.computePath = .blas }
        tapedField = try TapedNeuralVectorField(
            mlp: model.mlp, stateWidth: n, extraInputCount: model.extraInputCount, batch: batch,
            linearTerm: model.linearTerm,
            extraInputs: model.extraInputCount > 0 ? { [drive] tau, count, e, stride in
                drive.fill(tau: tau, batch: count, e: e, stride: stride)
            } : nil)
        tapedField.computePath = field.computePath
        let fusable = !options.solver.isAdaptive && FusedSampleGridRK4<Double>.supports(mlp: model.mlp, linearTerm: model.linearTerm)
        guard fusable || options.precision == .float64 else {
            throw SurrogateError.invalidOption("precision float32 needs fixed RK4 and tanh, relu or identity layers without a linear term")
        }
        fused64 = fusable && options.precision == .float64
            ? FusedSampleGridRK4<Double>(mlp: model.mlp, stateWidth: n, extraInputCount: model.extraInputCount, threads: options.threads) : nil
        fused32 = fusable && options.precision == .float32
            ? FusedSampleGridRK4<Float>(mlp: model.mlp, stateWidth: n, extraInputCount: model.extraInputCount, threads: options.threads) : nil
        y0 = [Double](repeating: 0, count: batch * n)
        saved = [Double](repeating: 0, count: w * batch * n)
        targets = [Double](repeating: 0, count: w * batch * n)
        cotangent = [Double](repeating: 0, count: w * batch * n)
        gradient = [Double](repeating: 0, count: model.mlp.parameterCount)
        var mask = [Bool](repeating: false, count: n)
        switch options.observed {
        case .firstDelay: for c in 0..<embedding.outputCount { mask[c * k] = true }
        case .allEmbedded: for q in 0..<embedding.embeddedCount { mask[q] = true }
        }
        observedMask = mask
    }

    /// The generator of iteration i: a function of (seed, i) only.
    func generator(iteration i: Int) -> SeededRandom {
        SeededRandom(seed: baseSeed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// Draws the minibatch of iteration `iteration`: B (trace, start) pairs uniform over all valid windows.
    func drawWindows(using rng: inout SeededRandom) -> [(trace: Int, start: Int)] {
        var members = [(trace: Int, start: Int)]()
        members.reserveCapacity(options.batchSize)
        for _ in 0..<options.batchSize {
            var r = Int(rng.uniform() * Double(totalStarts))
            if r >= totalStarts { r = totalStarts - 1 }
            var t = 0
            while r >= startCounts[t] { r -= startCounts[t]; t += 1 }
            members.append((t, r))
        }
        return members
    }

    /// One optimisation step: draw windows, integrate, loss, gradient, Adam. Returns the loss.
    @discardableResult
    public func step() throws -> Double {
        var rng = generator(iteration: iteration)
        let members = drawWindows(using: &rng)
        let loss = try lossAndGradient(members: members, rng: &rng)
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
        var rng = generator(iteration: iteration)
        let members = drawWindows(using: &rng)
        forceODEModule = viaODEModule
        defer { forceODEModule = false }
        let loss = try lossAndGradient(members: members, rng: &rng)
        return (loss, gradient)
    }

    /// Loss of the minibatch `members` and its gradient (into `gradient`) at the current parameters.
    func lossAndGradient(members: [(trace: Int, start: Int)], rng: inout SeededRandom) throws -> Double {
        let batch = members.count, n = model.stateDimension, w = options.windowLength
        let embedding = model.embedding
        drive.setMembers(members)
        if options.inputNoise > 0 {
            drive.drawInputNoise(sigma: options.inputNoise, samples: w + embedding.order, using: &rng)
        }
        model.mlp.parameters.withUnsafeBufferPointer {
            field.setParameters($0.baseAddress!)
            tapedField.setParameters($0.baseAddress!)
        }
        y0.withUnsafeMutableBufferPointer { yp in
            targets.withUnsafeMutableBufferPointer { tp in
                for (b, m) in members.enumerated() {
                    let trace = trainingTraces[m.trace]
                    trace.embeddedState(embedding, start: m.start, into: yp.baseAddress! + b * n)
                    for i in 0..<w { trace.embeddedState(embedding, start: m.start + i, into: tp.baseAddress! + (i * batch + b) * n) }
                }
            }
        }
        if options.stateNoise > 0 {
            for b in 0..<batch { for q in 0..<embedding.embeddedCount { y0[b * n + q] += options.stateNoise * rng.normal() } }
        }
        if case .fixedRK4(let m) = options.solver, !forceODEModule {
            if fused64 != nil || fused32 != nil { return try fusedWindowGradient(samples: w, stepsPerSample: m) }
            return try fastWindowGradient(samples: w)
        }
        return try odeWindowGradient(samples: w)
    }

    /// The paper's solver on the sample grid by the fused kernel (`FusedSampleGridRK4`), in the run's precision.
    func fusedWindowGradient(samples w: Int, stepsPerSample m: Int) throws -> Double {
        let grid = FusedSampleGridRK4<Double>.Grid(samples: w, stepsPerSample: m, sampleStep: model.sampleStep,
                                                   endOffset: drive.stageEndOffset)
        let fill: (Double, Int, UnsafeMutablePointer<Double>, Int) -> Void = { [drive] tau, count, e, stride in
            drive.fill(tau: tau, batch: count, e: e, stride: stride)
        }
        let batch = drive.batch, method = options.gradient, mask = observedMask
        return try y0.withUnsafeBufferPointer { yp in
            try targets.withUnsafeBufferPointer { tp in
                try saved.withUnsafeMutableBufferPointer { sp in
                    try gradient.withUnsafeMutableBufferPointer { gp in
                        if let k = fused64 {
                            k.setParameters(model.mlp.parameters)
                            return try k.lossAndGradient(batch: batch, grid: grid, method: method, y0: yp.baseAddress!,
                                                         targets: tp.baseAddress!, mask: mask, fillInputs: fill,
                                                         saved: sp.baseAddress!, gradient: gp.baseAddress!)
                        }
                        let k = fused32!
                        k.setParameters(model.mlp.parameters)
                        return try k.lossAndGradient(batch: batch, grid: FusedSampleGridRK4<Float>.Grid(
                                                         samples: grid.samples, stepsPerSample: grid.stepsPerSample,
                                                         sampleStep: grid.sampleStep, endOffset: grid.endOffset),
                                                     method: method, y0: yp.baseAddress!, targets: tp.baseAddress!, mask: mask,
                                                     fillInputs: fill, saved: sp.baseAddress!, gradient: gp.baseAddress!)
                    }
                }
            }
        }
    }

    /// The paper's solver on the sample grid, by `SampleGridRK4`: the exact discrete adjoint (keeps every
    /// stage of the short windows, so the backward pass integrates nothing again) or the continuous
    /// adjoint (backsolve on the same grid, the paper's method).
    func fastWindowGradient(samples w: Int) throws -> Double {
        let batch = drive.batch, n = model.stateDimension
        try integrateWindows(samples: w)
        var observedPerState = 0
        for q in 0..<n where observedMask[q] { observedPerState += 1 }
        let count = Double(batch * (w - 1) * observedPerState)
        var sum = 0.0
        for q in 0..<(batch * n) { cotangent[q] = 0 }
        for i in 1..<w {
            for b in 0..<batch {
                let base = (i * batch + b) * n
                for q in 0..<n {
                    if observedMask[q] {
                        let e = saved[base + q] - targets[base + q]
                        sum += e * e
                        cotangent[base + q] = 2 * e / count
                    } else {
                        cotangent[base + q] = 0
                    }
                }
            }
        }
        for q in 0..<gradient.count { gradient[q] = 0 }
        try backpropagateWindows()
        return sum / count
    }

    /// Every other solver and gradient: the ODE module's adjoints (`DiscreteAdjoint` through the
    /// accepted steps and their dense output, or `ContinuousAdjoint`, the backsolve of Chen et al.,
    /// NeurIPS 2018, as torchdiffeq's odeint_adjoint) on the batched window ODE, saving every sample.
    func odeWindowGradient(samples w: Int) throws -> Double {
        let dTau = model.sampleStep
        let saveAt = (0..<w).map { Double($0) * dTau }
        let ode: ODESolver
        let adjoint: any AdjointMethod
        switch options.solver {
        case .fixedRK4(let m):
            ode = ODESolver(method: .rk4, stepping: .fixed(step: dTau / Double(m)))
        case .adaptiveDormandPrince(let r, let a):
            ode = ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: r, atol: a))
        case .adaptiveTsitouras(let r, let a):
            ode = ODESolver(method: .tsitouras54, stepping: .adaptive(rtol: r, atol: a))
        }
        switch (options.gradient, options.solver) {
        case (.discreteAdjoint, _):
            adjoint = DiscreteAdjoint()
        case (.continuousAdjoint, .adaptiveDormandPrince(let r, let a)), (.continuousAdjoint, .adaptiveTsitouras(let r, let a)):
            adjoint = ContinuousAdjoint(rtol: r, atol: a)
        case (.continuousAdjoint, .fixedRK4):
            adjoint = ContinuousAdjoint()
        }
        let result: ODEGradient
        do {
            result = try targets.withUnsafeBufferPointer { tp in
                let loss = WindowLoss(targets: tp.baseAddress!, mask: observedMask, stateWidth: model.stateDimension, batch: drive.batch)
                return try ode.gradient(field, y0: y0, t0: 0, t1: saveAt[w - 1], saveAt: saveAt,
                                        jumpTimes: drive.jumpTimes(until: saveAt[w - 1]), loss: loss, adjoint: adjoint,
                                        cache: odeCache)
            }
        } catch {
            throw SurrogateError.nonFinite("training iteration \(iteration + 1): \(error)")
        }
        gradient = result.parameterGradient
        return result.loss
    }

    /// Integrates the minibatch over `samples` samples (into `saved`, sample-major batch blocks).
    func integrateWindows(samples: Int) throws {
        switch options.solver {
        case .fixedRK4(let m):
            try y0.withUnsafeBufferPointer { yp in
                try saved.withUnsafeMutableBufferPointer { sp in
                    try kernel.forward(tapedField, y0: yp.baseAddress!, t0: 0, sampleStep: model.sampleStep, samples: samples,
                                       stepsPerSample: m, stageEndOffset: drive.stageEndOffset, saved: sp.baseAddress!)
                }
            }
        default:
            preconditionFailure("integrateWindows serves the fixed RK4 fast path only")
        }
    }

    /// Adds dL/dtheta to `gradient` from the cotangents of the saved samples.
    func backpropagateWindows() throws {
        switch (options.solver, options.gradient) {
        case (.fixedRK4, .discreteAdjoint):
            cotangent.withUnsafeBufferPointer { cp in
                gradient.withUnsafeMutableBufferPointer { gp in
                    kernel.backward(tapedField, savedCotangent: cp.baseAddress!, initialCotangent: nil, parameterCotangent: gp.baseAddress!)
                }
            }
        case (.fixedRK4, .continuousAdjoint):
            saved.withUnsafeBufferPointer { sp in
                cotangent.withUnsafeBufferPointer { cp in
                    gradient.withUnsafeMutableBufferPointer { gp in
                        kernel.continuousBackward(tapedField, savedState: sp.baseAddress!, savedCotangent: cp.baseAddress!,
                                                  initialCotangent: nil, parameterCotangent: gp.baseAddress!)
                    }
                }
            }
        default:
            preconditionFailure("backpropagateWindows serves the fixed RK4 discrete-adjoint fast path only")
        }
    }

    /// Free-running NRMSE over the validation segments, in normalised units (the mean over segments and
    /// output channels of RMS error / std of truth over samples 1 ... L - 1 of each segment).
    public func validationNRMSE(of candidate: SurrogateModel? = nil) throws -> Double? {
        guard !validationSegments.isEmpty else { return nil }
        let m = candidate ?? model
        let predictor = FreeRunPrediction(model: m, solver: options.solver)
        let predictions = try predictor.normalisedSeries(traces: validationTraces, segments: validationSegments)
        let nOut = m.embedding.outputCount
        var total = 0.0, terms = 0
        for (i, s) in validationSegments.enumerated() {
            let truth = validationTraces[s.trace].outputs
            for c in 0..<nOut {
                var mean = 0.0
                for j in 1..<s.length { mean += truth[(s.start + j) * nOut + c] }
                mean /= Double(s.length - 1)
                var variance = 0.0, error = 0.0
                for j in 1..<s.length {
                    let x = truth[(s.start + j) * nOut + c]
                    variance += (x - mean) * (x - mean)
                    let e = predictions[i][j * nOut + c] - x
                    error += e * e
                }
                let nrmse = variance > 0 ? (error / variance).squareRoot() : (error == 0 ? 0 : .infinity)
                total += nrmse.isNaN ? .infinity : nrmse
                terms += 1
            }
        }
        return total / Double(terms)
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
        lastValidationNRMSE = value
        validationHistory.append(ValidationRecord(iteration: iteration, nrmse: value, loss: iteration > 0 ? lastLoss : nil))
        if iteration == 0 { return value }
        if let best = bestValidationNRMSE, !(value < best) {
            validationsWithoutImprovement += 1
        } else {
            bestValidationNRMSE = value
            bestModel = model
            bestIteration = iteration
            validationsWithoutImprovement = 0
        }
        return value
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
        case iterations, target, patience
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
        if let target = options.targetNRMSE, let best = bestValidationNRMSE, best <= target { return .target }
        if let p = options.patience, validationsWithoutImprovement >= p { return .patience }
        return .iterations
    }
}

/// One validation during training.
public struct ValidationRecord: Sendable, Codable, Equatable {
    public var iteration: Int
    public var nrmse: Double
    /// Training loss of the iteration just before (nil before the first iteration).
    public var loss: Double?
}

/// What the trainer reports after each iteration.
public struct TrainingProgress: Sendable {
    public var iteration: Int
    public var iterations: Int
    public var loss: Double
    /// Set on iterations that validated.
    public var validationNRMSE: Double?
    public var bestValidationNRMSE: Double?
    public var iterationsPerSecond: Double
    public var secondsRemaining: Double
}
