import XCTest
import Numerics
import Surrogate

final class InputInterpolationTests: XCTestCase {
    /// A cubic spline reproduces any cubic exactly when its end second derivatives are the cubic's
    /// (the spline is unique and the cubic satisfies every condition; Numerical Recipes 3rd ed., 3.3).
    func testSplineReproducesCubicWithMatchingEndConditions() throws {
        func p(_ s: Double) -> Double { 0.3 * s * s * s - s * s + 2 * s - 1 }
        func p2(_ s: Double) -> Double { 1.8 * s - 2 }
        let n = 11
        let values = (0..<n).map { p(Double($0)) }
        let spline = try InputInterpolation(kind: .cubic, sampleCount: n, channelCount: 1, values: values,
                                            endSecondDerivatives: ([p2(0)], [p2(10)]))
        for s in stride(from: 0.0, through: 10.0, by: 0.137) {
            XCTAssertEqual(spline.value(at: s, channel: 0), p(s), accuracy: 1e-11, "s = \(s)")
            XCTAssertEqual(spline.secondDerivative(at: s, channel: 0), p2(s), accuracy: 1e-11)
        }
    }

    /// Natural spline: M = 0 at both ends; through (0, 1, 0) the middle M solves 4 M_1 = 6 (0 - 2 + 0),
    /// M_1 = -3, and S(0.5) = 0.5 + (0.125 - 0.5)(-3)/6 = 0.6875 (hand calculation from the formula).
    func testNaturalSplineAnalyticValues() throws {
        let spline = try InputInterpolation(kind: .cubic, sampleCount: 3, channelCount: 1, values: [0, 1, 0])
        XCTAssertEqual(spline.secondDerivatives, [0, -3, 0])
        XCTAssertEqual(spline.value(at: 0.5, channel: 0), 0.6875, accuracy: 1e-15)
        XCTAssertEqual(spline.value(at: 1.5, channel: 0), 0.6875, accuracy: 1e-15)
        XCTAssertEqual(spline.value(at: 1, channel: 0), 1, accuracy: 1e-15)
        // A long random natural spline: zero second derivative at the ends, interpolates every sample.
        var rng = SeededRandom(seed: 7)
        let m = 2, n = 40
        let values = (0..<(n * m)).map { _ in rng.normal() }
        let s = try InputInterpolation(kind: .cubic, sampleCount: n, channelCount: m, values: values)
        for j in 0..<m {
            XCTAssertEqual(s.secondDerivative(at: 0, channel: j), 0)
            XCTAssertEqual(s.secondDerivative(at: Double(n - 1), channel: j), 0)
            for i in 0..<n { XCTAssertEqual(s.value(at: Double(i), channel: j), values[i * m + j], accuracy: 1e-14) }
            // Continuity of the first derivative at interior knots (one-sided differences agree to O(h)).
            for i in 1..<(n - 1) {
                let h = 1e-6, x = Double(i)
                let left = (s.value(at: x, channel: j) - s.value(at: x - h, channel: j)) / h
                let right = (s.value(at: x + h, channel: j) - s.value(at: x, channel: j)) / h
                XCTAssertEqual(left, right, accuracy: 1e-4)
            }
        }
        // Tridiagonal equations hold at every interior knot.
        for j in 0..<m {
            for i in 1..<(n - 1) {
                let mm: Double = s.secondDerivatives[(i - 1) * m + j]
                let m0: Double = s.secondDerivatives[i * m + j]
                let mp: Double = s.secondDerivatives[(i + 1) * m + j]
                let lhs: Double = mm + 4 * m0 + mp
                let vm: Double = values[(i - 1) * m + j], v0: Double = values[i * m + j], vp: Double = values[(i + 1) * m + j]
                let rhs: Double = 6 * (vp - 2 * v0 + vm)
                XCTAssertEqual(lhs, rhs, accuracy: 1e-12)
            }
        }
    }

    func testZeroOrderHoldAndLinear() throws {
        let values: [Double] = [1, 10, 2, 20, 3, 30, 4, 40]   // 4 samples x 2 channels
        let zoh = try InputInterpolation(kind: .zoh, sampleCount: 4, channelCount: 2, values: values)
        XCTAssertEqual(zoh.value(at: 1.999, channel: 1), 20)
        XCTAssertEqual(zoh.value(at: 2, channel: 1), 30)      // right-continuous
        XCTAssertEqual(zoh.value(at: 7, channel: 0), 4)       // held after the end
        XCTAssertEqual(zoh.value(at: -1, channel: 0), 1)      // held before the start
        XCTAssertEqual(zoh.jumpTimes(), [1, 2, 3])
        XCTAssertEqual(zoh.jumpTimes(from: 1, to: 3), [2])
        let lin = try InputInterpolation(kind: .linear, sampleCount: 4, channelCount: 2, values: values)
        XCTAssertEqual(lin.value(at: 1.25, channel: 1), 22.5, accuracy: 1e-14)
        XCTAssertEqual(lin.jumpTimes(), [])
        var out = [Double](repeating: 0, count: 2)
        out.withUnsafeMutableBufferPointer { lin.evaluate(at: 2.5, into: $0.baseAddress!) }
        XCTAssertEqual(out, [3.5, 35])
    }

    func testBadInputsThrow() {
        XCTAssertThrowsError(try InputInterpolation(kind: .cubic, sampleCount: 3, channelCount: 2, values: [1, 2, 3]))
        XCTAssertThrowsError(try InputInterpolation(kind: .zoh, sampleCount: 2, channelCount: 1, values: [1, .nan])) { e in
            XCTAssertTrue("\(e)".contains("non-finite"), "\(e)")
        }
    }
}
