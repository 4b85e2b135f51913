import Foundation
import TraceIO
import Workflows
#if canImport(Glibc)
import Glibc
#endif

/// `spinode demo --train`: retrains the skyrmion surrogate from scratch with `spinode fit` itself (the `Fit`
/// command parsed from the training command recorded in the bundled model file, `@training_command`), on the
/// bundled training trace, writing to the demo's output folder. The fit's live progress appears on stderr.
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

    /// The arguments after "fit" in a recorded command line ("/path/spinode fit TRACES --trace train ..."), or nil.
    static func fitArguments(recorded command: String) -> [String]? {
        let tokens = command.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
        guard let fit = tokens.firstIndex(of: "fit") else { return nil }
        return Array(tokens[(fit + 1)...])
    }

    static func run(bundledModel: String, traces: String, out: String, quick: Bool, progress: DemoProgress) throws -> DemoTraining {
        let recordedCommand = (try? SurrogateModelFile.read(bundledModel).trainingCommand) ?? ""
        let recorded = fitArguments(recorded: recordedCommand)
        let arguments = recorded ?? defaultArguments(traces: traces)
        var fit = try Fit.parse(arguments)
        // Same settings, but the bundled traces wherever they are, a fresh model in the output folder, live
        // progress, no resumption of anyone's checkpoint.
        fit.traces = traces
        fit.out = out
        fit.json = false
        fit.quiet = false
        fit.resume = false
        fit.checkpointEvery = 0
        if quick { fit.iterations = min(fit.iterations, 20); fit.validateEvery = min(fit.validateEvery, 10) }
        progress.step("retraining the surrogate from scratch: spinode fit " + arguments.joined(separator: " ")
                      + (recorded == nil ? " (no training command recorded in \(bundledModel); the paper's settings)" : " (as recorded in \(bundledModel))")
                      + ", on \(traces), writing \(out)" + (quick ? "; --quick: at most 20 iterations" : ""))
        // Fit prints its progress and closing line on stdout; the demo keeps stdout for its summary.
        fflush(stdout)
        let saved = dup(1)
        dup2(2, 1)
        defer {
            fflush(stdout)
            dup2(saved, 1)
            close(saved)
        }
        let (_, seconds) = try DemoProgress.timed { try fit.run() }
        return DemoTraining(arguments: arguments, model: out, seconds: seconds, recorded: recorded != nil)
    }

    var json: JSONValue {
        .object([("model", .string(model)), ("fit_arguments", .strings(arguments)), ("recorded_command", .bool(recorded)),
                 ("seconds", .number(seconds))])
    }
}
