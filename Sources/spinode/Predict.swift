import ArgumentParser
import Foundation
import Numerics
import Surrogate
import TraceIO
import Workflows

/// `spinode predict MODEL.h5 TRACES.h5 --out PRED.h5`: free-running prediction with metrics.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a surrogate free over traces from their true initial state; write the predictions and report errors.",
        discussion: """
        For each trace the surrogate starts from the true embedded state at the first sample and runs with no \
        further access to the truth, driven by the trace's inputs (or, with --input, by the inputs of another \
        trace file). Inputs, outputs and parameters are matched to the model's by name (never by position); \
        a trace whose channels are named otherwise is refused unless --map names them (e.g. --map \
        current=deltaKu1). A trace's sample interval may differ from the model's by at most 1e-6 relative \
        (reported as sample_interval_relative_difference); resample others with spinode import --resample DT. Predictions are written in the trace schema (outputs = predictions). Metrics per output \
        channel over samples 1 ... N-1: NRMSE = RMS error / std of truth, per block of --block samples, maximum \
        error, and the dominant frequency (Hz) of truth and prediction (FFT, FFTW).

        --plot FILE.svg draws, for every predicted trace and output channel, the prediction and the truth \
        over time, the error (prediction - truth) over time, and the amplitude spectra of both (Welch, peak \
        amplitude in the channel's unit against frequency, log scale); with --input, the prediction and its \
        spectrum. FILE.png draws the same figure with matplotlib (needs python3 with matplotlib and \
        scripts/plot.py of the SpinODE checkout; refused before the run otherwise).

        Examples:
          spinode predict model.h5 traces.h5 --out prediction.h5 --json
          spinode predict model.h5 traces.h5 --trace test --input new-drive.h5 --out prediction.h5
          spinode predict model.h5 traces.h5 --out prediction.h5 --plot prediction.svg
        """
    )

    @Argument(help: "Model file (HDF5).") var model: String
    @Argument(help: "Trace file (HDF5); its traces give the initial states and (without --input) the drive.")
    var traces: String
    @Option(help: "Prediction file to write (HDF5 trace file).") var out: String
    @Option(name: .customLong("trace"), help: "Predict this trace only (repeat, or a comma-separated list; default: every trace).")
    var traceNames: [String] = []
    @Option(help: "Trace file whose inputs replace the traces' inputs (its first trace, or --input-trace).")
    var input: String?
    @Option(help: "Trace of --input to take the drive from.") var inputTrace: String?
    @Option(name: .customLong("map"),
            help: "Trace channel to model channel, TRACE_CHANNEL=MODEL_CHANNEL (repeat, or a comma-separated list): channels are matched by name.")
    var channelMap: [String] = []
    @Option(help: "Solver: rk4 (fixed, on the sample grid), dopri5, tsit5.") var solver = "rk4"
    @Option(parsing: .unconditional, help: "RK4 steps per sample interval (1 ... 10000).") var stepsPerSample = 1
    @Option(parsing: .unconditional, help: "Relative tolerance of adaptive solvers (0 < rtol < 1).") var rtol = 1e-6
    @Option(parsing: .unconditional, help: "Absolute tolerance of adaptive solvers (> 0).") var atol = 1e-8
    @Option(parsing: .unconditional, help: "Block length (samples) of the per-block NRMSE (>= 1).") var block = 1000
    @Option(help: "Figure to write (.svg; .png with python3 and matplotlib): prediction vs truth, error and amplitude spectrum per trace and output channel.")
    var plot: String?
    @Option(parsing: .unconditional, help: "Of an ensemble model: predict with this member only (0 ... N-1) instead of the ensemble.")
    var member: Int?
    @Option(parsing: .unconditional, help: "Threads for an ensemble's members (they run side by side; results do not depend on it).")
    var threads = 1
    @Option(name: .customLong("event"),
            help: "An absorbing event to time in truth and prediction: NAME<VALUE or NAME>VALUE on an output channel, e.g. topological_charge>-0.5 (the first sample from which the condition holds to the end of the trace; repeat for several).")
    var events: [String] = []
    @Option(help: "A second model for the device's regime after --switch (e.g. the uniform state after a skyrmion's annihilation): it takes over from the first sample at which the model's prediction meets --switch, started from the entry state (docs/surrogate-model.md, \"Two regimes\"). Either model may be an ensemble: its members' mean is used, and its spread and trust flag cover the samples it predicts (the first model's up to the switch in <name>_trust, the second's from it in <name>_trust_after; JSON ensemble and ensemble_after).")
    var after: String?
    @Option(name: .customLong("switch"), help: "With --after: the event that hands over, NAME<VALUE or NAME>VALUE on an output of the model, e.g. skyrmion_radius<2e-9.")
    var switchEvent: String?
    @Option(help: "With --after, instead of --switch: a learned switch trigger (JSON, format spinode-switch-trigger): a logistic score of lagged, standardised features of the model's prediction and of the drive, evaluated every stride_samples samples; the hand-over is at the first evaluation sample whose score reaches the trigger's threshold, plus its switch_delay_samples (docs/surrogate-model.md, \"A learned trigger\").")
    var switchTrigger: String?
    @Option(help: "With --after: values after the switch of the model's outputs that the --after model lacks, NAME=VALUE comma-separated (e.g. skyrmion_radius=0,topological_charge=0).")
    var fill: String?
    @Option(help: "With --after: the --after model's initial outputs at the switch, NAME=VALUE comma-separated (default: the model's prediction there).")
    var entry: String?
    @Option(help: "Arithmetic of the network: float64 (default) or float32 (the fused RK4 kernel only: --solver rk4, one step per sample, a zoh model with at most one input; the state and the RK4 stages stay float64).")
    var precision = "float64"
    @Flag(help: "Print one JSON summary.") var json = false

    func validate() throws {
        if let plot { _ = try FigureFile(path: plot) }
        guard let p = TrainingPrecision(rawValue: precision) else {
            throw OptionValueError("--precision must be float64 or float32, got '\(precision)'")
        }
        if p == .float32 {
            guard solver == "rk4", stepsPerSample == 1 else { throw OptionValueError("--precision float32 needs --solver rk4 with one step per sample") }
            guard after == nil else { throw OptionValueError("--precision float32 cannot be combined with --after") }
        }
        guard ["rk4", "dopri5", "tsit5"].contains(solver) else { throw OptionValueError("--solver must be rk4, dopri5 or tsit5, got '\(solver)'") }
        guard (1...10_000).contains(stepsPerSample) else {
            throw OptionValueError("--steps-per-sample must be an integer in 1 ... 10000, got \(stepsPerSample)")
        }
        guard block >= 1 else { throw OptionValueError("--block must be an integer >= 1, got \(block)") }
        guard rtol.isFinite, rtol > 0, rtol < 1 else { throw OptionValueError("--rtol must be in (0, 1), got \(rtol)") }
        guard atol.isFinite, atol > 0 else { throw OptionValueError("--atol must be positive and finite, got \(atol)") }
        _ = try OptionList.expand(traceNames, option: "--trace")
        _ = try ChannelMap(parsing: OptionList.expand(channelMap, option: "--map"))
        if inputTrace != nil, input == nil { throw OptionValueError("--input-trace needs --input") }
        if let member, member < 0 { throw OptionValueError("--member must be >= 0, got \(member)") }
        guard (1...1024).contains(threads) else { throw OptionValueError("--threads must be an integer in 1 ... 1024, got \(threads)") }
        for e in events {
            do { _ = try RegimeEvent(parsing: e) } catch let error as SurrogateError { throw OptionValueError("--event: \(error)") }
        }
        if switchEvent != nil, switchTrigger != nil { throw OptionValueError("--switch and --switch-trigger exclude each other: give one") }
        if (after == nil) != (switchEvent == nil && switchTrigger == nil) {
            throw OptionValueError(after == nil ? "--switch and --switch-trigger need --after"
                                                : "--after and --switch go together: give --switch COND or --switch-trigger FILE")
        }
        if after == nil, fill != nil || entry != nil { throw OptionValueError("--fill and --entry need --after") }
        if after != nil, input != nil { throw OptionValueError("--after cannot be combined with --input") }
        if let switchEvent {
            do { _ = try RegimeEvent(parsing: switchEvent) } catch let error as SurrogateError { throw OptionValueError("--switch: \(error)") }
        }
        _ = try readSwitchTrigger()
        _ = try Self.values(fill, option: "--fill")
        _ = try Self.values(entry, option: "--entry")
    }

    /// The `--switch-trigger` file, read and checked on its own (nil: none); refused as one line naming the file.
    func readSwitchTrigger() throws -> SwitchTrigger? {
        guard let switchTrigger else { return nil }
        do { return try SwitchTrigger(path: switchTrigger) } catch let error as SurrogateError {
            throw OptionValueError("--switch-trigger: \(error)")
        }
    }

    /// NAME=VALUE pairs, comma-separated (nil: none).
    static func values(_ text: String?, option: String) throws -> [String: Double] {
        guard let text else { return [:] }
        var out = [String: Double]()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "=", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let v = Double(parts[1]), v.isFinite else {
                throw OptionValueError("\(option) must be NAME=VALUE pairs (finite numbers), comma-separated, got '\(text)'")
            }
            guard out.updateValue(v, forKey: parts[0]) == nil else { throw OptionValueError("\(option) names '\(parts[0])' twice") }
        }
        return out
    }

    func run() throws {
        let figure = try plot.map { try FigureFile(path: $0) }
        try figure?.checkRenderer()
        let locks = try OutputTarget.claim([OutputTarget(out)] + (figure.map { [$0.target] } ?? []),
                                           inputs: [model, traces] + (input.map { [$0] } ?? []) + (after.map { [$0] } ?? [])
                                                    + (switchTrigger.map { [$0] } ?? []))
        defer { locks.forEach { $0.release() } }
        BLAS.setThreadCount(1)
        let modelFile = try SurrogateModelFile.read(model)
        let chosen = try member.map { try modelFile.member($0, of: model) } ?? modelFile
        let ensemble = chosen.memberCount > 1 ? chosen : nil
        let solverChoice: SurrogateSolver
        switch solver {
        case "dopri5": solverChoice = .adaptiveDormandPrince(rtol: rtol, atol: atol)
        case "tsit5": solverChoice = .adaptiveTsitouras(rtol: rtol, atol: atol)
        default: solverChoice = .fixedRK4(stepsPerSample: stepsPerSample)
        }
        // A single model is an ensemble of one: its mean is its own prediction, bit for bit.
        var prediction = try EnsemblePrediction(file: chosen, solver: solverChoice)
        prediction.precision = TrainingPrecision(rawValue: precision) ?? .float64
        var regimes: RegimeSwitchPrediction?
        var secondFile: SurrogateModelFile?
        if let after {
            let second = try SurrogateModelFile.read(after)
            secondFile = second
            let handover: RegimeSwitchPrediction.Handover
            if let switchEvent { handover = .event(try RegimeEvent(parsing: switchEvent)) } else {
                handover = .trigger(try readSwitchTrigger()!, name: switchTrigger!)
            }
            do {
                // Ensembles on either side: the switch is taken on the first model's mean (`--member I` picks one).
                regimes = try RegimeSwitchPrediction(before: prediction.members, after: second.members.map { try SurrogateModel(file: $0) },
                                                     handover: handover, fill: Self.values(fill, option: "--fill"),
                                                     entry: Self.values(entry, option: "--entry"), solver: solverChoice)
            } catch let error as SurrogateError { throw OptionValueError("--after \(after): \(error)") }
        }
        let surrogate = prediction.members[0]
        let map = try ChannelMap(parsing: OptionList.expand(channelMap, option: "--map"))
        let file = try TraceFile(path: traces)
        var names = file.traceNames
        // A file without traces would give an empty prediction file and exit 0: nothing was predicted.
        guard !names.isEmpty else {
            throw TraceIOError.invalidValue(file: traces, object: "/traces", detail: "holds no trace to predict")
        }
        if !traceNames.isEmpty {
            let requested = try OptionList.expand(traceNames, option: "--trace", isWhole: file.traceNames.contains)
            for name in requested where !file.traceNames.contains(name) {
                throw SurrogateError.invalidTrace("'\(traces)' has no trace '\(name)' (it has \(file.traceNames))")
            }
            if let twice = requested.first(where: { name in requested.filter { $0 == name }.count > 1 }) {
                throw OptionValueError("--trace names '\(twice)' twice")
            }
            // In the file's order, whatever the order asked: the traces are predicted as one batch.
            names = file.traceNames.filter(requested.contains)
        }
        let all = try names.map(file.trace)
        let sources = try all.map { trace in try within(traces) { try RawTrace(trace: trace) } }
        var drive: RawTrace?
        if let input {
            let drives = try TraceFile.read(input)
            let chosen: Trace
            if let name = inputTrace {
                guard let d = drives.first(where: { $0.name == name }) else {
                    throw SurrogateError.invalidTrace("'\(input)' has no trace '\(name)' (it has \(drives.map(\.name)))")
                }
                chosen = d
            } else {
                guard let d = drives.first else { throw SurrogateError.invalidTrace("'\(input)' holds no traces") }
                chosen = d
            }
            drive = try within(input) { try RawTrace(trace: chosen) }
        }
        // A map entry that names no channel of any trace is a misspelling: refused before it could be ignored.
        let channels = sources.flatMap(\.channelNames) + (drive?.channelNames ?? [])
        try map.checkTraceSide(against: channels, files: input.map { "\(traces) or \($0)" } ?? traces)
        let regimeEvents = try events.map { try RegimeEvent(parsing: $0) }
        for e in regimeEvents where !surrogate.outputNames.contains(e.output) {
            throw OptionValueError("--event \(e): the model \(model) has no output '\(e.output)' (it has \(surrogate.outputNames.joined(separator: ", ")))")
        }
        var raw: [RawTrace] = []
        var intervalDifferences: [Double] = []
        for source in sources {
            let matched = try within(traces) { try source.matchingChannels(of: surrogate, map: map, inputs: input == nil) }
            let (conformed, difference) = try within(traces) { try matched.conformingSampleInterval(to: surrogate) }
            raw.append(conformed)
            intervalDifferences.append(difference)
        }
        if let input, let drive {
            let matched = try within(input) { try drive.matchingInputs(of: surrogate, map: map) }
            raw = try within(input) { try raw.map { try $0.replacingInputs(with: matched) } }
        }
        let clock = ContinuousClock()
        let started = clock.now
        let results = try prediction.predict(raw, threads: threads)
        var predictions = results.map(\.mean)
        var switches = [Int?](repeating: nil, count: raw.count)
        var afterResults = [EnsemblePrediction.Result?](repeating: nil, count: raw.count)
        if let regimes {
            for i in raw.indices {
                let forAfter = try within(traces) {
                    try sources[i].matchingChannels(of: regimes.after.members[0], map: map).conformingSampleInterval(to: regimes.after.members[0]).0
                }
                // The plain prediction (`predictions[i]`, the members' mean) is A's free run: not run twice.
                let r = try within(traces) { try regimes.predict(forBefore: raw[i], forAfter: forAfter, beforeSeries: predictions[i]) }
                predictions[i] = r.series
                switches[i] = r.switchSample
                afterResults[i] = r.after
            }
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        var written = [Trace]()
        var reports = [JSONValue]()
        var plotted = [PredictionFigure.Channel]()
        for (i, trace) in raw.enumerated() {
            let t0: Double = { if case .uniform(let t, _) = all[i].sampling { return t }; return all[i].time(0) }()
            // With --after the description names both models and the switch, so the file says what produced it.
            let handover = regimes.flatMap { r in after.map { b in
                switches[i].map { String(format: ", then by %@ from %.9g s (switch %@)", b, t0 + Double($0) * trace.sampleInterval, r.handover.description) }
                    ?? ", no switch to \(b) (\(r.handover) never " + (r.event == nil ? "fired)" : "met)") } } ?? ""
            written.append(Trace(prediction: predictions[i], of: trace, t0: t0,
                                 description: "free-running prediction of '\(trace.name)' by \(model)" + handover
                                    + (input.map { " driven by \($0)" } ?? "")))
            var channels = [JSONValue]()
            for c in 0..<trace.outputCount where figure != nil {
                let n = trace.outputCount
                plotted.append(.init(trace: trace.name, output: trace.outputNames[c], unit: trace.outputUnits[c], t0: t0,
                                     sampleInterval: trace.sampleInterval,
                                     truth: input == nil ? (0..<trace.sampleCount).map { trace.outputs[$0 * n + c] } : nil,
                                     prediction: (0..<trace.sampleCount).map { predictions[i][$0 * n + c] }))
            }
            if input == nil {
                for c in 0..<trace.outputCount {
                    let truth = (1..<trace.sampleCount).map { trace.outputs[$0 * trace.outputCount + c] }
                    let predicted = (1..<trace.sampleCount).map { predictions[i][$0 * trace.outputCount + c] }
                    let m = try PredictionMetrics(prediction: predicted, truth: truth, sampleInterval: trace.sampleInterval,
                                                  blockLength: block)
                    if figure != nil { plotted[plotted.count - trace.outputCount + c].nrmse = m.nrmse }
                    channels.append(.object([
                        ("output", .string(trace.outputNames[c])), ("nrmse", .number(m.nrmse)),
                        ("rms_error", .number(m.rmsError)), ("max_error", .number(m.maxError)),
                        ("block_length", .integer(m.blockLength)), ("block_nrmse", .numbers(m.blockNRMSE)),
                        ("truth_frequency_hz", m.truthFrequency.map { .number($0) } ?? .null),
                        ("prediction_frequency_hz", m.predictionFrequency.map { .number($0) } ?? .null),
                        ("frequency_resolution_hz", m.frequencyResolution.map { .number($0) } ?? .null),
                    ]))
                    if !json {
                        print(String(format: "%@ %@: NRMSE %.4g, max error %.4g, dominant frequency truth %@ / prediction %@ (resolution %@)",
                                     trace.name, trace.outputNames[c], m.nrmse, m.maxError,
                                     m.truthFrequency.map { String(format: "%.6g Hz", $0) } ?? "-",
                                     m.predictionFrequency.map { String(format: "%.6g Hz", $0) } ?? "-",
                                     m.frequencyResolution.map { String(format: "%.3g Hz", $0) } ?? "-"))
                    }
                }
            } else if !json {
                print("\(trace.name): predicted \(trace.sampleCount) samples under the drive of \(input!) (no truth to compare)")
            }
            if intervalDifferences[i] != 0, !json {
                print(String(format: "note: %@ is sampled every %.9g s, the model every %.9g s (relative difference %.2g, within "
                             + "the tolerance %.0e): predicted on the model's interval", trace.name, all[i].samplingInterval,
                             surrogate.sampleInterval, intervalDifferences[i], RawTrace.sampleIntervalTolerance))
            }
            var report: [(String, JSONValue)] = [("trace", .string(trace.name)), ("samples", .integer(trace.sampleCount)),
                                                 ("sample_interval_relative_difference", .number(intervalDifferences[i])),
                                                 ("metrics", input == nil ? .array(channels) : .null)]
            if let regimes, let after {
                let at = switches[i].map { t0 + Double($0) * trace.sampleInterval }
                report.append(("switch", .object([("after", .string(after)), ("event", regimes.event.map { .string($0.description) } ?? .null),
                                                   ("trigger", switchTrigger.map { .string($0) } ?? .null),
                                                   ("at_sample", switches[i].map { .integer($0) } ?? .null),
                                                   ("at_s", at.map { .number($0) } ?? .null)])))
                if !json { print("\(trace.name): switch \(regimes.handover) to \(after): " + (at.map { String(format: "at %.6g s", $0) } ?? "never")) }
            }
            if !regimeEvents.isEmpty {
                let n = trace.outputCount
                func time(_ index: Int?) -> Double? { index.map { t0 + Double($0) * trace.sampleInterval } }
                var timed = [JSONValue]()
                for e in regimeEvents {
                    let c = trace.outputNames.firstIndex(of: e.output)!
                    let predicted = time(e.settledIndex((0..<trace.sampleCount).map { predictions[i][$0 * n + c] }))
                    let truth = input == nil ? time(e.settledIndex((0..<trace.sampleCount).map { trace.outputs[$0 * n + c] })) : nil
                    var difference: Double?
                    if let p = predicted, let t = truth { difference = p - t }
                    func number(_ x: Double?) -> JSONValue { x.map { JSONValue.number($0) } ?? .null }
                    timed.append(.object([("event", .string(e.description)), ("truth_at_s", number(truth)),
                                          ("prediction_at_s", number(predicted)), ("difference_s", number(difference))]))
                    if !json {
                        func show(_ t: Double?) -> String { t.map { String(format: "%.6g s", $0) } ?? "never" }
                        print("\(trace.name): event \(e): " + (input == nil ? "truth \(show(truth)), " : "") + "prediction \(show(predicted))")
                    }
                }
                report.append(("events", .array(timed)))
            }
            // With a switch, each ensemble's spread covers the samples its model predicts.
            if let ensemble {
                let trust = EnsembleTrust(result: results[i], calibration: ensemble.trust, t0: t0, sampleInterval: trace.sampleInterval,
                                          count: switches[i])
                written.append(trust.trace(of: trace, model: model))
                report.append(("ensemble", trust.json(members: ensemble.memberCount)))
                if !json { print("\(trace.name): " + trust.summary(members: ensemble.memberCount)) }
            }
            if let secondFile, let after, secondFile.memberCount > 1, let j = switches[i], let r = afterResults[i] {
                let trust = EnsembleTrust(result: r, calibration: secondFile.trust, t0: t0, sampleInterval: trace.sampleInterval, firstSample: j)
                written.append(trust.trace(of: trace, model: after, suffix: "_trust_after"))
                report.append(("ensemble_after", trust.json(members: secondFile.memberCount)))
                if !json { print("\(trace.name) after the switch: " + trust.summary(members: secondFile.memberCount)) }
            }
            reports.append(.object(report))
        }
        try TraceFile.write(written, to: out, description: "spinode predict \(model) \(traces)" + (precision == "float32" ? " --precision float32" : ""))
        try figure?.write(PredictionFigure.figure(plotted))
        if json {
            var fields: [(String, JSONValue)] = [("model", .string(model)), ("traces", .string(traces)), ("out", .string(out)),
                                                 ("solver", .string(solver)), ("precision", .string(precision)),
                                                 ("seconds", .number(seconds)),
                                                 ("members", .integer(chosen.memberCount)),
                                                 ("member", member.map { .integer($0) } ?? .null),
                                                 ("sample_interval_s", .number(surrogate.sampleInterval)),
                                                 ("sample_interval_tolerance", .number(RawTrace.sampleIntervalTolerance)),
                                                 ("predictions", .array(reports))]
            if let plot { fields.append(("plot", .string(plot))) }
            print(JSONValue.object(fields).rendered())
        } else {
            print(String(format: "wrote %@ (%d traces, %.2f s)", out, written.count, seconds)
                  + (plot.map { ", figure \($0)" } ?? ""))
        }
    }
}

extension Predict {
    /// Runs `body`, naming `file` in front of a surrogate error's one line ("traces.h5: invalid trace: ...").
    func within<T>(_ file: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as SurrogateError { throw FileContextError(file: file, error: error) }
    }
}

/// An error of the Surrogate library with the file it concerns, as one line.
struct FileContextError: Error, CustomStringConvertible {
    var file: String
    var error: SurrogateError
    var description: String { "\(file): \(error)" }
}

extension Trace {
    /// dt for uniform sampling, else the mean interval (seconds), for messages.
    var samplingInterval: Double {
        switch sampling {
        case .uniform(_, let dt): return dt
        case .times(let t): return t.count > 1 ? (t[t.count - 1] - t[0]) / Double(t.count - 1) : 0
        }
    }
}
