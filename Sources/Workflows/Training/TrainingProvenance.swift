import Foundation
import NeuralNet
import Surrogate
import TraceIO

/// The provenance `spinode fit` writes into a model file (docs/model-file.md): the trace file and its
/// SHA-256, the traces trained on, the seed, the optimiser and its settings, the training metrics. The
/// optimiser's settings are read from the optimiser the run used (`SurrogateTrainer.optimiser`), so the
/// file records what ran, not what the defaults were when this was written.
public enum TrainingProvenance {
    /// Adam's settings (learning rate, beta1, beta2, epsilon, gradient clipping; 0 = none) with the run's
    /// minibatch, window, schedule and noise options, and the iterations run.
    /// `lr_plateau` is the plateau schedule's patience in validations (0: none). With a plateau schedule,
    /// `learning_rate` is the initial rate and `final_learning_rate` the rate after the reductions made
    /// (`lr_reductions_made`).
    public static func optimiserSettings(_ adam: Adam, options: FitOptions, iterations: Int,
                                         reductions: Int = 0) -> [String: Double] {
        var settings: [String: Double] = [
            "learning_rate": options.plateau == nil ? adam.learningRate : options.learningRate, "beta1": adam.beta1, "beta2": adam.beta2, "epsilon": adam.epsilon,
            "batch_size": Double(options.batchSize), "window_length": Double(options.windowLength),
            "iterations": Double(iterations), "lr_decay_every": Double(options.decayInterval),
            "lr_decay_factor": options.decayFactor, "max_gradient_norm": adam.maxGradientNorm ?? 0,
            "input_noise": options.inputNoise, "state_noise": options.stateNoise,
            "lr_plateau": 0,
        ]
        if let plateau = options.plateau {
            settings["lr_plateau"] = Double(plateau.patience)
            settings["lr_reductions"] = Double(plateau.maxReductions)
            settings["lr_reductions_made"] = Double(reductions)
            settings["final_learning_rate"] = adam.learningRate
        }
        return settings
    }

    /// Final training loss, iterations run, the best model's iteration and (when validated) its NRMSE.
    public static func metrics(of trainer: SurrogateTrainer) -> [String: Double] {
        var metrics: [String: Double] = ["train_loss": trainer.lastLoss, "iterations": Double(trainer.iteration),
                                         "best_iteration": Double(trainer.bestIteration)]
        if let v = trainer.bestValidationNRMSE { metrics["validation_nrmse"] = v }
        return metrics
    }

    /// The provenance of `trainer`'s run on `traces` (the SHA-256 is empty when the file cannot be read).
    public static func of(_ trainer: SurrogateTrainer, traces: String, toolkitVersion: String,
                          created: Date = Date()) -> SurrogateModelFile.Provenance {
        SurrogateModelFile.Provenance(
            traceFile: traces, traceFileSHA256: (try? SHA256.hexOfFile(traces)) ?? "", traceNames: trainer.traceNames,
            seed: trainer.options.seed, optimiser: "adam",
            optimiserSettings: optimiserSettings(trainer.optimiser, options: trainer.options, iterations: trainer.iteration,
                                                 reductions: trainer.learningRateReductions),
            metrics: metrics(of: trainer), toolkitVersion: toolkitVersion, created: ISO8601DateFormatter().string(from: created))
    }
}
