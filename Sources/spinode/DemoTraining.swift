import Foundation
import Numerics
import TraceIO
import Workflows
#if canImport(Glibc)
import Glibc
#endif

/// `spinode demo --train`: retrains the skyrmion surrogate from scratch with the training run of `spinode fit`
/// (`Workflows.TrainingJob`), set up from the training command recorded in the bundled model file
/// (`@training_command`, read with `fit`'s own options), on the bundled training trace, writing to the demo's
/// output folder. The fit's live progress appears on stderr, as `spinode fit` shows it.
struct DemoTraining {
    /// The fit arguments as recorded (or the defaults); the traces argument and --out were replaced when run.
    var arguments: [String]
    var model: String
    var seconds: Double
    var recorded: Bool

    /// Fit arguments used when the bundled model records no training command: the paper's settings.
    static func defaultArguments(traces: String) -> [String] {
        [traces, "--trace", "train", "--out", "skyrmion-disk.h5", "--iterations", "3000", "--seed", "1"]
    }

    static func run(bundledModel: String, traces: String, out: String, quick: Bool, progress: DemoProgress) throws -> DemoTraining {
        let file = try? SurrogateModelFile.read(bundledModel)
        let recorded = RecordedFitCommand.fitArguments(recorded: file?.trainingCommand ?? "")
        var arguments = recorded ?? defaultArguments(traces: traces)
        if recorded != nil, let settings = file?.provenance.optimiserSettings {
            arguments = RecordedFitCommand.rerunArguments(arguments, optimiserSettings: settings)
        }
        // The recorded options, read as `spinode fit` reads them; then the same settings, but the bundled traces
        // wherever they are, a fresh model in the output folder, no resumption of anyone's checkpoint.
        var job = try Fit.parse(arguments).job()
        job.traces = traces
        job.out = out
        job.resume = false
        job.checkpointEvery = 0
        if quick {
            job.options.iterations = min(job.options.iterations, 20)
            job.options.validationInterval = min(job.options.validationInterval, 10)
        }
        progress.step("retraining the surrogate from scratch: spinode fit " + arguments.joined(separator: " ")
                      + (recorded == nil ? " (no training command recorded in \(bundledModel); the paper's settings)" : " (as recorded in \(bundledModel))")
                      + ", on \(traces), writing \(out)" + (quick ? "; --quick: at most 20 iterations" : ""))
        let locks = try OutputTarget.claim([OutputTarget(out)], inputs: [traces])
        defer { locks.forEach { $0.release() } }
        BLAS.setThreadCount(job.options.threads)
        // Progress and the closing line on stderr: the demo keeps stdout for its summary.
        let (_, seconds) = try DemoProgress.timed {
            let printer = TrainingProgressPrinter(stream: .standardError, terminal: isatty(2) != 0, logEvery: job.options.validationInterval)
            let outcome = try job.train { p, trainer in printer.report(p, trainer: trainer) }
            printer.finish()
            if let note = TrainingJob.worseThanUntrainedNote(outcome.trainer) {
                FileHandle.standardError.write(Data(("spinode fit: " + note + "\n").utf8))
            }
            try job.writeModel(outcome.trainer)
            FileHandle.standardError.write(Data((job.summaryLine(outcome) + "\n").utf8))
        }
        return DemoTraining(arguments: arguments, model: out, seconds: seconds, recorded: recorded != nil)
    }

    var json: JSONValue {
        .object([("model", .string(model)), ("fit_arguments", .strings(arguments)), ("recorded_command", .bool(recorded)),
                 ("seconds", .number(seconds))])
    }
}
