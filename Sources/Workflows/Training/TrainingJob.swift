import Foundation
import Numerics
import SafeIO
import Surrogate
import TraceIO

/// One training run of `spinode fit` as values: the traces and channels, the trainer's options, the files
/// and the checkpoint policy. `spinode fit` builds it from its options; `spinode demo --train` from the
/// training command recorded in the bundled model. Both then call the same `train` and `writeModel`.
/// The caller claims `out` (and the checkpoint) with `OutputTarget` first.
public struct TrainingJob {
    public var traces: String
    /// Traces to train on (empty: every trace of the file).
    public var traceNames: [String]
    /// Input and parameter channels by name (nil: every one of the traces; []: none).
    public var inputs: [String]?
    public var parameters: [String]?
    /// Output channels the model learns, by name (nil: every output of the traces).
    public var outputs: [String]? = nil
    public var options: FitOptions
    public var out: String
    public var checkpointPath: String
    /// A checkpoint every this many iterations and one at the end (0: none).
    public var checkpointEvery: Int
    /// The processes of a data-parallel fit (`mpirun spinode fit`), or nil.
    public var dataParallel: (any GradientAllReduce)? = nil
    /// Whether this process writes the checkpoint and model (rank 0 of a data-parallel fit; always alone).
    public var writesFiles: Bool { (dataParallel?.rank ?? 0) == 0 }
    /// Continue from the checkpoint at `checkpointPath`.
    public var resume: Bool
    /// The command line recorded in the model file (`@training_command`).
    public var trainingCommand: String
    public var toolkitVersion: String
    /// Replace `options.validation` by `ValidationData.automatic` of the traces' lengths once they are read
    /// (`spinode fit --validation auto`).
    public var automaticValidation: Bool
    /// The tail `automaticValidation` holds out of long traces (`ValidationData.automaticTailFraction`; the
    /// members of an ensemble use `automaticEnsembleTailFraction`).
    public var automaticTailFraction = ValidationData.automaticTailFraction
    /// The stretches `automaticValidation` scores (`ValidationData.automaticBlocks`; 1, the tail alone,
    /// for the members of an ensemble).
    public var automaticBlocks = ValidationData.automaticBlocks

    public init(traces: String, traceNames: [String] = [], inputs: [String]? = nil, parameters: [String]? = nil,
                options: FitOptions, out: String, checkpointPath: String? = nil, checkpointEvery: Int = 0, resume: Bool = false,
                trainingCommand: String, toolkitVersion: String, automaticValidation: Bool = false) {
        self.traces = traces
        self.traceNames = traceNames
        self.inputs = inputs
        self.parameters = parameters
        self.options = options
        self.out = out
        self.checkpointPath = checkpointPath ?? out + ".checkpoint.json"
        self.checkpointEvery = checkpointEvery
        self.resume = resume
        self.trainingCommand = trainingCommand
        self.toolkitVersion = toolkitVersion
        self.automaticValidation = automaticValidation
    }

    /// A finished training: the trainer (best model, histories), why it stopped, the wall seconds of the
    /// training loop and the iteration it started from (0, or the checkpoint's).
    public struct Outcome {
        public var trainer: SurrogateTrainer
        public var reason: SurrogateTrainer.StopReason
        public var seconds: Double
        public var startIteration: Int
    }

