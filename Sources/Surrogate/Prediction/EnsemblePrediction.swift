import Numerics
import TraceIO

/// Free-running prediction by an ensemble of surrogates (members of one architecture trained on the same
/// data with different seeds), with the members' disagreement as a measure of trust
/// (docs/surrogate-model.md, "Ensembles and the trust flag"; Lakshminarayanan et al., NeurIPS 2017).
///
/// Every member runs free from the same true initial state under the same drive. Per sample j:
///
///     mean_c(j)   = (1/N) sum_m x_{m c}(j)                                  (the traces' units)
///     spread(j)   = sqrt( (1/n_out) sum_c (1/N) sum_m (x_{m c}(j) - mean_c(j))^2 / sigma_c^2 )
///
/// sigma_c the model's output normalisation std (the training outputs' std), so the spread is
/// dimensionless and comparable across channels and devices. The trust flag is up at samples where
/// spread > threshold, the threshold calibrated as margin x the largest spread over free runs of data
/// the members were not trained on (`calibrate`).
public struct EnsemblePrediction {
    public let members: [SurrogateModel]
    public let solver: SurrogateSolver
    /// The delay every member's series reads (`FreeRunPrediction.Readout`; `.lastDelay` for a device).
    public var readout: FreeRunPrediction.Readout = .firstDelay
    /// The network arithmetic of `memberPredictions` (`FreeRunPrediction.precision`; calibration stays Float64).
    public var precision: TrainingPrecision = .float64

    /// The members of an ensemble model file (a single model gives an ensemble of one).
    public init(file: SurrogateModelFile, solver: SurrogateSolver = .paper) throws {
        try self.init(members: file.members.map { try SurrogateModel(file: $0) }, solver: solver)
    }

    public init(members: [SurrogateModel], solver: SurrogateSolver = .paper) throws {
        guard let first = members.first else { throw SurrogateError.invalidModel("an ensemble needs at least one member") }
        for m in members.dropFirst() where m.normalisation != first.normalisation || m.embedding != first.embedding
            || m.inputCount != first.inputCount || m.parameterCount != first.parameterCount
            || m.outputNames != first.outputNames || m.inputNames != first.inputNames || m.parameterNames != first.parameterNames {
            throw SurrogateError.invalidModel("ensemble members differ in normalisation, embedding or channels")
        }
        self.members = members
        self.solver = solver
    }

    /// One trace's ensemble prediction: the members' mean (sample-major, n_out channels, the traces'
    /// units), the spread per sample (dimensionless; 0 at sample 0, the given initial state) and each
    /// member's own prediction.
    public struct Result {
        public var mean: [Double]
        public var spread: [Double]
        public var memberPredictions: [[Double]]
    }

    /// Free runs of every member over each whole trace (`FreeRunPrediction.predict`), members side by side
    /// on up to `threads` threads; the result does not depend on the thread count.
    public func predict(_ traces: [RawTrace], threads: Int = 1) throws -> [Result] {
        let perMember = try memberPredictions(traces, threads: threads)
        let nOut = members[0].embedding.outputCount
        let sigma = members[0].normalisation.outputStd
        return traces.indices.map { t in
            let series = perMember.map { $0[t] }
            return Result(mean: Self.mean(series), spread: Self.spread(series, outputCount: nOut, scale: sigma),
                          memberPredictions: series)
        }
    }

    /// Each member's free runs over each whole trace (`[member][trace]`, as `FreeRunPrediction.predict`
    /// with `readout`), members side by side on up to `threads` threads.
    public func memberPredictions(_ traces: [RawTrace], threads: Int = 1) throws -> [[[Double]]] {
        try runMembers(threads: threads) { model in
            var prediction = FreeRunPrediction(model: model, solver: solver)
            prediction.readout = readout
            prediction.precision = precision
            return try prediction.predict(traces)
        }
    }

