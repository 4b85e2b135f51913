import Foundation
import Numerics
import Surrogate
import TraceIO

/// `spinode fit --ensemble N`: N members trained side by side on the same traces with the same settings,
/// member i (0-based) with seed s + i (s the fit's `--seed`), so each draws its own initialisation, windows
/// and noise; then the trust flag calibrated on the fits' validation data (`EnsemblePrediction.calibrate`)
/// and one ensemble model file written (docs/surrogate-model.md, "Ensembles and the trust flag").
/// Member i checkpoints to the fit's checkpoint path (i = 0) or that path with ".memberI+1" before its
/// ".json" extension (model.h5.checkpoint.member2.json); a resumed
/// ensemble continues every member that has a checkpoint and starts the others afresh.
public struct EnsembleTraining {
    public var job: TrainingJob
    public var members: Int
    /// Threshold = margin x the largest spread over the validation free runs.
    public var margin: Double
    /// Members trained at once.
    public var concurrent: Int

    /// The default margin of the trust threshold over the calibration data's largest spread.
    public static let defaultMargin = 2.0

    public init(job: TrainingJob, members: Int, margin: Double = EnsembleTraining.defaultMargin, concurrent: Int) {
        self.job = job
        self.members = members
        self.margin = margin
        self.concurrent = max(1, concurrent)
    }

    /// Checkpoint path of member `i` (0-based).
    public func checkpointPath(member i: Int) -> String {
        guard i > 0 else { return job.checkpointPath }
        let path = job.checkpointPath
        return path.hasSuffix(".json") ? String(path.dropLast(5)) + ".member\(i + 1).json" : path + ".member\(i + 1)"
    }

    /// The training job of member `i` (0-based).
    public func memberJob(_ i: Int) -> TrainingJob {
        var member = job
        member.options.seed = job.options.seed &+ UInt64(i)
        member.automaticTailFraction = ValidationData.automaticEnsembleTailFraction
        member.automaticBlocks = 1
        member.checkpointPath = checkpointPath(member: i)
        member.resume = job.resume && FileManager.default.fileExists(atPath: member.checkpointPath)
        return member
    }

    /// The finished members (in member order) and the ensemble model file.
    public struct Outcome {
        public var members: [TrainingJob.Outcome]
        public var file: SurrogateModelFile
        public var seconds: Double
    }

    /// Trains every member (`finished` is called, serially, as each one ends), calibrates the trust flag
    /// on the validation data and builds the model file. A member whose every validation diverged fails
    /// the ensemble (`TrainingJobError.diverged`).
    public func train(finished: ((Int, TrainingJob.Outcome) -> Void)? = nil) throws -> Outcome {
        // As a single fit: --resume with nothing to resume from is an error, not a fresh start.
        if job.resume, !(0..<members).contains(where: { FileManager.default.fileExists(atPath: checkpointPath(member: $0)) }) {
            throw SurrogateError.checkpoint("--resume: no checkpoint of any member at '\(job.checkpointPath)' (or its .memberI siblings)")
        }
        let watch = Stopwatch()
        let report = NSLock()
        let outcomes = try parallelMap(count: members, threads: concurrent) { i -> TrainingJob.Outcome in
            let outcome = try memberJob(i).train()
            report.lock(); finished?(i, outcome); report.unlock()
            return outcome
        }
        var files: [SurrogateModelFile] = []
        for (i, outcome) in outcomes.enumerated() {
            let trainer = outcome.trainer
            if let best = trainer.bestValidationNRMSE, !best.isFinite {
                throw TrainingJobError.diverged(out: job.out + " (member \(i), seed \(trainer.options.seed))",
                                                validations: trainer.validationHistory.filter { $0.iteration > 0 }.count, rescue: nil)
            }
            let provenance = TrainingProvenance.of(trainer, traces: job.traces, toolkitVersion: job.toolkitVersion)
            files.append(trainer.bestModel.file(provenance: provenance, trainingCommand: job.trainingCommand))
        }
        let first = outcomes[0].trainer
        let calibration = try EnsemblePrediction(members: outcomes.map(\.trainer.bestModel), solver: first.options.solver)
            .calibrate(traces: first.validationTraces, segments: first.validationSegments, margin: margin,
                       description: Self.describe(first.options.validation), threads: concurrent)
        let file = try SurrogateModelFile.ensemble(of: files, trust: calibration)
        return Outcome(members: outcomes, file: file, seconds: watch.elapsedSeconds)
    }

    /// What the calibration ran on, for the model file.
    static func describe(_ validation: ValidationData) -> String {
        switch validation {
        case .trainingTraces: return "free runs over the whole training traces (no held-out data)"
        case .heldOutTail(let f): return "free runs over the held-out last \(f) of every training trace"
        case .lastBlocks(let f, let n): return "free runs over the last \(n) stretches of \(f) of every training trace (the last held out)"
        case .heldOutTraces(let names): return "free runs over the held-out traces " + names.joined(separator: ", ")
        case .none: return "none"
        }
    }
}
