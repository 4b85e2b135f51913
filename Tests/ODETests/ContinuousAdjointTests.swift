import XCTest
import ODE
import Foundation

/// The continuous adjoint (backsolve) at rtol = atol = 1e-8 in both passes against central finite
/// differences of a tight (1e-12) forward solve: relative error at most 1e-4 for dL/dtheta and
/// dL/dy0, with and without the seminorm (whose step savings show only when the parameter
/// components dominate the norm, as in the NODE-64 benchmark; here p = 5, so only accuracy is asserted).
final class ContinuousAdjointTests: XCTestCase {
    let y0 = [0.7, -0.4, -0.3, 0.9]
    let saveAt = [0, 0.33, 0.8, 1.0, 1.57, 2.2, 3.0]

    func loss() -> MeanSquaredError {
        MeanSquaredError(components: [0, 1, 2], targets: saveAt.flatMap { t in [sin(t), cos(t), 0.5 * sin(2 * t)] })
    }

    func testAgainstFiniteDifferences() throws {
        let system = DuffingLikeSystem(members: 2)
        let reference = ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: 1e-12, atol: 1e-12))
        let fd = try finiteDifferenceGradient(solver: reference, system: system, y0: y0, t1: 3, saveAt: saveAt, loss: loss())
        let solver = ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: 1e-8, atol: 1e-8))
        for seminorm in [false, true] {
            let g = try solver.gradient(system, y0: y0, t0: 0, t1: 3, saveAt: saveAt, loss: loss(),
                                        adjoint: ContinuousAdjoint(rtol: 1e-8, atol: 1e-8, seminorm: seminorm))
            let eTheta = relativeError(g.parameterGradient, fd.theta), eY = relativeError(g.initialStateGradient, fd.y0)
            print("continuous adjoint seminorm \(seminorm): rel. error theta \(eTheta), y0 \(eY); backward \(g.backwardStatistics)")
            XCTAssertLessThan(eTheta, 1e-4)
            XCTAssertLessThan(eY, 1e-4)
        }
    }

    func testZeroOrderHoldInputWithJumps() throws {
        let samples = (0..<12).map { sin(1.9 * Double($0)) }
        let system = DuffingLikeSystem(members: 2, samples: samples, sampleInterval: 0.25)
        let jumps = (1..<12).map { 0.25 * Double($0) }
        let reference = ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: 1e-12, atol: 1e-12))
        let fd = try finiteDifferenceGradient(solver: reference, system: system, y0: y0, t1: 3, saveAt: saveAt,
                                              jumpTimes: jumps, loss: loss())
        let g = try ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: 1e-8, atol: 1e-8))
            .gradient(system, y0: y0, t0: 0, t1: 3, saveAt: saveAt, jumpTimes: jumps, loss: loss(),
                      adjoint: ContinuousAdjoint(rtol: 1e-8, atol: 1e-8))
        let eTheta = relativeError(g.parameterGradient, fd.theta), eY = relativeError(g.initialStateGradient, fd.y0)
        print("continuous adjoint with jumps: rel. error theta \(eTheta), y0 \(eY); backward \(g.backwardStatistics)")
        XCTAssertLessThan(eTheta, 1e-4)
        XCTAssertLessThan(eY, 1e-4)
    }

    /// Fixed-step forward (RK4 on a grid, as the Spin-Neural ODE paper trains) backsolves with the
    /// same step; the error is then RK4's truncation error, small at h = 0.01.
    func testFixedStep() throws {
        let system = DuffingLikeSystem(members: 2)
        let reference = ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: 1e-12, atol: 1e-12))
        let fd = try finiteDifferenceGradient(solver: reference, system: system, y0: y0, t1: 3, saveAt: saveAt, loss: loss())
        let g = try ODESolver(method: .rk4, stepping: .fixed(step: 0.01))
            .gradient(system, y0: y0, t0: 0, t1: 3, saveAt: saveAt, loss: loss(), adjoint: ContinuousAdjoint())
        XCTAssertLessThan(relativeError(g.parameterGradient, fd.theta), 1e-4)
        XCTAssertLessThan(relativeError(g.initialStateGradient, fd.y0), 1e-4)
    }
}
