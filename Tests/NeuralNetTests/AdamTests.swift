import XCTest
import NeuralNet
#if canImport(Glibc)
import Glibc
#endif

final class AdamTests: XCTestCase {
    /// f(theta) = sum_i c_i (theta_i - a_i)^2, an ill-conditioned quadratic with minimum at a.
    /// Adam at lr 1e-2 with cosine annealing to 1e-5 over 4,000 steps reaches it to 1e-3.
    func testQuadraticReachesMinimum() throws {
        let a: [Double] = [1, -2, 0.5, 3], c: [Double] = [1, 10, 100, 0.1]
        var theta = [Double](repeating: 0, count: 4)
        var adam = try Adam(parameterCount: 4, learningRate: 1e-2, schedule: .cosine(period: 4000, minimum: 1e-5))
        for _ in 0..<4000 {
            let g = (0..<4).map { 2 * c[$0] * (theta[$0] - a[$0]) }
            adam.step(parameters: &theta, gradient: g)
        }
        for i in 0..<4 { XCTAssertEqual(theta[i], a[i], accuracy: 1e-3) }
    }

    /// First step from m = v = 0: the bias-corrected update is -lr g / (|g| + eps), i.e. about
    /// -lr sign(g) for any gradient scale (Kingma and Ba 2015, Sec. 2.1: |step| <= lr).
    func testFirstStepIsLearningRateTimesSign() throws {
        var theta: [Double] = [0, 0, 0]
        var adam = try Adam(parameterCount: 3, learningRate: 0.01)
        adam.step(parameters: &theta, gradient: [1e3, -2e-3, 5])
        XCTAssertEqual(theta[0], -0.01 * 1e3 / (1e3 + 1e-8), accuracy: 1e-15)
        XCTAssertEqual(theta[1], 0.01 * 2e-3 / (2e-3 + 1e-8), accuracy: 1e-15)
        XCTAssertEqual(theta[2], -0.01 * 5 / (5 + 1e-8), accuracy: 1e-15)
    }

    /// Clipping by global norm: gradient (3, 4) (norm 5) clipped to 1 becomes (0.6, 0.8); the second
    /// moment after one step is (1 - beta2) g_clipped^2.
    func testGradientClipping() throws {
        var theta: [Double] = [0, 0]
        var adam = try Adam(parameterCount: 2, learningRate: 0.1, maxGradientNorm: 1)
        adam.step(parameters: &theta, gradient: [3, 4])
        XCTAssertEqual(adam.lastGradientNorm, 5, accuracy: 1e-15)
        XCTAssertEqual(adam.secondMoment[0], 0.001 * 0.36, accuracy: 1e-15)
        XCTAssertEqual(adam.secondMoment[1], 0.001 * 0.64, accuracy: 1e-15)
        XCTAssertThrowsError(try Adam(parameterCount: 2, maxGradientNorm: 0))
    }

    func testSchedules() {
        XCTAssertEqual(LearningRateSchedule.constant.rate(base: 1e-3, step: 500), 1e-3)
        // StepLR(step_size 100, gamma 0.5): steps 0-99 lr, 100-199 lr/2, 250 -> lr/4.
        let s = LearningRateSchedule.stepDecay(interval: 100, factor: 0.5)
        XCTAssertEqual(s.rate(base: 1, step: 99), 1)
        XCTAssertEqual(s.rate(base: 1, step: 100), 0.5)
        XCTAssertEqual(s.rate(base: 1, step: 250), 0.25)
        // Cosine: lr at 0, the mean of lr and lr_min at half period, lr_min at and after the period.
        let c = LearningRateSchedule.cosine(period: 100, minimum: 0.1)
        XCTAssertEqual(c.rate(base: 1, step: 0), 1, accuracy: 1e-15)
        XCTAssertEqual(c.rate(base: 1, step: 50), 0.55, accuracy: 1e-15)
        XCTAssertEqual(c.rate(base: 1, step: 100), 0.1)
        XCTAssertEqual(c.rate(base: 1, step: 1000), 0.1)
    }
}
