import Foundation
import SafeIO
import NeuralNet
import Numerics

/// What a training run will need, estimated from its options and channel counts before anything is
/// allocated: memory in bytes and work in floating-point operations. `SurrogateTrainer` checks it
/// first, so `--hidden 100000000` or `--batch 1000000000` is refused with the numbers and the
/// machine's available memory instead of being ended by the OOM killer. Computed in Float64, so
/// absurd option values cannot overflow an integer.
///
/// The estimate counts the large arrays (lower bounds of what the run allocates):
/// - parameter-sized vectors, P = sum_l (w_l w_{l+1} + w_{l+1}) for widths w_0 ... w_L: the model,
///   the best model, the gradient, Adam's two moments, the two vector fields' copies (7 P), and for
///   the fused RK4 kernel its forward and backward weight copies (2 P) and per thread an 8-lane
///   weight-gradient accumulator (8 P);
/// - the stage tape of one minibatch: B windows x (W - 1) m steps x 4 RK4 stages x (w_0 + ... + w_L)
///   network activations (m steps per sample; an adaptive solver is counted as m = 1);
/// - the minibatch states: initial state, saved states, targets, cotangents, (1 + 3 W) B n.
/// Work per iteration: 4 (W - 1) m B network evaluations, each about 6 P operations (forward,
/// backward for the state and for the weights).
public struct TrainingFootprint: Sendable, Equatable {
    /// Network widths: input n + k n_in + n_par, hidden layers, output n.
    public var widths: [Double]
    /// Trainable values P.
    public var parameterCount: Double
    /// Estimated memory of the run, bytes.
    public var bytes: Double
    /// Estimated floating-point operations of one iteration.
    public var operationsPerIteration: Double
    /// Estimated floating-point operations of the whole iteration budget (an upper bound when the run
    /// stops early on its target or patience).
    public var operations: Double

    /// Work beyond which a fit is refused as a mistake: 1e18 operations, years of CPU time on one core.
    public static let operationLimit = 1e18

    public init(options o: FitOptions, outputCount: Int, inputCount: Int, parameterCount nPar: Int) {
        let (n, input) = DelayEmbedding.widths(order: Double(o.embeddingOrder), outputCount: Double(outputCount),
                                               augment: Double(o.augment), inputCount: Double(inputCount),
                                               parameterCount: Double(nPar))
        widths = [input] + o.hidden.map(Double.init) + [n]
        var p = 0.0
        for l in 0..<(widths.count - 1) { p += widths[l] * widths[l + 1] + widths[l + 1] }
        parameterCount = p
        let batch = Double(o.batchSize), window = Double(o.windowLength)
        let stepsPerSample: Double
        if case .fixedRK4(let m) = o.solver { stepsPerSample = Double(m) } else { stepsPerSample = 1 }
        let steps = (window - 1) * stepsPerSample
        let fused = !o.solver.isAdaptive && o.activation != Activation.softplus.rawValue
        let parameterCopies = 7 + (fused ? 2 + 8 * Double(o.threads) : 0)
        let tape = batch * steps * 4 * widths.reduce(0, +)
        let states = (1 + 3 * window) * batch * n
        bytes = 8 * (parameterCopies * p + tape + states)
        operationsPerIteration = 4 * steps * batch * 6 * p
        operations = operationsPerIteration * Double(o.iterations)
    }

    /// The network as "4 -> 50 -> 50 -> 2".
    public var architecture: String {
        widths.map { $0 < 1e7 ? String(Int($0)) : String(format: "%.3g", $0) }.joined(separator: " -> ")
    }

    /// Refuses a run that would not fit in `availableBytes` (default: MemAvailable of this machine) or
    /// whose iteration budget exceeds `operationLimit`, naming the options to lower.
    public func check(availableBytes: Double = SystemResources.availableMemory()) throws {
        guard bytes <= availableBytes else {
            throw SurrogateError.exceedsResources(
                "training needs about \(ByteCount(bytes)) of memory (network \(architecture), "
                + String(format: "%.3g", parameterCount) + " weights, and the minibatch's stage tape), "
                + "\(ByteCount(availableBytes)) available (MemAvailable); lower --hidden, --batch, --window or --steps-per-sample")
        }
        guard operations <= TrainingFootprint.operationLimit else {
            throw SurrogateError.exceedsResources(
                String(format: "%.3g iterations x %.3g floating-point operations each = %.3g, more than the %.0e a fit accepts (years of CPU time); lower --iterations",
                       operations / operationsPerIteration, operationsPerIteration, operations, TrainingFootprint.operationLimit))
        }
    }
}
