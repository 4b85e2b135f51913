/// Adam (Kingma and Ba, "Adam: A method for stochastic optimization", ICLR 2015, Algorithm 1) over a
/// flat parameter vector, in the form `torch.optim.Adam` implements it:
///
///     g <- g + lambda theta                                   (optional L2 weight decay)
///     m <- beta1 m + (1 - beta1) g,   v <- beta2 v + (1 - beta2) g^2
///     theta <- theta - lr_t / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
///
/// with t the step count after the increment and lr_t from the `LearningRateSchedule`. Optional
/// clipping rescales the whole gradient by maxNorm / ||g||_2 when ||g||_2 > maxNorm (global norm,
/// as `torch.nn.utils.clip_grad_norm_`), before weight decay. Defaults: lr 1e-3 (the paper's rate,
/// Chen et al., Nat. Commun. 13, 1016 (2022)), beta1 0.9, beta2 0.999, eps 1e-8 (Kingma and Ba).
public struct Adam: Sendable, Equatable {
    public var learningRate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    public var weightDecay: Double
    /// Clip the gradient to this global Euclidean norm (nil: no clipping).
    public var maxGradientNorm: Double?
    public var schedule: LearningRateSchedule
    /// Steps taken so far. Settable, with the moments, to restore a training checkpoint exactly.
    public var stepCount: Int = 0
    /// First and second moment estimates m, v.
    public var firstMoment: [Double]
    public var secondMoment: [Double]
    /// Global norm of the last gradient passed to `step` (before clipping).
    public var lastGradientNorm: Double = 0

    public init(parameterCount: Int, learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
                epsilon: Double = 1e-8, weightDecay: Double = 0, maxGradientNorm: Double? = nil,
                schedule: LearningRateSchedule = .constant) throws {
        guard learningRate > 0, (0..<1).contains(beta1), (0..<1).contains(beta2), epsilon >= 0, weightDecay >= 0 else {
            throw NeuralNetError.invalidOption("Adam lr \(learningRate), beta1 \(beta1), beta2 \(beta2), eps \(epsilon), weight decay \(weightDecay)")
        }
        if let c = maxGradientNorm, !(c > 0) { throw NeuralNetError.invalidOption("Adam maxGradientNorm must be > 0, got \(c)") }
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.maxGradientNorm = maxGradientNorm
        self.schedule = schedule
        firstMoment = [Double](repeating: 0, count: parameterCount)
        secondMoment = [Double](repeating: 0, count: parameterCount)
    }

    /// The learning rate the next step will use.
    public var currentLearningRate: Double { schedule.rate(base: learningRate, step: stepCount) }

    /// One update of `parameters` (count `firstMoment.count`) from `gradient`, which is not modified.
    /// - Complexity: O(count), no allocation.
    public mutating func step(parameters: UnsafeMutablePointer<Double>, gradient: UnsafePointer<Double>) {
        let n = firstMoment.count
        var sq = 0.0
        for i in 0..<n { sq += gradient[i] * gradient[i] }
        let norm = sq.squareRoot()
        lastGradientNorm = norm
        var scale = 1.0
        if let c = maxGradientNorm, norm > c { scale = c / norm }
        let lr = schedule.rate(base: learningRate, step: stepCount)
        stepCount += 1
        let t = Double(stepCount)
        let bc1 = 1 - _pow(beta1, t), bc2 = 1 - _pow(beta2, t)
        let stepSize = lr / bc1, bc2Root = bc2.squareRoot()
        let b1 = beta1, b2 = beta2, eps = epsilon, wd = weightDecay
        firstMoment.withUnsafeMutableBufferPointer { m in
            secondMoment.withUnsafeMutableBufferPointer { v in
                for i in 0..<n {
                    var g = gradient[i] * scale
                    if wd != 0 { g += wd * parameters[i] }
                    m[i] = b1 * m[i] + (1 - b1) * g
                    v[i] = b2 * v[i] + (1 - b2) * g * g
                    parameters[i] -= stepSize * m[i] / (v[i].squareRoot() / bc2Root + eps)
                }
            }
        }
    }

    /// One update of an array of parameters.
    public mutating func step(parameters: inout [Double], gradient: [Double]) {
        precondition(parameters.count == firstMoment.count && gradient.count == firstMoment.count,
                     "Adam.step: \(parameters.count) parameters, \(gradient.count) gradients, optimiser for \(firstMoment.count)")
        parameters.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeBufferPointer { g in step(parameters: p.baseAddress!, gradient: g.baseAddress!) }
        }
    }

    /// Forgets the moments and the step count.
    public mutating func reset() {
        stepCount = 0
        for i in 0..<firstMoment.count { firstMoment[i] = 0; secondMoment[i] = 0 }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@usableFromInline func _pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
