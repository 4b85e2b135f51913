import NeuralNet

/// Adam with a state that can be saved and restored exactly, for checkpoints and `--resume`.
///
/// The update is NeuralNet's `Adam` (Kingma and Ba, ICLR 2015, Algorithm 1, in torch.optim.Adam's
/// form), written out here with the same operations in the same order, because a checkpoint must
/// restore the moments and the step count and `Adam` keeps them read-only. A test checks that both
/// produce bit-identical parameters step by step. With gradient g, step count t after the increment
/// and lr_t from the `LearningRateSchedule`:
///
///     g <- g min(1, maxNorm / ||g||_2)   (optional global-norm clipping, as clip_grad_norm_)
///     m <- beta1 m + (1 - beta1) g,   v <- beta2 v + (1 - beta2) g^2
///     theta <- theta - lr_t / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
public struct TrainingOptimiser: Sendable, Equatable {
    public var learningRate: Double
    public var beta1 = 0.9
    public var beta2 = 0.999
    public var epsilon = 1e-8
    public var maxGradientNorm: Double?
    public var schedule: LearningRateSchedule
    public var stepCount = 0
    public var firstMoment: [Double]
    public var secondMoment: [Double]
    /// Global norm of the last gradient (before clipping).
    public var lastGradientNorm = 0.0

    public init(parameterCount: Int, learningRate: Double, maxGradientNorm: Double?, schedule: LearningRateSchedule) {
        self.learningRate = learningRate
        self.maxGradientNorm = maxGradientNorm
        self.schedule = schedule
        firstMoment = [Double](repeating: 0, count: parameterCount)
        secondMoment = [Double](repeating: 0, count: parameterCount)
    }

    /// The learning rate of the next step.
    public var currentLearningRate: Double { schedule.rate(base: learningRate, step: stepCount) }

    /// One Adam update of `parameters` from `gradient` (not modified). No allocation.
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
        let bc1 = 1 - _power(beta1, t), bc2 = 1 - _power(beta2, t)
        let stepSize = lr / bc1, bc2Root = bc2.squareRoot()
        let b1 = beta1, b2 = beta2, eps = epsilon
        firstMoment.withUnsafeMutableBufferPointer { m in
            secondMoment.withUnsafeMutableBufferPointer { v in
                for i in 0..<n {
                    let g = gradient[i] * scale
                    m[i] = b1 * m[i] + (1 - b1) * g
                    v[i] = b2 * v[i] + (1 - b2) * g * g
                    parameters[i] -= stepSize * m[i] / (v[i].squareRoot() / bc2Root + eps)
                }
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@usableFromInline func _power(_ x: Double, _ y: Double) -> Double { pow(x, y) }
