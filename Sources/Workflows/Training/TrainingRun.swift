import Foundation
import SafeIO
import Surrogate
import TraceIO

/// The training run of `spinode fit` around `SurrogateTrainer.run`: the checkpoint policy (a checkpoint every
/// `checkpointEvery` iterations and one at the end, so an interrupted run resumes from its last state) and
/// the model file written so that a finished training is never lost to a full disk or a vanished folder.
public enum TrainingRun {
    /// Trains `trainer` until it stops, calling `progress` after every iteration. With `checkpointEvery` > 0
    /// a checkpoint is written to `checkpointPath` every that many iterations and once after the last.
    public static func train(_ trainer: SurrogateTrainer, checkpointEvery: Int, checkpointPath: String,
                             progress: ((TrainingProgress) -> Void)? = nil) throws -> SurrogateTrainer.StopReason {
        let reason = try trainer.run(checkpointInterval: checkpointEvery, checkpoint: { t in
            try t.checkpoint().write(to: checkpointPath)
        }, progress: progress)
        if checkpointEvery > 0 { try trainer.checkpoint().write(to: checkpointPath) }
        return reason
    }

    /// Writes `file` to `out` atomically; if that fails, writes it to the temporary folder instead and throws
    /// a `SafeIOError.write` for `out` that names where the model went.
    public static func writeModel(_ file: SurrogateModelFile, to out: String) throws {
        do { try file.write(to: out) } catch {
            let rescue = rescuePath(for: out)
            guard (try? file.write(to: rescue)) != nil else { throw error }
            let reason = (error as? SafeIOError)?.reason ?? "\(error)"
            throw SafeIOError.write(path: out, detail: reason + "; the trained model was saved to '\(rescue)' instead")
        }
    }

    /// Where a model that cannot go to `out` is kept: "$TMPDIR/spinode-fit-PID-NAME".
    public static func rescuePath(for out: String) -> String {
        NSTemporaryDirectory() + "spinode-fit-\(getpid())-" + URL(fileURLWithPath: out).lastPathComponent
    }
}