    /// Reads the checkpoint (with `resume`, before the traces) and the traces, builds the trainer, refuses a
    /// disk too full for the model and checkpoints, then trains until it stops, calling `progress` after
    /// every iteration (`TrainingRun.train`: the checkpoint policy).
    public func train(progress: ((TrainingProgress, SurrogateTrainer) -> Void)? = nil) throws -> Outcome {
        var resumeFrom: TrainingCheckpoint?
        if resume {
            guard FileManager.default.fileExists(atPath: checkpointPath) else {
                throw SurrogateError.checkpoint("--resume: no checkpoint at '\(checkpointPath)'")
            }
            resumeFrom = try TrainingCheckpoint.read(from: checkpointPath)
        }
        var all = try TraceFile.read(traces)
        if !traceNames.isEmpty {
            for name in traceNames where !all.contains(where: { $0.name == name }) {
                throw SurrogateError.invalidTrace("'\(traces)' has no trace '\(name)' (it has \(all.map(\.name)))")
            }
            all = all.filter { traceNames.contains($0.name) }
        }
        let raw = try all.map { try RawTrace(trace: $0).selecting(inputs: inputs, outputs: outputs, parameters: parameters) }
        var options = self.options
        if automaticValidation {
            options.validation = ValidationData.automatic(sampleCounts: raw.map(\.sampleCount), tailFraction: automaticTailFraction,
                                                            blocks: automaticBlocks)
        }
        let trainer = try SurrogateTrainer(traces: raw, options: options, dataParallel: dataParallel)
        // The model and checkpoint files are a few parameter copies; refuse a full disk before training.
        let parameterBytes = Double(trainer.bestModel.mlp.parameterCount) * 8
        try SystemResources.requireDiskSpace((checkpointEvery > 0 ? 5 : 1) * parameterBytes + 1e6, for: out)
        if let resumeFrom { try trainer.restore(resumeFrom) }
        let startIteration = trainer.iteration
        let watch = Stopwatch()
        // In a data-parallel fit every process holds the same state; rank 0 alone writes the checkpoint.
        let reason = try TrainingRun.train(trainer, checkpointEvery: writesFiles ? checkpointEvery : 0, checkpointPath: checkpointPath) { p in
            progress?(p, trainer)
        }
        return Outcome(trainer: trainer, reason: reason, seconds: watch.elapsedSeconds, startIteration: startIteration)
    }

    /// The note printed when the best trained model validates worse than the untrained network, else nil.
    public static func worseThanUntrainedNote(_ trainer: SurrogateTrainer) -> String? {
        guard let baseline = trainer.baselineValidationNRMSE, let best = trainer.bestValidationNRMSE, best > baseline else { return nil }
        return String(format: "note: the best trained model (validation NRMSE %.4g at iteration %d) is worse than the untrained initial network (%.4g); train longer or lower --lr",
                      best, trainer.bestIteration, baseline)
    }

    /// Writes the best model with its provenance (the optimiser's own settings, `TrainingProvenance`) to `out`
    /// (`TrainingRun.writeModel`). When every validation free run of the trained model diverged, `out` gets
    /// nothing: the weights go to the temporary folder and `TrainingJobError.diverged` says where.
    public func writeModel(_ trainer: SurrogateTrainer) throws {
        let provenance = TrainingProvenance.of(trainer, traces: traces, toolkitVersion: toolkitVersion)
        let file = trainer.bestModel.file(provenance: provenance, trainingCommand: trainingCommand)
        if let best = trainer.bestValidationNRMSE, !best.isFinite {
            let rescue = TrainingRun.rescuePath(for: out)
            let kept = (try? file.write(to: rescue)) != nil ? rescue : nil
            throw TrainingJobError.diverged(out: out, validations: trainer.validationHistory.filter { $0.iteration > 0 }.count,
                                            rescue: kept)
        }
        try TrainingRun.writeModel(file, to: out)
    }

    /// "OUT: best model at iteration I of N, validation NRMSE V, final loss L, S s (stopped: R)".
    public func summaryLine(_ outcome: Outcome) -> String {
        let t = outcome.trainer
        return "\(out): best model at iteration \(t.bestIteration) of \(t.iteration)"
            + (t.bestValidationNRMSE.map { String(format: ", validation NRMSE %.4g", $0) } ?? "")
            + String(format: ", final loss %.4e, %.1f s (stopped: %@)", t.lastLoss, outcome.seconds, outcome.reason.rawValue)
    }
}

/// Why a training run wrote no model, as one line.
public enum TrainingJobError: Error, CustomStringConvertible, Equatable {
    /// Every validation free run of the trained model diverged (NRMSE inf); the weights went to `rescue`.
    case diverged(out: String, validations: Int, rescue: String?)

    public var description: String {
        switch self {
        case let .diverged(out, validations, rescue):
            let which = validations == 1 ? "the validation free run" : "all \(validations) validation free runs"
            return "\(out): not written: \(which) of the trained model diverged (NRMSE inf); lower --lr or set --clip"
                + (rescue.map { "; the last trained weights were saved to '\($0)'" } ?? "")
        }
    }
}
