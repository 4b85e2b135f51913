import ArgumentParser
import Foundation
import Numerics
import Surrogate
import TraceIO

/// `spinode predict MODEL.h5 TRACES.h5 --out PRED.h5`: free-running prediction with metrics.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a surrogate free over traces from their true initial state; write the predictions and report errors.",
        discussion: """
        For each trace the surrogate starts from the true embedded state at the first sample and runs with no \
        further access to the truth, driven by the trace's inputs (or, with --input, by the inputs of another \
        trace file). Predictions are written in the trace schema (outputs = predictions). Metrics per output \
        channel over samples 1 ... N-1: NRMSE = RMS error / std of truth, per block of --block samples, maximum \
        error, and the dominant frequency (Hz) of truth and prediction (FFT, FFTW).

        Examples:
          spinode predict model.h5 traces.h5 --out prediction.h5 --json
          spinode predict model.h5 traces.h5 --trace test --input new-drive.h5 --out prediction.h5
        """
    )

    @Argument(help: "Model file (HDF5).") var model: String
    @Argument(help: "Trace file (HDF5); its traces give the initial states and (without --input) the drive.")
    var traces: String
    @Option(help: "Prediction file to write (HDF5 trace file).") var out: String
    @Option(name: .customLong("trace"), help: "Predict this trace only (repeat; default: every trace).")
    var traceNames: [String] = []
    @Option(help: "Trace file whose inputs replace the traces' inputs (its first trace, or --input-trace).")
    var input: String?
    @Option(help: "Trace of --input to take the drive from.") var inputTrace: String?
    @Option(help: "Solver: rk4 (fixed, on the sample grid), dopri5, tsit5.") var solver = "rk4"
    @Option(help: "RK4 steps per sample interval.") var stepsPerSample = 1
    @Option(help: "Relative tolerance of adaptive solvers.") var rtol = 1e-6
    @Option(help: "Absolute tolerance of adaptive solvers.") var atol = 1e-8
    @Option(help: "Block length (samples) of the per-block NRMSE.") var block = 1000
    @Flag(help: "Print one JSON summary.") var json = false

    func validate() throws {
        guard ["rk4", "dopri5", "tsit5"].contains(solver) else { throw ValidationError("--solver must be rk4, dopri5 or tsit5") }
        guard stepsPerSample >= 1, block >= 1 else { throw ValidationError("--steps-per-sample and --block must be >= 1") }
    }

    func run() throws {
        let locks = try OutputTarget.claim([OutputTarget(out)], inputs: [model, traces] + (input.map { [$0] } ?? []))
        defer { locks.forEach { $0.release() } }
        BLAS.setThreadCount(1)
        let surrogate = try SurrogateModel(file: SurrogateModelFile.read(model))
        var all = try TraceFile.read(traces)
        if !traceNames.isEmpty {
            for name in traceNames where !all.contains(where: { $0.name == name }) {
                throw SurrogateError.invalidTrace("'\(traces)' has no trace '\(name)' (it has \(all.map(\.name)))")
            }
            all = all.filter { traceNames.contains($0.name) }
        }
        var raw = try all.map { try RawTrace(trace: $0).matchingChannels(of: surrogate) }
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
            let drive = try RawTrace(trace: chosen).matchingChannels(of: surrogate)
            raw = try raw.map { try $0.replacingInputs(with: drive) }
        }
        let solverChoice: SurrogateSolver
        switch solver {
        case "dopri5": solverChoice = .adaptiveDormandPrince(rtol: rtol, atol: atol)
        case "tsit5": solverChoice = .adaptiveTsitouras(rtol: rtol, atol: atol)
        default: solverChoice = .fixedRK4(stepsPerSample: stepsPerSample)
        }
        let clock = ContinuousClock()
        let started = clock.now
        let predictions = try FreeRunPrediction(model: surrogate, solver: solverChoice).predict(raw)
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        var written = [Trace]()
        var reports = [JSONValue]()
        for (i, trace) in raw.enumerated() {
            let t0: Double = { if case .uniform(let t, _) = all[i].sampling { return t }; return all[i].time(0) }()
            written.append(Trace(prediction: predictions[i], of: trace, t0: t0,
                                 description: "free-running prediction of '\(trace.name)' by \(model)"
                                    + (input.map { " driven by \($0)" } ?? "")))
            var channels = [JSONValue]()
            if input == nil {
                for c in 0..<trace.outputCount {
                    let truth = (1..<trace.sampleCount).map { trace.outputs[$0 * trace.outputCount + c] }
                    let predicted = (1..<trace.sampleCount).map { predictions[i][$0 * trace.outputCount + c] }
                    let m = try PredictionMetrics(prediction: predicted, truth: truth, sampleInterval: trace.sampleInterval,
                                                  blockLength: block)
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
            reports.append(.object([("trace", .string(trace.name)), ("samples", .integer(trace.sampleCount)),
                                    ("metrics", input == nil ? .array(channels) : .null)]))
        }
        try TraceFile.write(written, to: out, description: "spinode predict \(model) \(traces)")
        if json {
            print(JSONValue.object([("model", .string(model)), ("traces", .string(traces)), ("out", .string(out)),
                                    ("solver", .string(solver)), ("seconds", .number(seconds)),
                                    ("predictions", .array(reports))]).rendered())
        } else {
            print(String(format: "wrote %@ (%d traces, %.2f s)", out, written.count, seconds))
        }
    }
}
