import XCTest
import Numerics

/// `Statistics.nrmse` and `Statistics.median` on values worked by hand, and `Stopwatch` against the
/// clock it reads.
final class StatisticsTests: XCTestCase {
    /// Truth [1, 2, 3]: mean 2, sum of squared deviations 2. Prediction [1, 2, 4]: squared error 1, so
    /// NRMSE = sqrt(1 / 2). Predicting the mean scores exactly 1; the truth itself scores 0.
    func testNRMSEByHand() {
        XCTAssertEqual(Statistics.nrmse(prediction: [1, 2, 4], truth: [1, 2, 3]), 0.5.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(Statistics.nrmse(prediction: [2, 2, 2], truth: [1, 2, 3]), 1, accuracy: 1e-15)
        XCTAssertEqual(Statistics.nrmse(prediction: [1, 2, 3], truth: [1, 2, 3]), 0)
    }

    /// A sine over whole periods has std 1 / sqrt(2) of its amplitude; a prediction off by a constant
    /// c has RMS error |c|, so NRMSE = |c| sqrt(2) / A (A = 3, c = 0.3: 0.1 sqrt(2)).
    func testNRMSEOfOffsetSine() {
        let truth = (0..<1000).map { 3 * sin(2 * Double.pi * Double($0) / 100) }
        let prediction = truth.map { $0 + 0.3 }
        XCTAssertEqual(Statistics.nrmse(prediction: prediction, truth: truth), 0.1 * 2.0.squareRoot(), accuracy: 1e-12)
    }

    /// A constant truth has no scale: exact prediction 0, anything else +infinity.
    func testNRMSEOfConstantTruth() {
        XCTAssertEqual(Statistics.nrmse(prediction: [5, 5], truth: [5, 5]), 0)
        XCTAssertEqual(Statistics.nrmse(prediction: [5, 6], truth: [5, 5]), .infinity)
    }

    /// The fallback scale: a truth that stands still (here constant, whose summed mean is off by
    /// round-off) scores RMS error / scale; a moving truth scores the plain NRMSE, bit for bit.
    func testNRMSEWithAFallbackScaleForAFlatTruth() {
        let flat = [Double](repeating: -0.6183, count: 1000)     // 1000 x -0.6183 does not sum exactly
        let off = flat.map { $0 + 0.05 }
        XCTAssertGreaterThan(Statistics.nrmse(prediction: off, truth: flat), 1e6, "the plain NRMSE divides by round-off")
        XCTAssertEqual(Statistics.nrmse(prediction: off, truth: flat, scale: 1, flatness: 1e-3), 0.05, accuracy: 1e-12)
        XCTAssertEqual(Statistics.nrmse(prediction: off, truth: flat, scale: 2, flatness: 1e-3), 0.025, accuracy: 1e-12)
        XCTAssertEqual(Statistics.nrmse(prediction: flat, truth: flat, scale: 1, flatness: 1e-3), 0)
        let moving = (0..<1000).map { sin(Double($0) * 0.01) }, predicted = moving.map { $0 * 1.1 + 0.01 }
        XCTAssertEqual(Statistics.nrmse(prediction: predicted, truth: moving, scale: 1, flatness: 1e-3).bitPattern,
                       Statistics.nrmse(prediction: predicted, truth: moving).bitPattern)
        // Just above the flatness the plain NRMSE, just below the fallback.
        let small = (0..<1000).map { 0.0011 * ($0 % 2 == 0 ? 1.0 : -1.0) }, tiny = small.map { $0 * 0.9 / 1.1 }
        XCTAssertEqual(Statistics.nrmse(prediction: small.map { $0 + 0.05 }, truth: small, scale: 1, flatness: 1e-3),
                       Statistics.nrmse(prediction: small.map { $0 + 0.05 }, truth: small))
        XCTAssertEqual(Statistics.nrmse(prediction: tiny.map { $0 + 0.05 }, truth: tiny, scale: 1, flatness: 1e-3), 0.05, accuracy: 1e-12)
    }

    func testMedian() {
        XCTAssertEqual(Statistics.median([3]), 3)
        XCTAssertEqual(Statistics.median([9, 1, 5]), 5)
        XCTAssertEqual(Statistics.median([4, 1, 3, 2]), 2.5)
        XCTAssertEqual(Statistics.median([0.2, 100, 0.1, 0.3, 0.25]), 0.25)   // one slow repeat does not move it
    }

    /// `Stopwatch.seconds` splits nothing away: 2 s + 250 ms = 2.25 s, 1 ns = 1e-9 s, -1.5 s = -1.5 s.
    func testDurationToSeconds() {
        XCTAssertEqual(Stopwatch.seconds(.seconds(2) + .milliseconds(250)), 2.25)
        XCTAssertEqual(Stopwatch.seconds(.nanoseconds(1)), 1e-9, accuracy: 1e-24)
        XCTAssertEqual(Stopwatch.seconds(.milliseconds(-1500)), -1.5)
    }

    /// A 20 ms sleep measures at least 20 ms, and the median of three is one of the three runs' times,
    /// bracketed by the same sleep.
    func testStopwatchMeasuresASleep() {
        let once = Stopwatch.seconds { usleep(20_000) }
        XCTAssertGreaterThanOrEqual(once, 0.020)
        XCTAssertLessThan(once, 5)
        var runs = 0
        let median = Stopwatch.medianSeconds(repeats: 3) { runs += 1; usleep(5_000) }
        XCTAssertEqual(runs, 3)
        XCTAssertGreaterThanOrEqual(median, 0.005)
        let watch = Stopwatch()
        usleep(10_000)
        XCTAssertGreaterThanOrEqual(watch.elapsedSeconds, 0.010)
    }
}
