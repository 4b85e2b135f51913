import Reservoir
import XCTest

final class MackeyGlassTests: XCTestCase {
    /// For 0 <= t <= tau the delayed term is the constant history 1.2, so the equation is linear:
    /// x(t) = c/b + (1.2 - c/b) exp(-b t), c = a 1.2 / (1 + 1.2^10). RK4 is then exact to O(dt^4).
    func testAnalyticSolutionOnFirstDelayInterval() throws {
        let x = try MackeyGlass().series(count: 18)
        let c = 0.2 * 1.2 / (1 + pow(1.2, 10))
        for t in [0, 5, 10, 17] {
            XCTAssertEqual(x[t], c / 0.1 + (1.2 - c / 0.1) * exp(-0.1 * Double(t)), accuracy: 1e-9, "t = \(t)")
        }
    }

    /// Against an independent reference: the method of steps with SciPy's DOP853 (rtol 1e-13, atol 1e-15),
    /// each delay interval [17 k, 17 (k + 1)] integrated with the delayed term from the previous interval's
    /// dense output (script in docs/reservoir-tasks.md): x(50) = 1.0609543628975362,
    /// x(100) = 1.0137240165240022. Our RK4 with linear interpolation of the delayed term is second order:
    /// measured errors at t = 50 are 1.64e-5 (dt 0.1), 4.09e-6 (0.05), 1.02e-6 (0.025), ratio 4.0 per halving.
    func testAgainstIndependentReferenceAndSecondOrderConvergence() throws {
        let reference = [50: 1.0609543628975362, 100: 1.0137240165240022]
        let steps = [0.1, 0.05, 0.025]
        let bounds = [2e-5, 5e-6, 1.3e-6]
        let runs = try steps.map { try MackeyGlass(step: $0).series(count: 101) }
        for (t, ref) in reference {
            for i in 0..<3 { XCTAssertEqual(runs[i][t], ref, accuracy: bounds[i], "dt \(steps[i]), t = \(t)") }
            for i in 0..<2 {
                let ratio = abs(runs[i][t] - ref) / abs(runs[i + 1][t] - ref)
                XCTAssertEqual(ratio, 4, accuracy: 0.2, "error ratio dt \(steps[i]) / dt \(steps[i + 1]) at t = \(t)")
            }
        }
    }

    /// The chaotic attractor for tau = 17 stays within about [0.2, 1.4] with mean about 0.9 (e.g. Farmer,
    /// Physica D 4, 366 (1982), Fig. 2); after the transient our 10,000 samples do too, and they are not periodic:
    /// the series does not repeat at any lag up to 200 within 1e-3.
    func testAttractorRangeAndAperiodicity() throws {
        let x = Array(try MackeyGlass().series(count: 10_000)[500...])
        XCTAssertGreaterThan(x.min()!, 0.2)
        XCTAssertLessThan(x.max()!, 1.4)
        let mean = x.reduce(0, +) / Double(x.count)
        XCTAssertEqual(mean, 0.9, accuracy: 0.05)
        for lag in 10...200 {
            var maxDiff = 0.0
            for i in 0..<(x.count - lag) { maxDiff = max(maxDiff, abs(x[i + lag] - x[i])) }
            XCTAssertGreaterThan(maxDiff, 1e-3, "lag \(lag)")
        }
    }

    func testRejectsIncommensurateSampleInterval() {
        XCTAssertThrowsError(try MackeyGlass(step: 0.3, sampleInterval: 1).series(count: 10))
    }

    /// The series cache keys on every parameter and the length: more than the cache holds (4), each
    /// asked twice in turn, gives every time what a fresh integration of the same equation gives
    /// (the first delay interval's closed form would not tell a stale series from a right one, so the
    /// check is against values recorded before any other series was made).
    func testCachedSeriesMatchTheirOwnParameters() throws {
        let equations = [MackeyGlass(), MackeyGlass(a: 0.21), MackeyGlass(b: 0.11), MackeyGlass(n: 9.5),
                         MackeyGlass(tau: 16), MackeyGlass(history: 1.1), MackeyGlass(step: 0.05)]
        var first: [[Double]] = []
        for e in equations { first.append(try e.series(count: 300)) }
        for (i, e) in equations.enumerated() {
            XCTAssertEqual(try e.series(count: 300), first[i], "equation \(i)")
            XCTAssertEqual(try e.series(count: 200), Array(first[i].prefix(200)), "equation \(i), shorter")
        }
        for i in 1..<equations.count { XCTAssertNotEqual(first[i], first[0], "equation \(i) gave the default's series") }
    }
}

