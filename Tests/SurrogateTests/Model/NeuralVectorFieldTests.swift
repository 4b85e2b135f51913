import XCTest
import Numerics
import NeuralNet
import ODE
import Surrogate
#if canImport(Glibc)
import Glibc
#endif

final class NeuralVectorFieldTests: XCTestCase {
    /// Paper-shaped field (n = 2, m = 2: u at t and t + dt), batch 3, with a linear term A and extra
    /// inputs e_b(t) = (sin(t + b), cos(2t - b)).
    private func makeField(batch: Int = 3) throws -> NeuralVectorField {
        let mlp = try MLP(widths: [4, 12, 12, 2], activations: [.tanh, .softplus, .identity],
                          initialisation: .normal(sigma: 0.5), seed: 21)
        let a = Matrix(rows: 2, columns: 2, storage: [-0.3, 0.2, 0.1, -0.5])
        return try NeuralVectorField(mlp: mlp, stateWidth: 2, extraInputCount: 2, batch: batch, linearTerm: a) { t, batch, e, stride in
            for b in 0..<batch {
                e[b * stride] = sin(t + Double(b))
                e[b * stride + 1] = cos(2 * t - Double(b))
            }
        }
    }

    /// evaluate = MLP([y_b, e_b(t)]) + A y_b member by member (MLP applied to single vectors).
    func testEvaluateMatchesMLPForward() throws {
        let f = try makeField()
        XCTAssertEqual(f.dimension, 6)
        XCTAssertEqual(f.parameterCount, f.mlp.parameterCount)
        let t = 0.7
        let y: [Double] = [0.1, -0.4, 0.9, 0.3, -1.2, 0.05]
        var dydt = [Double](repeating: .nan, count: 6)
        f.evaluate(t: t, y: y, dydt: &dydt)
        let a = f.linearTerm!
        for b in 0..<3 {
            let yb = [y[2 * b], y[2 * b + 1]]
            let out = f.mlp(yb + [sin(t + Double(b)), cos(2 * t - Double(b))])
            for i in 0..<2 {
                let expected = out[i] + a[i, 0] * yb[0] + a[i, 1] * yb[1]
                XCTAssertEqual(dydt[2 * b + i], expected, accuracy: 1e-14)
            }
        }
    }

    /// v^T df/dy and v^T df/dtheta against central finite differences of v . f(t, y; theta),
    /// relative error <= 1e-7 (h = 1e-5); both outputs are accumulated (start values subtracted).
    func testVectorJacobianProductMatchesFiniteDifferences() throws {
        let f = try makeField()
        let t = 1.3
        let y: [Double] = [0.2, -0.1, 0.5, 0.8, -0.6, 0.4]
        let v: [Double] = [1.0, -0.5, 0.3, 2.0, -1.1, 0.7]
        var gy = [Double](repeating: 3, count: 6)
        var gtheta = [Double](repeating: -2, count: f.parameterCount)
        f.vectorJacobianProduct(t: t, y: y, cotangent: v, stateCotangent: &gy, parameterCotangent: &gtheta)
        func objective(_ yy: [Double]) -> Double {
            var d = [Double](repeating: 0, count: 6)
            f.evaluate(t: t, y: yy, dydt: &d)
            return zip(v, d).map { $0 * $1 }.reduce(0, +)
        }
        let h = 1e-5
        for i in 0..<6 {
            var yp = y, ym = y
            yp[i] += h; ym[i] -= h
            let fd = (objective(yp) - objective(ym)) / (2 * h)
            XCTAssertEqual(gy[i] - 3, fd, accuracy: 1e-7 * max(1, abs(fd)), "state \(i)")
        }
        let theta = f.mlp.parameters
        for j in 0..<f.parameterCount {
            var p = theta
            p[j] += h; f.mlp.parameters = p
            let fp = objective(y)
            p[j] = theta[j] - h; f.mlp.parameters = p
            let fm = objective(y)
            f.mlp.parameters = theta
            let fd = (fp - fm) / (2 * h)
            XCTAssertEqual(gtheta[j] + 2, fd, accuracy: 1e-7 * max(1, abs(fd)), "parameter \(j)")
        }
    }

    func testShapeErrors() throws {
        let mlp = try MLP(widths: [4, 8, 2], activations: [.tanh, .identity])
        XCTAssertThrowsError(try NeuralVectorField(mlp: mlp, stateWidth: 2, extraInputCount: 1, batch: 1))
        XCTAssertThrowsError(try NeuralVectorField(mlp: mlp, stateWidth: 2, extraInputCount: 2, batch: 1,
                                                   linearTerm: Matrix(rows: 3, columns: 3)))
    }
}
