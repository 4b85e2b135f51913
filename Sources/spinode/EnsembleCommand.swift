import ArgumentParser
import Foundation
import Numerics
import Surrogate
import TraceIO
import Workflows

/// `spinode ensemble A.h5 B.h5 ... --calibrate TRACES.h5 --out E.h5`: one ensemble model of separately
/// trained fits (e.g. the fits of a sweep over seeds), with the trust flag calibrated on given traces.
struct EnsembleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ensemble",
        abstract: "Combine fits of the same data and settings into one ensemble model with a calibrated trust flag.",
        discussion: """
        The models must agree in everything but their weights (embedding, sampling, channels, normalisation, \
        linear term, network shape): fits of the same traces with the same options and different --seed, or \
        ensembles of such fits. The first model gives the file's root network (member 0) and provenance; the \
        others follow in the order given. The trust flag's threshold is --trust-margin times the largest \
        spread of the members' free runs over the --calibrate traces (each trace whole, from its true initial \
        state; spread = RMS over outputs of the members' standard deviation in normalised units). Calibrate on \
        data the members were not trained on, e.g. a held-out part cut with spinode split. --out is written \
        atomically (layout: docs/model-file.md, "Ensembles").

        Example:
          spinode split traces.h5 --trace train --at 40e-9 --names fit,check --out parts.h5
          spinode ensemble fit-seed0.h5 fit-seed1.h5 fit-seed2.h5 --calibrate parts.h5 --trace check --out ensemble.h5
        """
    )

    @Argument(help: "Model files (HDF5), at least 2 networks in all.") var models: [String]
    @Option(help: "Trace file (HDF5) whose traces calibrate the trust flag.") var calibrate: String
    @Option(name: .customLong("trace"), help: "Calibrate on this trace only (repeat, or a comma-separated list; default: every trace).")
    var traceNames: [String] = []
    @Option(name: .customLong("map"), help: "Trace channel to model channel, TRACE_CHANNEL=MODEL_CHANNEL (repeat, or a comma-separated list).")
    var channelMap: [String] = []
    @Option(parsing: .unconditional, help: "Trust threshold as a multiple of the largest member spread over the calibration free runs.")
    var trustMargin = EnsembleTraining.defaultMargin
    @Option(parsing: .unconditional, help: "Threads: members run side by side.") var threads = 1
    @Option(help: "Ensemble model file to write (HDF5).") var out: String
    @Flag(help: "Print one JSON summary.") var json = false

    func validate() throws {
        guard !models.isEmpty else { throw OptionValueError("give at least two model files") }
        try OptionCheck.real(trustMargin, "--trust-margin", .positive)
        try OptionCheck.integer(threads, "--threads", 1...1024)
        _ = try OptionList.expand(traceNames, option: "--trace")
        _ = try ChannelMap(parsing: OptionList.expand(channelMap, option: "--map"))
    }

    func run() throws {
        let locks = try OutputTarget.claim([OutputTarget(out)], inputs: models + [calibrate])
        defer { locks.forEach { $0.release() } }
        BLAS.setThreadCount(1)
        let files = try models.map { try SurrogateModelFile.read($0) }
        let combined = try SurrogateModelFile.ensemble(of: files, trust: nil, names: models)
        guard combined.memberCount >= 2 else { throw OptionValueError("an ensemble needs at least 2 networks; '\(models[0])' holds 1") }
        let prediction = try EnsemblePrediction(file: combined)
        let surrogate = prediction.members[0]
        let map = try ChannelMap(parsing: OptionList.expand(channelMap, option: "--map"))
        let traceFile = try TraceFile(path: calibrate)
        var names = traceFile.traceNames
        if !traceNames.isEmpty {
            let requested = try OptionList.expand(traceNames, option: "--trace", isWhole: traceFile.traceNames.contains)
            for name in requested where !traceFile.traceNames.contains(name) {
                throw SurrogateError.invalidTrace("'\(calibrate)' has no trace '\(name)' (it has \(traceFile.traceNames))")
            }
            names = traceFile.traceNames.filter(requested.contains)
        }
        guard !names.isEmpty else {
            throw TraceIOError.invalidValue(file: calibrate, object: "/traces", detail: "holds no trace to calibrate on")
        }
        let normalised = try names.map { name -> NormalisedTrace in
            do {
                let raw = try RawTrace(trace: traceFile.trace(name)).matchingChannels(of: surrogate, map: map, inputs: true)
                return try raw.conformingSampleInterval(to: surrogate).trace.normalised(for: surrogate)
            } catch let error as SurrogateError { throw FileContextError(file: calibrate, error: error) }
        }
        let segments = normalised.indices.map { (trace: $0, start: 0, length: normalised[$0].sampleCount) }
        let trust = try prediction.calibrate(traces: normalised, segments: segments, margin: trustMargin,
                                             description: "free runs over \(calibrate): " + names.joined(separator: ", "),
                                             threads: threads)
        var file = combined
        file.trust = trust
        try file.write(to: out)
        if json {
            print(JSONValue.object([
                ("model", .string(out)), ("members", .integer(file.memberCount)), ("sources", .strings(models)),
                ("calibration_traces", .strings(names)), ("spread_threshold", .number(trust.spreadThreshold)),
                ("trust_margin", .number(trust.margin)), ("calibration_max_spread", .number(trust.calibrationMaxSpread)),
                ("calibration_samples", .integer(trust.calibrationSamples)),
            ]).rendered())
        } else {
            print(String(format: "%@: ensemble of %d members; trust threshold %.4g (%.3g x the largest spread %.4g over %d samples of %@)",
                         out, file.memberCount, trust.spreadThreshold, trust.margin, trust.calibrationMaxSpread,
                         trust.calibrationSamples, names.joined(separator: ", ")))
        }
    }
}
