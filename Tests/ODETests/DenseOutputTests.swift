import XCTest
import ODE
import Foundation

/// Dense output: with fixed steps the error at interior points (theta = 0.3, 0.7) falls like
/// h^min(p, q+1) (p the method's order, q the interpolant's: the global error plus the local
/// interpolation error, HNW I, II.6); with adaptive steps the interpolated values stay within the
/// tolerance's order of the exact solution.
final class DenseOutputTests: XCTestCase {
    func interiorSlope(_ tab: ButcherTableau, steps: [Int]) throws -> Double {
        let system = expSineSystem()
        var errors = [Double](), hs = [Double]()
        for nSteps in steps {
            let h = 2.0 / Double(nSteps)
            // Interior points of every step.
            var times = [Double]()
            for i in 0..<nSteps { times += [(Double(i) + 0.3) * h, (Double(i) + 0.7) * h] }
            let sol = try ODESolver(method: tab, stepping: .fixed(step: h))
                .solve(system, y0: [1], t0: 0, t1: 2, saveAt: times)
            let err = zip(times, sol.states).map { abs($1 - exp(sin($0))) }.max()!
            errors.append(err)
            hs.append(h)
        }
        let p = convergenceSlope(steps: hs, errors: errors)
        print("dense \(tab.name): slope \(p), errors \(errors)")
        return p
    }

    func testInterpolantOrders() throws {
        XCTAssertEqual(try interiorSlope(.euler, steps: [200, 400, 800, 1600]), 1, accuracy: 0.3)
        XCTAssertEqual(try interiorSlope(.midpoint, steps: [50, 100, 200, 400]), 2, accuracy: 0.3)
        XCTAssertEqual(try interiorSlope(.rk4, steps: [20, 40, 80, 160]), 4, accuracy: 0.3)
        XCTAssertEqual(try interiorSlope(.bogackiShampine32, steps: [20, 40, 80, 160]), 3, accuracy: 0.3)
        XCTAssertEqual(try interiorSlope(.dormandPrince54, steps: [10, 20, 40, 80]), 5, accuracy: 0.3)
        XCTAssertEqual(try interiorSlope(.tsitouras54, steps: [10, 20, 40, 80]), 5, accuracy: 0.3)
    }

    /// Adaptive Dopri5/Tsit5/BS3 on y = exp(sin t) over [0, 10] with 401 save times: the worst
    /// interpolated error stays below 100 tol (the global error of these methods is a modest multiple
    /// of tol), and the save times do not change the steps taken.
    func testAdaptiveDenseOutputAccuracy() throws {
        let times = (0...400).map { 10.0 * Double($0) / 400 }
        for (tab, tol) in [(ButcherTableau.dormandPrince54, 1e-8), (.tsitouras54, 1e-8), (.bogackiShampine32, 1e-6)] {
            let solver = ODESolver(method: tab, stepping: .adaptive(rtol: tol, atol: tol))
            let sol = try solver.solve(expSineSystem(), y0: [1], t0: 0, t1: 10, saveAt: times)
            let plain = try solver.solve(expSineSystem(), y0: [1], t0: 0, t1: 10)
            let err = zip(times, sol.states).map { abs($1 - exp(sin($0))) }.max()!
            print("adaptive dense \(tab.name) tol \(tol): max error \(err), \(sol.statistics)")
            XCTAssertLessThan(err, 100 * tol, tab.name)
            XCTAssertEqual(sol.statistics.acceptedSteps, plain.statistics.acceptedSteps, "save times must not force steps")
            XCTAssertEqual(sol.finalState, plain.finalState)
        }
    }
}
