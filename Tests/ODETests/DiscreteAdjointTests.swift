import XCTest
import ODE
import Foundation

/// The discrete adjoint is the exact gradient of the computed solution: against central finite
/// differences of the same solver (fixed steps: exact up to the difference quotient's O(eps^2)
/// and rounding; adaptive at tolerance 1e-10: the steps' own dependence on theta is O(tol)),
/// relative error (2-norm over the gradient vector) at most 1e-6, for dL/dtheta and dL/dy0.
final class DiscreteAdjointTests: XCTestCase {
    let y0 = [0.7, -0.4, -0.3, 0.9]
    // Save times off the step grid (dense output), on it, at t0 and at t1.
    let saveAt = [0, 0.33, 0.8, 1.0, 1.57, 2.2, 3.0]

    func loss() -> MeanSquaredError {
        let targets = saveAt.flatMap { t in [sin(t), cos(t), 0.5 * sin(2 * t)] }
        return MeanSquaredError(components: [0, 1, 2], targets: targets)
    }

    func check(_ solver: ODESolver, adjoint: DiscreteAdjoint = DiscreteAdjoint(), jumps: [Double] = [],
               system: DuffingLikeSystem = DuffingLikeSystem(members: 2), label: String) throws {
        let g = try solver.gradient(system, y0: y0, t0: 0, t1: 3, saveAt: saveAt, jumpTimes: jumps, loss: loss(), adjoint: adjoint)
        let fd = try finiteDifferenceGradient(solver: solver, system: system, y0: y0, t1: 3, saveAt: saveAt,
                                              jumpTimes: jumps, loss: loss())
        let eTheta = relativeError(g.parameterGradient, fd.theta), eY = relativeError(g.initialStateGradient, fd.y0)
        print("discrete adjoint \(label): loss \(g.loss), rel. error theta \(eTheta), y0 \(eY); forward \(g.forwardStatistics); backward \(g.backwardStatistics)")
        XCTAssertLessThan(eTheta, 1e-6, label)
        XCTAssertLessThan(eY, 1e-6, label)
        let plain = try solver.solve(system, y0: y0, t0: 0, t1: 3, saveAt: saveAt, jumpTimes: jumps)
        XCTAssertEqual(g.loss, loss().valueAndCotangent(of: plain).value, accuracy: 1e-15)
    }

    func testFixedStepEveryTableau() throws {
        for tab in [ButcherTableau.euler, .midpoint, .rk4, .bogackiShampine32, .dormandPrince54, .tsitouras54] {
            try check(ODESolver(method: tab, stepping: .fixed(step: 0.1)), label: "fixed \(tab.name)")
        }
    }

    func testAdaptive() throws {
        for tab in [ButcherTableau.dormandPrince54, .tsitouras54, .bogackiShampine32] {
            try check(ODESolver(method: tab, stepping: .adaptive(rtol: 1e-10, atol: 1e-10)), label: "adaptive \(tab.name)")
        }
    }

    func testZeroOrderHoldInputWithJumps() throws {
        let samples = (0..<12).map { sin(1.9 * Double($0)) }
        let system = DuffingLikeSystem(members: 2, samples: samples, sampleInterval: 0.25)
        let jumps = (1..<12).map { 0.25 * Double($0) }
        try check(ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: 1e-10, atol: 1e-10)), jumps: jumps,
                  system: system, label: "Dopri5 zero-order hold")
        try check(ODESolver(method: .rk4, stepping: .fixed(step: 0.1)), jumps: jumps, system: system, label: "RK4 zero-order hold")
    }

    /// The forward records (tapes) of the stages are used by the backward pass (one per product) and
    /// give the same gradient as recomputing the forward pass inside each product.
    func testTapedProductsMatchPlainProducts() throws {
        let solver = ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: 1e-8, atol: 1e-8))
        let taped = DuffingLikeSystem(members: 2), plain = DuffingLikeSystem(members: 2)
        plain.useTape = false
        let gt = try solver.gradient(taped, y0: y0, t0: 0, t1: 3, saveAt: saveAt, loss: loss())
        let gp = try solver.gradient(plain, y0: y0, t0: 0, t1: 3, saveAt: saveAt, loss: loss())
        XCTAssertEqual(taped.tapedProducts, gt.backwardStatistics.vjpEvaluations)
        XCTAssertEqual(taped.tapedEvaluations, gt.forwardStatistics.rhsEvaluations - 1) // all but the initial-step probe
        XCTAssertEqual(plain.tapedProducts, 0)
        XCTAssertLessThan(relativeError(gt.parameterGradient, gp.parameterGradient), 1e-14)
        XCTAssertLessThan(relativeError(gt.initialStateGradient, gp.initialStateGradient), 1e-14)
    }

    /// Before every taped call the adjoint names the record it will use next (a cache hint for systems
    /// whose records outgrow the caches): the forward pass the next slot, the reverse sweep the record
    /// of the product after this one. The hint is right for nearly every call (the forward one misses
    /// when a step is rejected or ends; the reverse one when a stage's product is skipped).
    func testRecordHintsNameTheNextRecord() throws {
        let solver = ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: 1e-8, atol: 1e-8))
        let system = DuffingLikeSystem(members: 2)
        let g = try solver.gradient(system, y0: y0, t0: 0, t1: 3, saveAt: saveAt, loss: loss())
        print("record hints: forward \(system.forwardHintHits) of \(system.tapedEvaluations), reverse \(system.reverseHintHits) of \(system.tapedProducts); steps \(g.forwardStatistics.acceptedSteps)")
        XCTAssertEqual(system.hintedEvaluations, system.tapedEvaluations)
        XCTAssertEqual(system.hintedProducts, system.tapedProducts)
        XCTAssertGreaterThan(g.forwardStatistics.acceptedSteps, 5)
        XCTAssertGreaterThanOrEqual(Double(system.forwardHintHits), 0.9 * Double(system.tapedEvaluations))
        XCTAssertGreaterThanOrEqual(Double(system.reverseHintHits), 0.9 * Double(system.tapedProducts))
    }

    /// Recomputing segments from every 3rd (or 5th) stored state gives the same gradient as storing
    /// every stage (the same arithmetic, so equal to rounding).
    func testCheckpointingMatchesStoredStages() throws {
        let solver = ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: 1e-8, atol: 1e-8))
        let system = DuffingLikeSystem(members: 2)
        let cache = ODESolverCache()
        let all = try solver.gradient(system, y0: y0, t0: 0, t1: 3, saveAt: saveAt, loss: loss(), cache: cache)
        for m in [1, 3, 5] {
            let some = try solver.gradient(system, y0: y0, t0: 0, t1: 3, saveAt: saveAt, loss: loss(),
                                           adjoint: DiscreteAdjoint(checkpointing: .every(m)), cache: cache)
            print("checkpoint every \(m): backward \(some.backwardStatistics) vs all stages \(all.backwardStatistics)")
            XCTAssertLessThan(relativeError(some.parameterGradient, all.parameterGradient), 1e-13)
            XCTAssertLessThan(relativeError(some.initialStateGradient, all.initialStateGradient), 1e-13)
            XCTAssertGreaterThan(some.backwardStatistics.rhsEvaluations, 0)
        }
        XCTAssertEqual(all.backwardStatistics.rhsEvaluations, 0)
    }
}
