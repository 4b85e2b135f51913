import Foundation
import TraceIO

/// Everything a training run needs to continue exactly where it stopped: the parameters, Adam's
/// moments and step count, the iteration (which, with the seed, is the random state: iteration i draws
/// from a generator seeded by (seed, i) alone), the best model and the validation record.
///
/// Stored as JSON (Swift's shortest round-trip decimal form, so every Double comes back bit for bit;
/// NaN and infinities as the strings "nan", "inf", "-inf") and written atomically: to a temporary
/// sibling, then renamed over the target, so an interrupted write never leaves a torn checkpoint.
///
/// Trust: `contentSHA256` is the SHA-256 of the checkpoint's canonical JSON (this encoder: sorted keys,
/// shortest round-trip numbers, no whitespace) without that key. `read` re-encodes what it decoded and
/// compares, so an edited value (a weight of 1e308, iteration -5) is refused, while reformatting the
/// JSON is not; it then checks every value on its own (`validate`), also in checkpoints written before
/// the digest existed, which are accepted without it.
public struct TrainingCheckpoint: Codable, Sendable, Equatable {
    public static let format = "spinode-fit-checkpoint"
    public static let version = 1

    public var format = TrainingCheckpoint.format
    public var version = TrainingCheckpoint.version
    public var options: FitOptions
    public var traceNames: [String]
    public var normalisation: Normalisation
    public var iteration: Int
    /// The random state: base seed derived from `options.seed`; iteration i uses base + i * golden.
    public var randomBaseSeed: UInt64
    public var lastLoss: Double
    public var parameters: [Double]
    public var bestParameters: [Double]
    public var bestIteration: Int
    public var bestValidationNRMSE: Double?
    public var lastValidationNRMSE: Double?
    public var validationsWithoutImprovement: Int
    public var validationHistory: [ValidationRecord]
    public var adamStepCount: Int
    public var adamFirstMoment: [Double]
    public var adamSecondMoment: [Double]
    /// SHA-256 (lower-case hex) of the canonical JSON of every other field; nil in checkpoints written
    /// before it existed.
    public var contentSHA256: String?

    /// SHA-256 of the canonical JSON of the checkpoint without `contentSHA256`.
    public func contentDigest() throws -> String {
        var bare = self
        bare.contentSHA256 = nil
        return SHA256.hex(try TrainingCheckpoint.encoder().encode(bare))
    }

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        e.outputFormatting = [.sortedKeys]
        return e
    }

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    /// Writes the checkpoint atomically to `path`.
    public func write(to path: String) throws {
        let data: Data
        do {
            var sealed = self
            sealed.contentSHA256 = try contentDigest()
            data = try TrainingCheckpoint.encoder().encode(sealed)
        } catch {
            throw SurrogateError.checkpoint("cannot encode the checkpoint for '\(path)': \(error)")
        }
        do { try AtomicFile.write(data, to: path) } catch {
            throw SurrogateError.checkpoint("\(error)")
        }
    }

    /// Reads a checkpoint written by `write(to:)`: checks the format, the contents digest and every
    /// value (`validate`); each refusal is one line naming the file and the key.
    public static func read(from path: String) throws -> TrainingCheckpoint {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SurrogateError.checkpoint("cannot read '\(path)': no such file or not readable")
        }
        let c: TrainingCheckpoint
        do { c = try decoder().decode(TrainingCheckpoint.self, from: data) } catch {
            throw SurrogateError.checkpoint("'\(path)' is not a fit checkpoint: \(error)")
        }
        guard c.format == format, c.version == version else {
            throw SurrogateError.checkpoint("'\(path)' has format \(c.format) version \(c.version); this build reads \(format) version \(version)")
        }
        if let stored = c.contentSHA256 {
            let computed: String
            do { computed = try c.contentDigest() } catch {
                throw SurrogateError.checkpoint("'\(path)': cannot re-encode the contents to check their digest: \(error)")
            }
            guard stored == computed else {
                throw SurrogateError.checkpoint("'\(path)': key 'contentSHA256': contents digest mismatch (file changed after it was written)")
            }
        }
        try c.validate(file: path)
        return c
    }

    /// Checks every value on its own and against the others: iterations >= 0 and in order, every
    /// parameter and Adam moment finite (second moments >= 0), all parameter vectors of one length,
    /// losses and NRMSEs not NaN where a number is due, and the options valid.
    public func validate(file path: String) throws {
        func need(_ ok: Bool, _ key: String, _ problem: @autoclosure () -> String) throws {
            if !ok { throw SurrogateError.checkpoint("'\(path)': key '\(key)': \(problem())") }
        }
        func finite(_ values: [Double], _ key: String) throws {
            if let i = values.firstIndex(where: { !$0.isFinite }) {
                throw SurrogateError.checkpoint("'\(path)': key '\(key)'[\(i)] = \(values[i]) is not finite")
            }
        }
        try need(iteration >= 0, "iteration", "\(iteration) must be >= 0")
        try need(bestIteration >= 0 && bestIteration <= iteration, "bestIteration", "\(bestIteration) must be in 0 ... iteration \(iteration)")
        try need(adamStepCount >= 0, "adamStepCount", "\(adamStepCount) must be >= 0")
        try need(validationsWithoutImprovement >= 0, "validationsWithoutImprovement", "\(validationsWithoutImprovement) must be >= 0")
        try need(!parameters.isEmpty, "parameters", "empty")
        for (key, values) in [("bestParameters", bestParameters), ("adamFirstMoment", adamFirstMoment),
                              ("adamSecondMoment", adamSecondMoment)] {
            try need(values.count == parameters.count, key, "has \(values.count) values, 'parameters' has \(parameters.count)")
        }
        try finite(parameters, "parameters")
        try finite(bestParameters, "bestParameters")
        try finite(adamFirstMoment, "adamFirstMoment")
        try finite(adamSecondMoment, "adamSecondMoment")
        if let i = adamSecondMoment.firstIndex(where: { $0 < 0 }) {
            throw SurrogateError.checkpoint("'\(path)': key 'adamSecondMoment'[\(i)] = \(adamSecondMoment[i]) must be >= 0")
        }
        try need(lastLoss.isNaN ? iteration == 0 : lastLoss.isFinite && lastLoss >= 0, "lastLoss",
                 "\(lastLoss) must be a finite loss >= 0 (nan only before the first iteration)")
        for (key, value) in [("bestValidationNRMSE", bestValidationNRMSE), ("lastValidationNRMSE", lastValidationNRMSE)] {
            if let v = value { try need(v >= 0, key, "\(v) must be >= 0 (inf for a diverged free run)") }
        }
        for (i, r) in validationHistory.enumerated() {
            try need(r.iteration >= 0 && r.iteration <= iteration && (i == 0 || r.iteration > validationHistory[i - 1].iteration),
                     "validationHistory", "entry \(i): iteration \(r.iteration) out of order or beyond iteration \(iteration)")
            try need(r.nrmse >= 0, "validationHistory", "entry \(i): NRMSE \(r.nrmse) must be >= 0")
        }
        do { try options.validate() } catch let error as SurrogateError {
            throw SurrogateError.checkpoint("'\(path)': key 'options': \(error)")
        }
    }
}

