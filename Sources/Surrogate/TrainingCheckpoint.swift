import Foundation
import TraceIO

/// Everything a training run needs to continue exactly where it stopped: the parameters, Adam's
/// moments and step count, the iteration (which, with the seed, is the random state: iteration i draws
/// from a generator seeded by (seed, i) alone), the best model and the validation record.
///
/// Stored as JSON (Swift's shortest round-trip decimal form, so every Double comes back bit for bit;
/// NaN and infinities as the strings "nan", "inf", "-inf") and written atomically: to a temporary
/// sibling, then renamed over the target, so an interrupted write never leaves a torn checkpoint.
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
        do { data = try TrainingCheckpoint.encoder().encode(self) } catch {
            throw SurrogateError.checkpoint("cannot encode the checkpoint for '\(path)': \(error)")
        }
        do { try AtomicFile.write(data, to: path) } catch {
            throw SurrogateError.checkpoint("\(error)")
        }
    }

    /// Reads a checkpoint written by `write(to:)`.
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
        return c
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
    }
}
