import ODE
import Foundation

/// A right-hand side given by a closure (for tests only).
final class ClosureSystem: ODESystem {
    let dimension: Int
    let f: (Double, UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void
    init(dimension: Int, _ f: @escaping (Double, UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void) {
        self.dimension = dimension
        self.f = f
    }
    func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) { f(t, y, dydt) }
}

/// y' = y cos t, y(0) = 1: y(t) = exp(sin t). Time-dependent, so the nodes c_i are exercised.
func expSineSystem() -> ClosureSystem {
    ClosureSystem(dimension: 1) { t, y, dy in dy[0] = y[0] * cos(t) }
}

/// Van der Pol, mu = 1: y1' = y2, y2' = mu (1 - y1^2) y2 - y1.
func vanDerPol(mu: Double = 1) -> ClosureSystem {
    ClosureSystem(dimension: 2) { _, y, dy in
        dy[0] = y[1]
        dy[1] = mu * (1 - y[0] * y[0]) * y[1] - y[0]
    }
}

/// The restricted three-body problem (Arenstorf orbit), HNW I, II.0, eq. (0.1).
func arenstorf() -> ClosureSystem {
    let mu = 0.012277471, mup = 1 - mu
    return ClosureSystem(dimension: 4) { _, y, dy in
        let d1 = pow((y[0] + mu) * (y[0] + mu) + y[1] * y[1], 1.5)
        let d2 = pow((y[0] - mup) * (y[0] - mup) + y[1] * y[1], 1.5)
        dy[0] = y[2]
        dy[1] = y[3]
        dy[2] = y[0] + 2 * y[3] - mup * (y[0] + mu) / d1 - mu * (y[0] - mup) / d2
        dy[3] = y[1] - 2 * y[2] - mup * y[1] / d1 - mu * y[1] / d2
    }
}

func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

/// Least-squares slope of log(err) against log(h).
func convergenceSlope(steps: [Double], errors: [Double]) -> Double {
    let x = steps.map { log($0) }, y = errors.map { log($0) }
    let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
    var sxy = 0.0, sxx = 0.0
    for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx) }
    return sxy / sxx
}