extension SurrogateTrainer {
    /// The run's state now.
    public func checkpoint() -> TrainingCheckpoint {
        TrainingCheckpoint(options: options, traceNames: traceNames, normalisation: model.normalisation,
                           iteration: iteration, randomBaseSeed: baseSeed, lastLoss: lastLoss,
                           parameters: model.mlp.parameters, bestParameters: bestModel.mlp.parameters,
                           bestIteration: bestIteration, bestValidationNRMSE: bestValidationNRMSE,
                           lastValidationNRMSE: lastValidationNRMSE,
                           validationsWithoutImprovement: validationsWithoutImprovement,
                           validationHistory: validationHistory, adamStepCount: optimiser.stepCount,
                           adamFirstMoment: optimiser.firstMoment, adamSecondMoment: optimiser.secondMoment)
    }

    /// Continues from `checkpoint`, which must come from a run on the same traces with the same
    /// trajectory-determining options (the iteration budget and the stopping rules may differ).
    public func restore(_ c: TrainingCheckpoint) throws {
        guard c.options.trajectorySignature() == options.trajectorySignature() else {
            throw SurrogateError.checkpoint("the checkpoint was written with other fit options (only --iterations, --target-nrmse and --patience may change on --resume)")
        }
        guard c.traceNames == traceNames else {
            throw SurrogateError.checkpoint("the checkpoint was trained on traces \(c.traceNames), this run has \(traceNames)")
        }
        guard c.normalisation == model.normalisation else {
            throw SurrogateError.checkpoint("the traces' data differ from the checkpointed run's (normalisation changed)")
        }
        guard c.randomBaseSeed == baseSeed else { throw SurrogateError.checkpoint("random state does not match seed \(options.seed)") }
        let p = model.mlp.parameterCount
        guard c.parameters.count == p, c.bestParameters.count == p, c.adamFirstMoment.count == p,
              c.adamSecondMoment.count == p else {
            throw SurrogateError.checkpoint("the checkpoint holds \(c.parameters.count) parameters, the model has \(p)")
        }
        model.mlp.parameters = c.parameters
        var best = model
        best.mlp.parameters = c.bestParameters
        bestModel = best
        iteration = c.iteration
        lastLoss = c.lastLoss
        bestIteration = c.bestIteration
        bestValidationNRMSE = c.bestValidationNRMSE
        lastValidationNRMSE = c.lastValidationNRMSE
        validationsWithoutImprovement = c.validationsWithoutImprovement
        validationHistory = c.validationHistory
        optimiser.stepCount = c.adamStepCount
        optimiser.firstMoment = c.adamFirstMoment
        optimiser.secondMoment = c.adamSecondMoment
        applyPlateau()
    }
}
