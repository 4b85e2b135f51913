import XCTest
import NeuralNet
#if canImport(Glibc)
import Glibc
#endif

final class VectorTanhTests: XCTestCase {
    /// Against Glibc tanh (itself within 1 ulp): relative error <= 1e-15 on a dense grid of [-40, 40]
    /// (step ~1e-5, 8e6 points), on a log grid of tiny |x| (1e-300 ... 1), at the range-reduction
    /// boundaries, and exactly +-1 for |x| >= 20 and +-0 at +-0.
    func testAccuracyAgainstLibm() {
        var xs = [Double]()
        let n = 8_000_000
        for i in 0...n { xs.append(-40 + 80 * Double(i) / Double(n)) }
        for e in stride(from: -300.0, through: 0, by: 0.01) { xs.append(pow(10, e)); xs.append(-pow(10, e)) }
        for k in 1..<60 { let b = (Double(k) + 0.5) * log(2.0) / 2; xs.append(b.nextDown); xs.append(b); xs.append(b.nextUp) }
        xs += [0, -0.0, 19.99, 20, 25, 710, 1e300, -1e300, .infinity, -.infinity, Double.leastNonzeroMagnitude]
        var ys = [Double](repeating: .nan, count: xs.count)
        VectorTanh.apply(count: xs.count, x: xs, y: &ys)
        var worst = 0.0, worstX = 0.0
        for i in 0..<xs.count {
            let ref = tanh(xs[i])
            let err = ref == 0 ? abs(ys[i]) : abs(ys[i] - ref) / abs(ref)
            if err > worst { worst = err; worstX = xs[i] }
        }
        print("VectorTanh: worst relative error \(worst) at x = \(worstX) over \(xs.count) points")
        XCTAssertLessThanOrEqual(worst, 1e-15, "worst relative error \(worst) at x = \(worstX)")
        // 4 lanes (one AVX2 register) give the same bits as 8.
        for i in stride(from: 0, to: xs.count - 8, by: 997) {
            var v = SIMD8<Double>()
            for j in 0..<8 { v[j] = xs[i + j] }
            let t = VectorTanh.tanh(v)
            XCTAssertEqual(VectorTanh.tanh(lanes: v.lowHalf), t.lowHalf)
            XCTAssertEqual(VectorTanh.tanh(lanes: v.highHalf), t.highHalf)
        }
        XCTAssertEqual(VectorTanh.tanh(SIMD8(repeating: 30))[3], 1)
        XCTAssertEqual(VectorTanh.tanh(SIMD8(repeating: -30))[5], -1)
        XCTAssertEqual(VectorTanh.tanh(SIMD8(repeating: -0.0))[0].sign, .minus)
    }
}
