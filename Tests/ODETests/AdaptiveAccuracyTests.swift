import XCTest
import ODE
import Foundation

/// Adaptive stepping against reference values on classic problems; logs the work done.
final class AdaptiveAccuracyTests: XCTestCase {
    /// Arenstorf orbit (HNW I, II.0): the periodic orbit returns to its initial point after
    /// T = 17.0652165601579625588917206249. The orbit passes close to the moon, so the global error is
    /// a large multiple of the tolerance (HNW I, II.4, Fig. 4.2); bounds: 1e5 tol for the 5(4) pairs.
    func testArenstorfOrbitCloses() throws {
        let y0 = [0.994, 0, 0, -2.00158510637908252240537862224]
        let T = 17.0652165601579625588917206249
        for (tab, tol, bound) in [(ButcherTableau.dormandPrince54, 1e-10, 1e-5), (.tsitouras54, 1e-10, 1e-5),
                                  (.bogackiShampine32, 1e-8, 1e-3)] {
            for controller in [StepSizeController.proportionalIntegral(), .integral] {
                let sol = try ODESolver(method: tab, stepping: .adaptive(rtol: tol, atol: tol, controller: controller))
                    .solve(arenstorf(), y0: y0, t0: 0, t1: T)
                let err = maxAbsDifference(sol.finalState, y0)
                print("Arenstorf \(tab.name) tol \(tol) \(controller == .integral ? "I" : "PI"): error \(err), \(sol.statistics)")
                XCTAssertLessThan(err, bound, tab.name)
            }
        }
    }

    /// Van der Pol, mu = 1, y(0) = (2, 0). Reference produced with SciPy 1.17.1:
    /// solve_ivp(vdp, (0, 10), [2.0, 0.0], method='DOP853', rtol=1e-13, atol=1e-14, t_eval=[2.5, 5, 10]).
    func testVanDerPol() throws {
        let times = [2.5, 5.0, 10.0]
        let reference: [Double] = [-0.8409660334184259, -2.677478947926984,
                                   -0.837077450294759, 1.3070889377996604,
                                   -2.0083407825797064, 0.032907065863312504]
        for tab in [ButcherTableau.dormandPrince54, .tsitouras54] {
            for tol in [1e-6, 1e-9] {
                let sol = try ODESolver(method: tab, stepping: .adaptive(rtol: tol, atol: tol))
                    .solve(vanDerPol(), y0: [2, 0], t0: 0, t1: 10, saveAt: times)
                let err = maxAbsDifference(sol.states, reference)
                print("Van der Pol \(tab.name) tol \(tol): error \(err), \(sol.statistics)")
                XCTAssertLessThan(err, 200 * tol, tab.name)
                XCTAssertEqual(sol.finalState, Array(sol.states[4...]), "the save time at t1 is the final state")
            }
        }
    }

    /// y' = A y with a non-normal 3 x 3 A: y(t) = expm(A t) y0. Reference from SciPy 1.17.1,
    /// scipy.linalg.expm(A * t) @ y0 at t = 1 and 3.
    func testLinearSystemMatrixExponential() throws {
        let A: [[Double]] = [[-0.5, 2.0, 0.0], [-2.0, -0.5, 0.3], [0.1, 0.0, -1.0]]
        let system = ClosureSystem(dimension: 3) { _, y, dy in
            for i in 0..<3 { dy[i] = A[i][0] * y[0] + A[i][1] * y[1] + A[i][2] * y[2] }
        }
        let reference: [Double] = [0.0010448459639912887, -0.6867781658277446, -0.056315350148715956,
                                   0.1839347706861561, 0.16769515084392445, -0.018164500688507647]
        let cache = ODESolverCache()
        for tab in [ButcherTableau.dormandPrince54, .tsitouras54, .bogackiShampine32] {
            let sol = try ODESolver(method: tab, stepping: .adaptive(rtol: 1e-9, atol: 1e-12))
                .solve(system, y0: [1, 0.5, -0.25], t0: 0, t1: 3, saveAt: [1, 3], cache: cache)
            let err = maxAbsDifference(sol.states, reference)
            print("linear expm \(tab.name): error \(err), \(sol.statistics)")
            XCTAssertLessThan(err, 1e-7, tab.name)
        }
    }

    /// Fixed and adaptive runs agree at the tolerance level, and the PI controller rejects no more
    /// steps than the I controller on Van der Pol (its purpose: smoother step sequences, HW II, IV.2).
    func testControllers() throws {
        let pi = try ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: 1e-7, atol: 1e-7))
            .solve(vanDerPol(), y0: [2, 0], t0: 0, t1: 20)
        let i = try ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: 1e-7, atol: 1e-7, controller: .integral))
            .solve(vanDerPol(), y0: [2, 0], t0: 0, t1: 20)
        print("controllers on Van der Pol: PI \(pi.statistics); I \(i.statistics)")
        XCTAssertLessThan(maxAbsDifference(pi.finalState, i.finalState), 1e-4)
        XCTAssertLessThanOrEqual(pi.statistics.rejectedSteps, i.statistics.rejectedSteps)
    }
}
