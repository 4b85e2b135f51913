import Benchmarks
import Foundation
import Numerics
import ODE
import XCTest

/// NODE-64's hand-blocked vector field (`Node64VectorField`, the one `spinode bench node64` times) against
/// the general batched neural vector field (`Node64.system()`, BLAS products) and against the benchmark's
/// reference gradient. Its products are register-blocked by the build's register file (4 x 16 tiles with
/// 32 vector registers, 6 x 8 and 4 x 8 with 16), so this runs a different tiling in the AVX2 and AVX-512
/// builds; both must give the same field and products.
final class Node64Tests: XCTestCase {
    /// A deterministic state of 32 x 4 values in [-1, 1] and a cotangent of the same shape.
    private func vectors() -> (y: [Double], v: [Double]) {
        let n = Node64.batch * Node64.stateWidth
        return ((0..<n).map { sin(0.7 * Double($0) + 0.3) }, (0..<n).map { cos(1.3 * Double($0) - 0.2) })
    }

    private func maxRelative(_ a: [Double], _ b: [Double]) -> Double {
        let scale = max(b.map(abs).max() ?? 1, 1e-300)
        return zip(a, b).map { abs($0 - $1) }.max()! / scale
    }

    func testFieldAndProductsMatchTheGeneralNeuralField() throws {
        let fast = try Node64.tapedSystem(), general = try Node64.system()
        XCTAssertEqual(fast.parameterCount, general.parameterCount)
        let (y, v) = vectors()
        let n = y.count, p = fast.parameterCount
        for t in [0.0, 1.7, 23.4] {
            var f1 = [Double](repeating: 0, count: n), f2 = f1
            fast.evaluate(t: t, y: y, dydt: &f1)
            general.evaluate(t: t, y: y, dydt: &f2)
            XCTAssertLessThan(maxRelative(f1, f2), 1e-13, "field at t = \(t)")

            var s1 = [Double](repeating: 0, count: n), s2 = s1
            var g1 = [Double](repeating: 0, count: p), g2 = g1
            fast.vectorJacobianProduct(t: t, y: y, cotangent: v, stateCotangent: &s1, parameterCotangent: &g1)
            general.vectorJacobianProduct(t: t, y: y, cotangent: v, stateCotangent: &s2, parameterCotangent: &g2)
            XCTAssertLessThan(maxRelative(s1, s2), 1e-12, "state cotangent at t = \(t)")
            XCTAssertLessThan(maxRelative(g1, g2), 1e-12, "parameter cotangent at t = \(t)")

            // The recorded pass (what the discrete adjoint uses) gives the same bits as the unrecorded one.
            var tape = [Double](repeating: 0, count: fast.tapeLength), f3 = f1
            fast.evaluate(t: t, y: y, dydt: &f3, tape: &tape)
            XCTAssertEqual(f3, f1)
            var s3 = [Double](repeating: 0, count: n), g3 = [Double](repeating: 0, count: p)
            fast.vectorJacobianProduct(t: t, y: y, tape: tape, cotangent: v, stateCotangent: &s3, parameterCotangent: &g3)
            XCTAssertEqual(s3, s1)
            XCTAssertEqual(g3, g1)
        }
    }

    /// The product against central differences of the field along a random direction in the state.
    func testStateCotangentMatchesCentralDifferences() throws {
        let fast = try Node64.tapedSystem()
        let (y, v) = vectors()
        let n = y.count
        let d = (0..<n).map { sin(2.9 * Double($0) + 1) }
        var s = [Double](repeating: 0, count: n), g = [Double](repeating: 0, count: fast.parameterCount)
        fast.vectorJacobianProduct(t: 3.1, y: y, cotangent: v, stateCotangent: &s, parameterCotangent: &g)
        let h = 1e-6
        var fp = [Double](repeating: 0, count: n), fm = fp
        fast.evaluate(t: 3.1, y: zip(y, d).map { $0 + h * $1 }, dydt: &fp)
        fast.evaluate(t: 3.1, y: zip(y, d).map { $0 - h * $1 }, dydt: &fm)
        let difference = zip(zip(fp, fm), v).map { ($0.0 - $0.1) / (2 * h) * $1 }.reduce(0, +)
        let product = zip(s, d).map { $0 * $1 }.reduce(0, +)
        XCTAssertEqual(product, difference, accuracy: 1e-7 * abs(difference))
    }

    /// The benchmark's gradient (discrete adjoint, Dopri5 at rtol 1e-6) against the reference values of its
    /// definition (loss 78.290497, gradient norm 3000.8805, from diffrax at rtol 1e-12).
    func testBenchmarkGradientMatchesTheReference() throws {
        let g = try Node64.gradient(system: Node64.tapedSystem(), solver: Node64.solver(), adjoint: DiscreteAdjoint(),
                                    cache: ODESolverCache())
        XCTAssertEqual(g.loss, Node64.referenceLoss, accuracy: 1e-6 * Node64.referenceLoss)
        XCTAssertEqual(BLAS.norm2(g.parameterGradient), Node64.referenceGradientNorm, accuracy: 1e-5 * Node64.referenceGradientNorm)
    }
}
