import XCTest
import ODE
import Foundation

/// Jump times: with a zero-order-hold input u (constant on [k dt, (k+1) dt)), y' = u(t) - 0.5 y has
/// an exact piecewise solution; steps clipped onto the jumps integrate each piece without crossing a
/// discontinuity, so the result matches the exact recursion y_{k+1} = 2 u_k + (y_k - 2 u_k) e^{-0.5 dt}
/// to the tolerance, with far fewer rejected steps than an integration that must find the jumps by
/// error control.
final class JumpTimeTests: XCTestCase {
    let dt = 0.25
    let samples: [Double] = (0..<40).map { sin(1.7 * Double($0)) + (($0 % 3 == 0) ? 1 : -0.5) }

    func system() -> ClosureSystem {
        let dt = self.dt, samples = self.samples
        return ClosureSystem(dimension: 1) { t, y, dy in
            let k = min(max(Int((t / dt).rounded(.down)), 0), samples.count - 1)
            dy[0] = samples[k] - 0.5 * y[0]
        }
    }

    func exact() -> Double {
        var y = 0.3
        for u in samples { y = 2 * u + (y - 2 * u) * exp(-0.5 * dt) }
        return y
    }

    func testJumpClippingIsExactAndCheaper() throws {
        let t1 = dt * Double(samples.count)
        let jumps = (1..<samples.count).map { dt * Double($0) }
        let solver = ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: 1e-10, atol: 1e-12))
        let with = try solver.solve(system(), y0: [0.3], t0: 0, t1: t1, jumpTimes: jumps)
        let without = try solver.solve(system(), y0: [0.3], t0: 0, t1: t1)
        let exact = exact()
        print("jumps: with \(with.statistics), error \(abs(with.finalState[0] - exact)); without \(without.statistics), error \(abs(without.finalState[0] - exact))")
        XCTAssertEqual(with.finalState[0], exact, accuracy: 1e-10)
        XCTAssertLessThan(with.statistics.rejectedSteps, without.statistics.rejectedSteps)
        XCTAssertGreaterThanOrEqual(with.statistics.acceptedSteps, samples.count)
    }

    /// Fixed RK4 steps of dt/2 on the sample grid: each piece is a linear constant-coefficient ODE, so the
    /// error is RK4's local truncation on smooth pieces only (order 4), far below a crossing error.
    func testFixedStepsLandOnJumps() throws {
        let t1 = dt * Double(samples.count)
        let jumps = (1..<samples.count).map { dt * Double($0) }
        // A step that does not divide the sample interval: clipping must still land on every jump.
        let sol = try ODESolver(method: .rk4, stepping: .fixed(step: 0.1)).solve(system(), y0: [0.3], t0: 0, t1: t1, jumpTimes: jumps)
        XCTAssertEqual(sol.finalState[0], exact(), accuracy: 1e-6)
        XCTAssertEqual(sol.statistics.acceptedSteps, 3 * samples.count) // 0.1, 0.1, 0.05 per sample
    }
}
