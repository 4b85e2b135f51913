/// The split of a run's traces into training parts and validation segments (`FitOptions.validation`),
/// with the checks that make the split usable: every trace alike in channels and sample interval,
/// every training part long enough for a window, every validation segment long enough for the
/// embedding.
struct TrainingSplit {
    /// The parts windows are drawn from (whole traces, or their heads when the tail is held out).
    var trainingParts: [RawTrace] = []
    /// The traces validation reads from, and the segments (index into `validationParts`, start sample,
    /// length) it predicts.
    var validationParts: [RawTrace] = []
    var segments: [(trace: Int, start: Int, length: Int)] = []

    /// Splits `traces` for embedding order k as `validation` says.
    init(traces: [RawTrace], validation: ValidationData, order k: Int) throws {
        switch validation {
        case .none:
            trainingParts = traces
        case .trainingTraces:
            trainingParts = traces
            validationParts = traces
            segments = traces.indices.map { ($0, 0, traces[$0].sampleCount) }
        case .heldOutTail(let fraction):
            try holdOutTails(traces, fraction: fraction, blocks: 1, order: k)
        case .lastBlocks(let fraction, let count):
            try holdOutTails(traces, fraction: fraction, blocks: count, order: k)
        case .heldOutTraces(let names):
            for name in names where !traces.contains(where: { $0.name == name }) {
                throw SurrogateError.invalidOption("held-out trace '\(name)' is not among the traces \(traces.map(\.name))")
            }
            for t in traces {
                if names.contains(t.name) {
                    validationParts.append(t)
                    segments.append((validationParts.count - 1, 0, t.sampleCount))
                } else {
                    trainingParts.append(t)
                }
            }
            guard !trainingParts.isEmpty else { throw SurrogateError.invalidOption("every trace is held out; none left to train on") }
        }
    }

    /// Holds the last `fraction` of every trace out of training and validates the last `blocks`
    /// stretches of that length (the tail last). `FitOptions.validate` has checked blocks x fraction <= 1,
    /// so the stretches fit in every trace.
    private mutating func holdOutTails(_ traces: [RawTrace], fraction: Double, blocks: Int, order k: Int) throws {
        for t in traces {
            let tail = Int((Double(t.sampleCount) * fraction).rounded(.down))
            guard tail >= k + 1 else {
                throw SurrogateError.invalidTrace(
                    "trace '\(t.name)': a held-out tail of \(fraction) x \(t.sampleCount) samples = \(tail) is too short for k = \(k) (needs >= \(k + 1))")
            }
            guard t.sampleCount - tail >= k + 1 else {
                throw SurrogateError.invalidTrace(
                    "trace '\(t.name)': holding out the last \(fraction) of \(t.sampleCount) samples leaves \(t.sampleCount - tail) for training, fewer than k + 1 = \(k + 1)")
            }
            trainingParts.append(t.window(start: 0, count: t.sampleCount - tail))
            validationParts.append(t)
            for b in stride(from: blocks, through: 1, by: -1) {
                segments.append((validationParts.count - 1, t.sampleCount - b * tail, tail))
            }
        }
    }

    /// Checks that the traces of one run agree in channel counts and sample interval (to 1e-9 relative).
    static func checkAlike(_ traces: [RawTrace]) throws -> RawTrace {
        guard let first = traces.first else { throw SurrogateError.invalidTrace("no traces to fit") }
        for t in traces {
            guard t.outputCount >= 1 else {
                throw SurrogateError.invalidTrace("trace '\(t.name)' has no outputs: a surrogate learns output channels from a trace")
            }
            guard t.outputCount == first.outputCount, t.inputCount == first.inputCount,
                  t.parameters.count == first.parameters.count else {
                throw SurrogateError.invalidTrace(
                    "trace '\(t.name)' has \(t.outputCount) outputs, \(t.inputCount) inputs, \(t.parameters.count) parameters; trace '\(first.name)' has \(first.outputCount), \(first.inputCount), \(first.parameters.count)")
            }
            guard abs(t.sampleInterval - first.sampleInterval) <= 1e-9 * first.sampleInterval else {
                throw SurrogateError.invalidTrace(
                    "trace '\(t.name)' is sampled every \(t.sampleInterval) s, trace '\(first.name)' every \(first.sampleInterval) s")
            }
        }
        return first
    }
}