    /// The mean over members of equally long series, as x_0 + (1/N) sum_m (x_m - x_0): identical
    /// members (and a single one) give x_0 exactly.
    public static func mean(_ series: [[Double]]) -> [Double] {
        guard series.count > 1 else { return series[0] }
        let first = series[0], n = Double(series.count)
        var mean = first
        for i in mean.indices {
            var shift = 0.0
            for s in series.dropFirst() { shift += s[i] - first[i] }
            mean[i] = first[i] + shift / n
        }
        return mean
    }

    /// spread(j) of the type's documentation for series (sample-major, `outputCount` channels) of the
    /// members, channel c scaled by 1 / scale[c] (pass the normalisation std for series in the traces'
    /// units, ones for normalised series). The population variance is taken about member 0
    /// (var = mean(d^2) - mean(d)^2, d = x_m - x_0; clamped at 0), so identical members give exactly 0.
    public static func spread(_ series: [[Double]], outputCount: Int, scale: [Double]) -> [Double] {
        let samples = series[0].count / outputCount
        let n = Double(series.count)
        let first = series[0]
        var result = [Double](repeating: 0, count: samples)
        for j in 0..<samples {
            var total = 0.0
            for c in 0..<outputCount {
                let i = j * outputCount + c
                var sum = 0.0, squares = 0.0
                for s in series.dropFirst() {
                    let d = s[i] - first[i]
                    sum += d
                    squares += d * d
                }
                let mean = sum / n
                let variance = squares / n - mean * mean
                total += (variance.isNaN ? .nan : max(0, variance)) / (scale[c] * scale[c])
            }
            result[j] = (total / Double(outputCount)).squareRoot()
        }
        return result
    }

    /// The first sample index >= 1 whose spread exceeds `threshold` (a NaN spread, a diverged member,
    /// counts as exceeding), or nil.
    public static func firstFlagged(_ spread: [Double], threshold: Double) -> Int? {
        spread.indices.dropFirst().first { !(spread[$0] <= threshold) }
    }

    /// The trust threshold: `margin` x the largest spread over free runs of `segments` of `traces`
    /// (normalised; samples 1 ... L - 1 of each segment), e.g. the validation data of the fits
    /// (`SurrogateTrainer.validationTraces`, `validationSegments`). Refuses a calibration whose free runs
    /// diverge (a non-finite spread) or that has no predicted sample.
    public func calibrate(traces: [NormalisedTrace], segments: [(trace: Int, start: Int, length: Int)], margin: Double,
                          description: String, threads: Int = 1) throws -> SurrogateModelFile.TrustCalibration {
        guard members.count >= 2 else { throw SurrogateError.invalidOption("a trust calibration needs an ensemble of at least 2 members") }
        guard margin.isFinite, margin > 0 else { throw SurrogateError.invalidOption("the threshold margin must be positive, got \(margin)") }
        let perMember = try runMembers(threads: threads) { model in
            try FreeRunPrediction(model: model, solver: solver).normalisedSeries(traces: traces, segments: segments)
        }
        let nOut = members[0].embedding.outputCount
        var largest = 0.0, samples = 0
        for s in segments.indices {
            let spread = Self.spread(perMember.map { $0[s] }, outputCount: nOut, scale: Array(repeating: 1, count: nOut))
            for v in spread.dropFirst() {
                guard v.isFinite else {
                    throw SurrogateError.invalidTrace("a member's free run over the calibration data diverged: no trust threshold can be set")
                }
                largest = max(largest, v)
                samples += 1
            }
        }
        guard samples > 0, largest > 0 else {
            throw SurrogateError.invalidOption(samples == 0 ? "the calibration data has no sample to predict"
                                               : "the members agree exactly on the calibration data (identical members?): no trust threshold can be set")
        }
        return .init(spreadThreshold: margin * largest, margin: margin, calibrationMaxSpread: largest,
                     calibrationSamples: samples, calibrationData: description)
    }

    /// `body` of every member, on up to `threads` threads, in member order.
    private func runMembers<T>(threads: Int, _ body: (SurrogateModel) throws -> T) throws -> [T] {
        try parallelMap(count: members.count, threads: threads) { try body(members[$0]) }
    }
}
