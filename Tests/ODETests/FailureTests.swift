import XCTest
import ODE
import Foundation

/// Every failure is a thrown `ODEError` with the time where it happened, never a trap or a hang.
final class FailureTests: XCTestCase {
    func testNonFiniteDerivative() {
        let system = ClosureSystem(dimension: 2) { t, y, dy in dy[0] = 1; dy[1] = t >= 0.55 ? .nan : 1 }
        let solver = ODESolver(method: .rk4, stepping: .fixed(step: 0.1))
        XCTAssertThrowsError(try solver.solve(system, y0: [0, 0], t0: 0, t1: 1, jumpTimes: [0.55])) { error in
            XCTAssertEqual(error as? ODEError, .nonFiniteDerivative(t: 0.55), "\(error)")
        }
    }

    /// y' = y from y(0) = 1e300: each RK4 step of 1 multiplies y by 65/24 = 2.708 (its last stage by
    /// 2.75), so the state overflows (1.8e308) in the step starting near t = log(1.8e8) / log(2.708) = 19.
    func testNonFiniteStateFixedStep() {
        let system = ClosureSystem(dimension: 1) { _, y, dy in dy[0] = y[0] }
        XCTAssertThrowsError(try ODESolver(method: .rk4, stepping: .fixed(step: 1))
            .solve(system, y0: [1e300], t0: 0, t1: 40)) { error in
            guard case let .nonFiniteState(t) = error as? ODEError else { return XCTFail("\(error)") }
            XCTAssertGreaterThanOrEqual(t, 18)
            XCTAssertLessThanOrEqual(t, 19)
        }
    }

    /// y' = y^2, y(0) = 1 blows up at t = 1: adaptive steps shrink onto the singularity until they
    /// underflow (or the state overflows) near t = 1.
    func testStepSizeUnderflowAtSingularity() {
        let system = ClosureSystem(dimension: 1) { _, y, dy in dy[0] = y[0] * y[0] }
        XCTAssertThrowsError(try ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: 1e-8, atol: 1e-8))
            .solve(system, y0: [1], t0: 0, t1: 2)) { error in
            switch error as? ODEError {
            case let .stepSizeUnderflow(t, h)?:
                XCTAssertEqual(t, 1, accuracy: 1e-6)
                XCTAssertLessThan(h, 1e-10)
            case let .nonFiniteState(t)?:
                XCTAssertEqual(t, 1, accuracy: 1e-6)
            default: XCTFail("\(error)")
            }
        }
    }

    /// A fixed step below the resolution of t (1e-20 at t = 1) cannot advance: an error, not a hang.
    func testFixedStepBelowTimeResolution() {
        let system = ClosureSystem(dimension: 1) { _, _, dy in dy[0] = 1 }
        XCTAssertThrowsError(try ODESolver(method: .euler, stepping: .fixed(step: 1e-20)).solve(system, y0: [0], t0: 1, t1: 2)) { error in
            XCTAssertEqual(error as? ODEError, .stepSizeUnderflow(t: 1, step: 1e-20), "\(error)")
        }
    }

    func testMaxStepsExceeded() {
        var options = AdaptiveStepping(rtol: 1e-10, atol: 1e-10)
        options.maxSteps = 20
        XCTAssertThrowsError(try ODESolver(method: .dormandPrince54, stepping: .adaptive(options))
            .solve(vanDerPol(), y0: [2, 0], t0: 0, t1: 10)) { error in
            guard case let .maxStepsExceeded(t, steps) = error as? ODEError else { return XCTFail("\(error)") }
            XCTAssertEqual(steps, 20)
            XCTAssertGreaterThan(t, 0)
            XCTAssertLessThan(t, 10)
        }
    }

    func testInvalidArguments() {
        let solver = ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: 1e-6, atol: 1e-6))
        XCTAssertThrowsError(try solver.solve(vanDerPol(), y0: [1], t0: 0, t1: 1))
        XCTAssertThrowsError(try solver.solve(vanDerPol(), y0: [1, 0], t0: 1, t1: 0))
        XCTAssertThrowsError(try solver.solve(vanDerPol(), y0: [1, 0], t0: 0, t1: 1, saveAt: [0.5, 0.2]))
        XCTAssertThrowsError(try solver.solve(vanDerPol(), y0: [1, 0], t0: 0, t1: 1, saveAt: [1.5]))
        XCTAssertThrowsError(try ODESolver(method: .rk4, stepping: .adaptive(rtol: 1e-6, atol: 1e-6))
            .solve(vanDerPol(), y0: [1, 0], t0: 0, t1: 1))
        XCTAssertThrowsError(try ODESolver(method: .rk4, stepping: .fixed(step: -1)).solve(vanDerPol(), y0: [1, 0], t0: 0, t1: 1))
    }
}
