import Foundation
import MessagePassing
import Numerics
import Surrogate
import TraceIO
import Workflows

extension Fit {
    /// `spinode fit --ensemble N` (N > 1): the members side by side, then the calibrated ensemble file.
    func runEnsemble() throws {
        if let world = try MPIWorld.start() {
            defer { world.finalize() }
            throw InvalidOption(option: "--ensemble", problem: "runs in one process; under mpirun, run a sweep of fits and combine them with spinode ensemble")
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let training = EnsembleTraining(job: try job(), members: ensemble, margin: trustMargin, concurrent: max(1, cores / threads))
        var outputs = [OutputTarget(out)]
        if checkpointEvery > 0 || resume {
            for i in 0..<ensemble { outputs.append(OutputTarget(training.checkpointPath(member: i), option: "--checkpoint")) }
        }
        let locks = try OutputTarget.claim(outputs, inputs: [traces])
        defer { locks.forEach { $0.release() } }
        BLAS.setThreadCount(threads)
        let stream = json ? FileHandle.standardError : FileHandle.standardOutput
        if !quiet {
            stream.write(Data("training \(ensemble) members, \(training.concurrent) at a time (seeds \(seed) ... \(seed &+ UInt64(ensemble - 1)))\n".utf8))
        }
        let outcome = try training.train { i, member in
            if !quiet { stream.write(Data(("member \(i): " + training.memberJob(i).summaryLine(member) + "\n").utf8)) }
        }
        try TrainingRun.writeModel(outcome.file, to: out)
        let trust = outcome.file.trust!
        if json {
            let members: [JSONValue] = outcome.members.map { m in
                .object([("seed", .string(String(m.trainer.options.seed))), ("iterations", .integer(m.trainer.iteration)),
                         ("stop_reason", .string(m.reason.rawValue)), ("best_iteration", .integer(m.trainer.bestIteration)),
                         ("best_validation_nrmse", m.trainer.bestValidationNRMSE.map { .number($0) } ?? .null),
                         ("seconds", .number(m.seconds))])
            }
            print(JSONValue.object([
                ("model", .string(out)), ("traces", .strings(outcome.members[0].trainer.traceNames)),
                ("members", .integer(ensemble)), ("concurrent", .integer(training.concurrent)),
                ("threads", .integer(threads)), ("seconds", .number(outcome.seconds)),
                ("spread_threshold", .number(trust.spreadThreshold)), ("trust_margin", .number(trust.margin)),
                ("calibration_max_spread", .number(trust.calibrationMaxSpread)),
                ("calibration_samples", .integer(trust.calibrationSamples)), ("calibration_data", .string(trust.calibrationData)),
                ("member_fits", .array(members)),
            ]).rendered())
        } else {
            print(String(format: "%@: ensemble of %d members, %.1f s; trust threshold %.4g (%.3g x the largest spread %.4g over %d validation samples)",
                         out, ensemble, outcome.seconds, trust.spreadThreshold, trust.margin, trust.calibrationMaxSpread,
                         trust.calibrationSamples))
        }
    }
}
