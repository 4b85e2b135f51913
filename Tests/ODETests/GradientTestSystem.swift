import ODE
import Foundation

/// A small nonlinear differentiable system for gradient tests (n = 2 per member, `members` copies
/// with their own states sharing the 5 parameters):
///
///     y0' = th0 y1 - th1 y0^3 + th4 u(t),   y1' = -th2 y0 + th3 tanh(y1),
///
/// with u(t) = sin(t), or a zero-order hold of `samples` on a grid of `sampleInterval` when given.
/// Its vector-Jacobian product is written by hand from the partial derivatives.
final class DuffingLikeSystem: DifferentiableODESystem {
    var theta: [Double]
    let members: Int
    let samples: [Double]?
    let sampleInterval: Double
    var dimension: Int { 2 * members }
    var parameterCount: Int { 5 }
    /// Record tanh(y1) of each member and u(t) in the forward pass (exercises the taped adjoint path).
    var useTape = true
    var tapeLength: Int { useTape ? members + 1 : 0 }
    /// Evaluations with a tape and products that used one (to check the adjoint really uses them).
    var tapedEvaluations = 0, tapedProducts = 0
    /// The adjoint's hints (`willUseRecordAfterThisCall`): taped calls preceded by one, and taped calls
    /// whose record is the one the previous call's hint named (forward: written; reverse: read).
    var hintedEvaluations = 0, hintedProducts = 0, forwardHintHits = 0, reverseHintHits = 0
    private var pendingHint: (record: UnsafeRawPointer?, forWriting: Bool)?
    private var previousHint: UnsafeRawPointer?

    func willUseRecordAfterThisCall(_ record: UnsafeRawPointer?, forWriting: Bool) {
        pendingHint = (record, forWriting)
    }

    /// Counts the hint given for this taped call and whether the previous call's hint named `tape`.
    private func noteHint(tape: UnsafeRawPointer, writing: Bool) {
        if previousHint == tape { if writing { forwardHintHits += 1 } else { reverseHintHits += 1 } }
        previousHint = nil
        if let hint = pendingHint, hint.forWriting == writing {
            if writing { hintedEvaluations += 1 } else { hintedProducts += 1 }
            previousHint = hint.record
        }
        pendingHint = nil
    }

    init(theta: [Double] = [1.3, 0.4, 1.1, 0.6, 0.8], members: Int = 1, samples: [Double]? = nil, sampleInterval: Double = 0.25) {
        self.theta = theta
        self.members = members
        self.samples = samples
        self.sampleInterval = sampleInterval
    }

    func input(_ t: Double) -> Double {
        guard let samples else { return sin(t) }
        let k = min(max(Int((t / sampleInterval).rounded(.down)), 0), samples.count - 1)
        return samples[k]
    }

    func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
        let u = input(t)
        for b in 0..<members {
            let y0 = y[2 * b], y1 = y[2 * b + 1]
            dydt[2 * b] = theta[0] * y1 - theta[1] * y0 * y0 * y0 + theta[4] * u
            dydt[2 * b + 1] = -theta[2] * y0 + theta[3] * tanh(y1)
        }
    }

    func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>, tape: UnsafeMutablePointer<Double>) {
        evaluate(t: t, y: y, dydt: dydt)
        for b in 0..<members { tape[b] = tanh(y[2 * b + 1]) }
        tape[members] = input(t)
        tapedEvaluations += 1
        noteHint(tape: UnsafeRawPointer(tape), writing: true)
    }

    func vectorJacobianProduct(t: Double, y: UnsafePointer<Double>, tape: UnsafePointer<Double>, cotangent v: UnsafePointer<Double>,
                               stateCotangent: UnsafeMutablePointer<Double>, parameterCotangent: UnsafeMutablePointer<Double>) {
        tapedProducts += 1
        noteHint(tape: UnsafeRawPointer(tape), writing: false)
        // Defers the parameter part (as the contract allows) to check that the adjoint flushes it.
        deferred.withUnsafeMutableBufferPointer { dp in
            product(y: y, tanhY1: tape, u: tape[members], v: v, stateCotangent: stateCotangent, parameterCotangent: dp.baseAddress!)
        }
    }

    var deferred = [Double](repeating: 0, count: 5)

    func flushParameterCotangent(_ parameterCotangent: UnsafeMutablePointer<Double>) {
        for k in 0..<5 { parameterCotangent[k] += deferred[k] }
        deferred = [Double](repeating: 0, count: 5)
    }

    func vectorJacobianProduct(t: Double, y: UnsafePointer<Double>, cotangent v: UnsafePointer<Double>,
                               stateCotangent: UnsafeMutablePointer<Double>, parameterCotangent: UnsafeMutablePointer<Double>) {
        let th = (0..<members).map { tanh(y[2 * $0 + 1]) }
        product(y: y, tanhY1: th, u: input(t), v: v, stateCotangent: stateCotangent, parameterCotangent: parameterCotangent)
    }

    private func product(y: UnsafePointer<Double>, tanhY1: UnsafePointer<Double>, u: Double, v: UnsafePointer<Double>,
                         stateCotangent: UnsafeMutablePointer<Double>, parameterCotangent: UnsafeMutablePointer<Double>) {
        for b in 0..<members {
            let y0 = y[2 * b], y1 = y[2 * b + 1], v0 = v[2 * b], v1 = v[2 * b + 1]
            let th = tanhY1[b]
            stateCotangent[2 * b] += v0 * (-3 * theta[1] * y0 * y0) - v1 * theta[2]
            stateCotangent[2 * b + 1] += v0 * theta[0] + v1 * theta[3] * (1 - th * th)
            parameterCotangent[0] += v0 * y1
            parameterCotangent[1] -= v0 * y0 * y0 * y0
            parameterCotangent[2] -= v1 * y0
            parameterCotangent[3] += v1 * th
            parameterCotangent[4] += v0 * u
        }
    }
}

/// Central finite differences of the loss with respect to theta and y0.
func finiteDifferenceGradient(solver: ODESolver, system: DuffingLikeSystem, y0: [Double], t1: Double, saveAt: [Double],
                              jumpTimes: [Double] = [], loss: MeanSquaredError,
                              relativeStep: Double = 1e-6) throws -> (theta: [Double], y0: [Double]) {
    func lossAt(_ y: [Double]) throws -> Double {
        let sol = try solver.solve(system, y0: y, t0: 0, t1: t1, saveAt: saveAt, jumpTimes: jumpTimes)
        return loss.valueAndCotangent(of: sol).value
    }
    var gTheta = [Double](), gY = [Double]()
    let theta0 = system.theta
    for k in 0..<theta0.count {
        let e = relativeStep * max(1, abs(theta0[k]))
        system.theta[k] = theta0[k] + e
        let lp = try lossAt(y0)
        system.theta[k] = theta0[k] - e
        let lm = try lossAt(y0)
        system.theta = theta0
        gTheta.append((lp - lm) / (2 * e))
    }
    for k in 0..<y0.count {
        let e = relativeStep * max(1, abs(y0[k]))
        var yp = y0, ym = y0
        yp[k] += e
        ym[k] -= e
        gY.append((try lossAt(yp) - lossAt(ym)) / (2 * e))
    }
    return (gTheta, gY)
}

func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    let diff = zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
    let norm = b.map { $0 * $0 }.reduce(0, +).squareRoot()
    return diff / norm
}
