import ArgumentParser
import Foundation
import NeuralNet
import Numerics
import MessagePassing
import Surrogate
import TraceIO
import Workflows
#if canImport(Glibc)
import Glibc
#endif

/// `spinode fit TRACES.h5 --out MODEL.h5`: train a Spin-Neural ODE surrogate on traces.
struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit a Spin-Neural ODE surrogate (Chen et al., Nat. Commun. 13, 1016 (2022)) to the traces of a trace file.",
        discussion: """
        The surrogate is dy/dtau = MLP([y, u delays, p]) + A y over the delay-embedded, normalised output \
        (docs/surrogate-model.md). Training draws minibatches of random windows, each started from the true \
        embedded state, integrates them together as one batched ODE, and steps Adam on the MSE of the observed \
        components. Every --validate-every iterations, and always at the last iteration, the model is run free \
        over the validation data; the best validated trained model is written to --out (the untrained network's \
        validation at iteration 0 is a baseline, never written); when every validation free run diverged, nothing is \
        written to --out, the trained weights go to the temporary folder and the exit status is 1. Options are checked, and the run's memory \
        estimated against the machine's available memory, before the trace file is read. Defaults are the paper's settings (k = 2, MLP (k n_out + k n_in + n_par) -> 50 -> 50 -> k n_out, \
        tanh, N(0, 0.1) init, 50 windows of 20 samples, RK4 on the sample grid, Adam 1e-3), with the exact \
        discrete adjoint for gradients (--gradient continuous is the paper's torchdiffeq odeint_adjoint).

        By default training runs 20000 iterations at the paper's constant learning rate and keeps the best \
        validated model. The default validation (--validation auto) holds out the last 10 % of every trace when \
        each trace has at least 5000 samples and scores free runs over the last four stretches of 10 % (the held-out \
        one and the three before it), so the kept model is the one that predicts the latest and unseen data best; \
        shorter traces are validated by a free run over the whole training trace (the paper's criterion). \
        --lr-plateau N halves the rate after N validations without a new best and ends the run after \
        --lr-reductions halvings (--iterations is then a cap); --patience and --target-nrmse stop earlier. \
        Details and the measurements behind the defaults: docs/training.md.

        --plot FILE.svg draws the minibatch training loss after every iteration and the validation NRMSE at \
        every validation against the iteration (log scale), the best validated iteration marked; it is written \
        also when every validation diverged. FILE.png draws the same figure with matplotlib (needs python3 \
        with matplotlib and scripts/plot.py of the SpinODE checkout; refused before training otherwise).

        Under mpirun (Open MPI) one fit runs on all ranks: each rank integrates its share of every \
        minibatch's windows, the gradients are summed (MPI_Allreduce), and rank 0 writes the model, the \
        checkpoint and the figure. The model equals the single-process one up to the order of the additions \
        (docs/scaling.md).

        --ensemble N trains N members side by side (member i with seed --seed + i; as many at once as the \
        cores allow with --threads each) into one model file; with --validation auto the members hold out a \
        20 % tail, which also calibrates the trust threshold. The ensemble's prediction is the members' mean; \
        their spread flags where the surrogate stops being trustworthy: the threshold is --trust-margin times the \
        largest spread over free runs of the validation data (docs/surrogate-model.md, "Ensembles and the \
        trust flag"); spinode predict reports it.

        Examples:
          spinode fit traces.h5 --out model.h5 --iterations 5000 --target-nrmse 0.05
          spinode fit traces.h5 --out model.h5 --validation tail:0.2 --patience 10 --checkpoint-every 500
          spinode fit traces.h5 --out model.h5 --checkpoint-every 500 --resume     # continue an interrupted run
          spinode fit traces.h5 --out model.h5 --plot training.svg
          mpirun -n 4 spinode fit traces.h5 --out model.h5 --hidden 200,200 --batch 200
          spinode fit traces.h5 --out ensemble.h5 --ensemble 5
        """
    )

    @Argument(help: "Trace file (HDF5, docs/trace-format.md).") var traces: String
    @Option(help: "Model file to write (HDF5, docs/model-file.md).") var out: String
    @Option(name: .customLong("trace"), help: "Train on this trace only (repeat; default: every trace in the file).")
    var traceNames: [String] = []

    // Model.
    @Option(help: "Input channels the model uses, comma-separated names, or none for a model without inputs (default: every input of the traces), e.g. deltaKu1.")
    var inputs: String?

    @Option(help: "Output channels the model learns, comma-separated names (default: every output of the traces), e.g. mz,skyrmion_radius.")
    var outputs: String?

    @Option(help: "Static parameters the model takes as MLP inputs, comma-separated names or none (default: every parameter of the traces).")
    var parameters: String?

    @Option(parsing: .unconditional, help: "Delay-embedding order k.") var order = 2
    @Option(parsing: .unconditional, help: "Augmented latent state components (start at 0).") var augment = 0
    @Option(help: "Hidden layer widths, comma-separated.") var hidden = "50,50"
    @Option(help: "Hidden activation: tanh, softplus, relu.") var activation = "tanh"
    @Option(parsing: .unconditional, help: "Standard deviation of the normal weight and bias initialisation.") var initSigma = 0.1
    @Option(help: "Inputs between samples: zoh, linear, cubic (natural spline; the paper's).") var interpolation = "cubic"
    @Option(parsing: .unconditional, help: "Time scale in seconds (tau = t / time-scale); default 40 sample intervals (d_tau = 0.025).")
    var timeScale: Double?

    // Training.
    @Option(parsing: .unconditional, help: "Window length in samples.") var window = 20
    @Option(parsing: .unconditional, help: "Windows per minibatch.") var batch = 50
    @Option(parsing: .unconditional, help: "Training iterations (with --lr-plateau or --patience, a cap).") var iterations = 20000
    @Option(name: .customLong("lr"), parsing: .unconditional, help: "Adam learning rate.") var learningRate = 1e-3
    @Option(parsing: .unconditional, help: "Multiply the learning rate by --lr-decay-factor every this many iterations (0: constant).")
    var lrDecayEvery = 0
    @Option(parsing: .unconditional, help: "Learning-rate decay factor (of --lr-decay-every and --lr-plateau).") var lrDecayFactor = 0.5
    @Option(parsing: .unconditional, help: "Multiply the learning rate by --lr-decay-factor after this many validations in a row without a new best (0: off); after --lr-reductions reductions the next plateau ends the run (stop reason converged).")
    var lrPlateau = 0
    @Option(parsing: .unconditional, help: "Learning-rate reductions of --lr-plateau before a plateau ends the run.") var lrReductions = 3
    @Option(parsing: .unconditional, help: "Clip gradients to this global Euclidean norm.") var clip: Double?
    @Option(help: "Loss on: all-embedded (every delay, the paper's MSE) or first-delay (the outputs only).")
    var observe = "all-embedded"
    @Option(help: "Solver: rk4 (fixed, --steps-per-sample per sample; the paper's), dopri5, tsit5 (adaptive).")
    var solver = "rk4"
    @Option(parsing: .unconditional, help: "RK4 steps per sample interval.") var stepsPerSample = 1
    @Option(parsing: .unconditional, help: "Relative tolerance of adaptive solvers (0 <= rtol < 1; 0 with --atol > 0 is a pure absolute tolerance).") var rtol = 1e-6
    @Option(parsing: .unconditional, help: "Absolute tolerance of adaptive solvers (normalised units).") var atol = 1e-8
    @Option(help: "Gradient: discrete (exact adjoint of the solver's steps) or continuous (backsolve adjoint, torchdiffeq's).")
    var gradient = "discrete"
    @Option(help: "Seed of initialisation, window draws and noise.") var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: "Gaussian noise (normalised units) added to the inputs during training.") var inputNoise = 0.0
    @Option(parsing: .unconditional, help: "Gaussian noise (normalised units) added to the initial state of each window.") var stateNoise = 0.0

    // Validation, stopping, checkpoints.
    @Option(help: "Validation data: auto (tail:0.1:4 when every trace has at least 5000 samples, else training), training (free run over each training trace; the paper's), tail:F (hold out the last fraction F of every trace and validate on it), tail:F:N (hold out the last F and validate free runs over the last N stretches of length F, each from its true start), traces:a,b (hold out named traces), none.")
    var validation = "auto"
    @Option(parsing: .unconditional, help: "Validate every this many iterations.") var validateEvery = 100
    @Option(parsing: .unconditional, help: "Stop when the validation NRMSE reaches this value.") var targetNrmse: Double?
    @Option(parsing: .unconditional, help: "Stop after this many validations without improvement.") var patience: Int?
    @Option(help: "Checkpoint file (default: <out>.checkpoint.json).") var checkpoint: String?
    @Option(parsing: .unconditional, help: "Write a checkpoint every this many iterations (0: never).") var checkpointEvery = 0
    @Flag(help: "Continue from the checkpoint (same settings; --iterations, --target-nrmse, --patience may change).")
    var resume = false
    @Option(parsing: .unconditional, help: "Threads: the RK4 training kernel splits each minibatch's windows over them (and OpenBLAS uses them). Runs are bit-reproducible for a given count.")
    var threads = 1
    @Option(help: "Arithmetic of the RK4 training kernel: float64 (default) or float32 (faster: twice the SIMD lanes; parameters, Adam and the model file stay float64).")
    var precision = "float64"
    @Option(help: "Figure to write (.svg; .png with python3 and matplotlib): training loss and validation NRMSE vs iteration.")
    var plot: String?
    @Option(parsing: .unconditional, help: "Members of an ensemble model (1: a single model).") var ensemble = 1
    @Option(parsing: .unconditional, help: "Trust threshold of an ensemble, as a multiple of the largest member spread over the validation free runs.")
    var trustMargin = EnsembleTraining.defaultMargin
    @Flag(help: "Print one JSON summary at the end (progress goes to stderr).") var json = false
    @Flag(help: "No progress output.") var quiet = false

    /// Every option on its own and together, before any file is read: each refusal is one line naming
    /// the option; then the memory and work the options imply, for the smallest traces they allow
    /// (one output channel, the inputs and parameters named), against this machine's available memory.
    func validate() throws {
        func choice(_ value: String, _ option: String, _ allowed: [String]) throws {
            guard allowed.contains(value) else {
                throw InvalidOption(option: option, problem: "must be \(allowed.joined(separator: ", ")), got '\(value)'")
            }
        }
        try choice(activation, "--activation", ["tanh", "softplus", "relu"])
        try choice(interpolation, "--interpolation", InterpolationKind.allCases.map(\.rawValue))
        try choice(observe, "--observe", ObservedComponents.allCases.map(\.rawValue))
        try choice(gradient, "--gradient", GradientMethod.allCases.map(\.rawValue))
        try choice(solver, "--solver", ["rk4", "dopri5", "tsit5"])
        try choice(precision, "--precision", TrainingPrecision.allCases.map(\.rawValue))
        try OptionCheck.integer(order, "--order", 1...Int.max)
        try OptionCheck.integer(augment, "--augment", 0...Int.max)
        try OptionCheck.real(initSigma, "--init-sigma", .positive)
        try OptionCheck.real(timeScale, "--time-scale", .positive)
        try OptionCheck.integer(window, "--window", 2...Int.max)
        try OptionCheck.integer(batch, "--batch", 1...Int.max)
        try OptionCheck.integer(iterations, "--iterations", 1...Int.max)
        try OptionCheck.real(learningRate, "--lr", .positive)
        try OptionCheck.integer(lrDecayEvery, "--lr-decay-every", 0...Int.max)
        try OptionCheck.real(lrDecayFactor, "--lr-decay-factor", .positive)
        try OptionCheck.real(clip, "--clip", .positive)
        try OptionCheck.integer(stepsPerSample, "--steps-per-sample", 1...Int.max)
        try OptionCheck.real(rtol, "--rtol", .nonNegative)
        guard rtol < 1 else { throw InvalidOption(option: "--rtol", problem: "must be < 1 (a relative tolerance), got \(rtol)") }
        try OptionCheck.real(atol, "--atol", .nonNegative)
        guard rtol + atol > 0 else { throw InvalidOption(option: "--rtol", problem: "and --atol are both 0; at least one must be > 0") }
        try OptionCheck.real(inputNoise, "--input-noise", .nonNegative)
        try OptionCheck.real(stateNoise, "--state-noise", .nonNegative)
        try OptionCheck.integer(validateEvery, "--validate-every", 1...Int.max)
        try OptionCheck.real(targetNrmse, "--target-nrmse", .positive)
        if let patience { try OptionCheck.integer(patience, "--patience", 1...Int.max) }
        try OptionCheck.integer(lrPlateau, "--lr-plateau", 0...Int.max)
        try OptionCheck.integer(lrReductions, "--lr-reductions", 0...1000)
        try OptionCheck.integer(checkpointEvery, "--checkpoint-every", 0...Int.max)
        try OptionCheck.integer(threads, "--threads", 1...1024)
        if let plot { _ = try FigureFile(path: plot) }
        try OptionCheck.integer(ensemble, "--ensemble", 1...1000)
        try OptionCheck.real(trustMargin, "--trust-margin", .positive)
        if ensemble > 1 {
            if validation == "none" {
                throw InvalidOption(option: "--ensemble", problem: "needs validation data to calibrate the trust flag; drop --validation none")
            }
            if plot != nil { throw InvalidOption(option: "--plot", problem: "is not available with --ensemble") }
        }
        for name in traceNames where name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw InvalidOption(option: "--trace", problem: "is empty; give a trace name")
        }
        let options = try fitOptions()
        try TrainingFootprint(options: options, outputCount: try outputNames()?.count ?? 1, inputCount: try inputNames()?.count ?? 0,
                              parameterCount: try parameterNames()?.count ?? 0).check()
    }

    /// `--inputs` as names (nil: every input of the traces; []: none).
    func inputNames() throws -> [String]? { try inputs.map { try OptionCheck.names($0, "--inputs") } }

    /// `--outputs` as names (nil: every output of the traces); at least one.
    func outputNames() throws -> [String]? {
        guard let outputs else { return nil }
        let names = try OptionCheck.names(outputs, "--outputs")
        if names.isEmpty { throw InvalidOption(option: "--outputs", problem: "is 'none'; a surrogate learns at least one output channel") }
        return names
    }

    /// `--parameters` as names (nil: every parameter of the traces; []: none).
    func parameterNames() throws -> [String]? { try parameters.map { try OptionCheck.names($0, "--parameters") } }

    /// `--hidden` as widths, each >= 1.
    func hiddenWidths() throws -> [Int] {
        let fields = hidden.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let widths = fields.map { Int($0) }
        guard !hidden.isEmpty, widths.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw InvalidOption(option: "--hidden", problem: "must be comma-separated layer widths >= 1 (e.g. 50,50), got '\(hidden)'")
        }
        return widths.map { $0! }
    }

    /// `--validation` as the trainer's setting.
    func validationData() throws -> ValidationData {
        // auto is resolved once the traces are read (`TrainingJob.automaticValidation`); until then it
        // validates like training.
        if validation == "training" || validation == "auto" { return .trainingTraces }
        if validation == "none" { return .none }
        if validation.hasPrefix("tail:") {
            let parts = validation.dropFirst(5).split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2, let f = Double(parts[0]), f > 0, f < 1 else {
                throw InvalidOption(option: "--validation", problem: "tail:F needs a fraction F in (0, 1), got '\(validation)'")
            }
            guard parts.count == 2 else { return .heldOutTail(fraction: f) }
            guard let n = Int(parts[1]), n >= 1, Double(n) * f <= 1 else {
                throw InvalidOption(option: "--validation", problem: "tail:F:N needs a count N >= 1 of stretches with N x F <= 1, got '\(validation)'")
            }
            return n == 1 ? .heldOutTail(fraction: f) : .lastBlocks(fraction: f, count: n)
        }
        if validation.hasPrefix("traces:") {
            let names = try OptionCheck.names(String(validation.dropFirst(7)), "--validation traces:")
            guard !names.isEmpty else {
                throw InvalidOption(option: "--validation", problem: "traces: needs the names of the traces to hold out; for no validation write --validation none")
            }
            return .heldOutTraces(names: names)
        }
        throw InvalidOption(option: "--validation", problem: "must be auto, training, none, tail:F, tail:F:N or traces:a,b; got '\(validation)'")
    }

    func fitOptions() throws -> FitOptions {
        var o = FitOptions()
        o.embeddingOrder = order
        o.augment = augment
        o.hidden = try hiddenWidths()
        o.activation = activation
        o.initialisationSigma = initSigma
        o.interpolation = InterpolationKind(rawValue: interpolation)!
        o.timeScale = timeScale
        o.windowLength = window
        o.batchSize = batch
        o.iterations = iterations
        o.learningRate = learningRate
        o.decayInterval = lrDecayEvery
        o.decayFactor = lrDecayFactor
        o.maxGradientNorm = clip
        o.observed = ObservedComponents(rawValue: observe)!
        switch solver {
        case "dopri5": o.solver = .adaptiveDormandPrince(rtol: rtol, atol: atol)
        case "tsit5": o.solver = .adaptiveTsitouras(rtol: rtol, atol: atol)
        default: o.solver = .fixedRK4(stepsPerSample: stepsPerSample)
        }
        o.gradient = GradientMethod(rawValue: gradient)!
        o.seed = seed
        o.inputNoise = inputNoise
        o.stateNoise = stateNoise
        o.threads = threads
        o.precision = TrainingPrecision(rawValue: precision)!
        o.validation = try validationData()
        o.validationInterval = validateEvery
        o.targetNRMSE = targetNrmse
        o.patience = patience
        if lrPlateau > 0 && o.validation != .none {
            o.plateau = PlateauSchedule(patience: lrPlateau, factor: lrDecayFactor, maxReductions: lrReductions)
        }
        try o.validate()
        return o
    }

    /// The training run these options describe (`Workflows.TrainingJob`), recording `trainingCommand`.
    func job(trainingCommand: String = CommandLine.arguments.joined(separator: " ")) throws -> TrainingJob {
        var job = TrainingJob(traces: traces, traceNames: traceNames, inputs: try inputNames(), parameters: try parameterNames(),
                              options: try fitOptions(), out: out, checkpointPath: checkpoint, checkpointEvery: checkpointEvery,
                              resume: resume, trainingCommand: trainingCommand, toolkitVersion: SpinodeVersion.string,
                              automaticValidation: validation == "auto")
        job.outputs = try outputNames()
        return job
    }

    func run() throws {
        if ensemble > 1 { return try runEnsemble() }
        var job = try self.job()
        // Under mpirun: a data-parallel fit, each rank integrating its share of every minibatch; rank 0
        // claims and writes the outputs and prints, the others only compute.
        let world = try MPIWorld.start()
        defer { world?.finalize() }
        job.dataParallel = world
        let lead = job.writesFiles
        var outputs = [OutputTarget(out)]
        if checkpointEvery > 0 || resume { outputs.append(OutputTarget(job.checkpointPath, option: "--checkpoint")) }
        let figure = lead ? try plot.map { try FigureFile(path: $0) } : nil
        try figure?.checkRenderer()
        if let figure { outputs.append(figure.target) }
        let locks = lead ? try OutputTarget.claim(outputs, inputs: [traces]) : []
        defer { locks.forEach { $0.release() } }
        let quiet = self.quiet || !lead
        BLAS.setThreadCount(threads)
        let printer = TrainingProgressPrinter(stream: json ? FileHandle.standardError : FileHandle.standardOutput,
                                              terminal: isatty(json ? 2 : 1) != 0, logEvery: job.options.validationInterval)
        var losses = TrainingFigure.LossHistory()
        let outcome = try job.train { p, trainer in
            if figure != nil { losses.record(iteration: p.iteration, loss: p.loss) }
            if !quiet { printer.report(p, trainer: trainer) }
        }
        if lead { printer.finish() }
        let trainer = outcome.trainer
        if !quiet, let note = TrainingJob.worseThanUntrainedNote(trainer) {
            FileHandle.standardError.write(Data(("spinode fit: " + note + "\n").utf8))
        }
        // The figure before the model: a run whose validations all diverged is the one most worth looking at.
        try figure?.write(TrainingFigure.figure(loss: losses, validation: trainer.validationHistory,
                                                bestIteration: trainer.bestValidationNRMSE == nil ? nil : trainer.bestIteration,
                                                title: "spinode fit \(URL(fileURLWithPath: traces).lastPathComponent)"))
        guard lead else { return }
        try job.writeModel(trainer)

        if json {
            var fields: [(String, JSONValue)] = [
                ("model", .string(out)), ("traces", .strings(trainer.traceNames)),
                ("iterations", .integer(trainer.iteration)), ("stop_reason", .string(outcome.reason.rawValue)),
                ("final_train_loss", .number(trainer.lastLoss)),
                ("best_validation_nrmse", trainer.bestValidationNRMSE.map { .number($0) } ?? .null),
                ("best_iteration", .integer(trainer.bestIteration)),
                ("initial_validation_nrmse", trainer.baselineValidationNRMSE.map { .number($0) } ?? .null),
                ("seconds", .number(outcome.seconds)),
                ("seconds_per_iteration", .number(outcome.seconds / Double(max(1, trainer.iteration - outcome.startIteration)))),
                ("gradient_method", .string(job.options.gradient.rawValue)), ("solver", .string(solver)),
                ("precision", .string(job.options.precision.rawValue)), ("threads", .integer(job.options.threads)),
                ("ranks", .integer(world?.size ?? 1)),
                ("seed", job.options.seed <= UInt64(Int.max) ? .integer(Int(job.options.seed)) : .string(String(job.options.seed))),
                ("validation", .array(trainer.validationHistory.map {
                    .object([("iteration", .integer($0.iteration)), ("nrmse", .number($0.nrmse))])
                })),
            ]
            if let plot { fields.append(("plot", .string(plot))) }
            print(JSONValue.object(fields).rendered())
        } else {
            print(job.summaryLine(outcome) + (plot.map { "; figure \($0)" } ?? ""))
        }
    }
}
