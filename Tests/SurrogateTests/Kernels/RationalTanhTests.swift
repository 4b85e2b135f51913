import XCTest
import Foundation
import Surrogate

/// `RationalTanh`, the Float32 tanh of the free run's Float32 network.
final class RationalTanhTests: XCTestCase {
    /// Against Glibc's Double tanh over [-12, 12] (step 1e-4) and 10^-30 ... 1: relative error below
    /// 6 Float32 ulps (6 x 2^-24 = 3.6e-7); odd to the bit; within [-1, 1]; exactly +-1 beyond the clamp.
    func testAgainstLibm() {
        var xs = (0...240_000).map { -12 + Double($0) * 1e-4 }
        xs += (0...300).map { pow(10, -Double($0) / 10) }
        var worst = 0.0
        var i = 0
        while i < xs.count {
            var v = SIMD16<Float>()
            for j in 0..<16 { v[j] = Float(xs[min(i + j, xs.count - 1)]) }
            let t = RationalTanh.tanh(v), m = RationalTanh.tanh(-v)
            XCTAssertEqual(m, -t)
            for j in 0..<16 {
                let x = Double(v[j]), exact = Foundation.tanh(x)
                XCTAssertLessThanOrEqual(abs(t[j]), 1)
                worst = max(worst, exact == 0 ? abs(Double(t[j])) : abs(Double(t[j]) - exact) / abs(exact))
            }
            i += 16
        }
        print("RationalTanh max relative error:", worst, "=", worst / pow(2, -24), "ulps")
        XCTAssertLessThan(worst, 6 * pow(2, -24))
        XCTAssertEqual(RationalTanh.tanh(SIMD16(repeating: 0)), SIMD16(repeating: 0))
        XCTAssertEqual(RationalTanh.tanh(SIMD16(repeating: 40)), SIMD16(repeating: 1))
        XCTAssertEqual(RationalTanh.tanh(SIMD16(repeating: -1e30)), SIMD16(repeating: -1))
    }

    /// `apply` over a buffer gives the bits of the per-vector function.
    func testApplyMatchesPerVector() {
        let values = (0..<48).map { SIMD16<Float>(repeating: Float($0) * 0.37 - 8) + SIMD16<Float>((0..<16).map { Float($0) * 0.01 }) }
        var buffer = values
        buffer.withUnsafeMutableBufferPointer { RationalTanh.apply($0.baseAddress!, count: 48) }
        XCTAssertEqual(buffer, values.map(RationalTanh.tanh))
    }
}
