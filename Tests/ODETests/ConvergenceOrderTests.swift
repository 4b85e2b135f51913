import XCTest
import ODE
import Foundation

/// Every tableau converges with its classical order: on y' = y cos t (y = exp(sin t)) with fixed
/// steps h, h/2, h/4, h/8 the global error at t = 2 falls like h^p; the least-squares slope of
/// log(error) against log(h) must be within 0.3 of p.
final class ConvergenceOrderTests: XCTestCase {
    func slope(_ tab: ButcherTableau, steps: [Int], t1: Double = 2) throws -> Double {
        let system = expSineSystem()
        var errors = [Double](), hs = [Double]()
        for nSteps in steps {
            let h = t1 / Double(nSteps)
            let sol = try ODESolver(method: tab, stepping: .fixed(step: h)).solve(system, y0: [1], t0: 0, t1: t1)
            XCTAssertEqual(sol.statistics.acceptedSteps, nSteps, tab.name)
            errors.append(abs(sol.finalState[0] - exp(sin(t1))))
            hs.append(h)
        }
        let p = convergenceSlope(steps: hs, errors: errors)
        print("order \(tab.name): slope \(p), errors \(errors)")
        return p
    }

    func testEuler() throws { XCTAssertEqual(try slope(.euler, steps: [200, 400, 800, 1600]), 1, accuracy: 0.3) }
    func testMidpoint() throws { XCTAssertEqual(try slope(.midpoint, steps: [50, 100, 200, 400]), 2, accuracy: 0.3) }
    func testRK4() throws { XCTAssertEqual(try slope(.rk4, steps: [20, 40, 80, 160]), 4, accuracy: 0.3) }
    func testBogackiShampine32() throws {
        XCTAssertEqual(try slope(.bogackiShampine32, steps: [20, 40, 80, 160]), 3, accuracy: 0.3)
    }
    func testDormandPrince54() throws {
        XCTAssertEqual(try slope(.dormandPrince54, steps: [10, 20, 40, 80]), 5, accuracy: 0.3)
    }
    /// Tsit5's coefficients make its principal error term small (the point of the method), so the h^5
    /// regime starts at smaller h than for Dopri5; on y' = y^2, y(0) = 1 (y = 1/(1 - t)) up to t = 0.5 it
    /// is reached for 8..64 steps while the errors (1e-8..1e-12) are still far above rounding.
    func testTsitouras54() throws {
        let system = ClosureSystem(dimension: 1) { _, y, dy in dy[0] = y[0] * y[0] }
        var errors = [Double](), hs = [Double]()
        for nSteps in [8, 16, 32, 64] {
            let h = 0.5 / Double(nSteps)
            let sol = try ODESolver(method: .tsitouras54, stepping: .fixed(step: h)).solve(system, y0: [1], t0: 0, t1: 0.5)
            errors.append(abs(sol.finalState[0] - 2))
            hs.append(h)
        }
        let p = convergenceSlope(steps: hs, errors: errors)
        print("order Tsitouras 5(4) on y' = y^2: slope \(p), errors \(errors)")
        XCTAssertEqual(p, 5, accuracy: 0.3)
    }
}
