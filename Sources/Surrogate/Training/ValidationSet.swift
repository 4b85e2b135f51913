import Numerics

/// The free-running validation of a run: segments of normalised traces predicted from their true
/// initial embedded states, scored by NRMSE in normalised units.
struct ValidationSet {
    let traces: [NormalisedTrace]
    /// (index into `traces`, start sample, length in samples).
    let segments: [(trace: Int, start: Int, length: Int)]
    let solver: SurrogateSolver
    /// A segment's channel whose truth has a std below this fraction of the training data's is scored by
    /// its RMS error in training-std units (`Statistics.nrmse(prediction:truth:scale:flatness:)`).
    static let flatness = 1e-3

    /// The mean over segments and output channels of `Statistics.nrmse` (RMS error / std of truth)
    /// over samples 1 ... L - 1 of each segment (sample 0 is the given initial state); a NaN channel
    /// counts as +infinity. A channel whose truth stands still over a segment (std below `flatness` of the
    /// training data's, e.g. a skyrmion radius of 0 after the annihilation) scores its RMS error in units
    /// of the training data's std (1 here) instead: its own std is round-off. Nil without segments.
    func nrmse(of model: SurrogateModel) throws -> Double? {
        guard !segments.isEmpty else { return nil }
        let predictions = try FreeRunPrediction(model: model, solver: solver).normalisedSeries(traces: traces, segments: segments)
        let nOut = model.embedding.outputCount
        var total = 0.0, terms = 0
        for (i, s) in segments.enumerated() {
            let truth = traces[s.trace].outputs
            for c in 0..<nOut {
                let channelTruth = (1..<s.length).map { truth[(s.start + $0) * nOut + c] }
                let channelPrediction = (1..<s.length).map { predictions[i][$0 * nOut + c] }
                let nrmse = Statistics.nrmse(prediction: channelPrediction, truth: channelTruth, scale: 1, flatness: Self.flatness)
                total += nrmse.isNaN ? .infinity : nrmse
                terms += 1
            }
        }
        return total / Double(terms)
    }
}
