import Foundation
import XCTest
import Numerics
import Surrogate

/// Memory and work of a fit, estimated from the options before anything is allocated (issue 13,
/// item 13): absurd networks, batches and budgets are refused with the numbers.
final class TrainingFootprintTests: XCTestCase {
    /// The paper's network on one output and one input (k = 2): widths 4 -> 50 -> 50 -> 2, P = 4 * 50 + 50
    /// + 50 * 50 + 50 + 50 * 2 + 2 = 2902 weights (the count `spinode inspect` reports for such a model).
    func testPaperNetworkCounts() throws {
        let f = TrainingFootprint(options: FitOptions(), outputCount: 1, inputCount: 1, parameterCount: 0)
        XCTAssertEqual(f.widths, [4, 50, 50, 2])
        XCTAssertEqual(f.parameterCount, 2902)
        XCTAssertEqual(f.architecture, "4 -> 50 -> 50 -> 2")
        // Tape: 50 windows x 19 steps x 4 stages x 106 activations; states (1 + 60) x 50 x 2; 7 + 2 + 8 parameter copies.
        XCTAssertEqual(f.bytes, 8 * (17 * 2902 + 50 * 19 * 4 * 106 + 61 * 50 * 2))
        XCTAssertEqual(f.operationsPerIteration, 4 * 19 * 50 * 6 * 2902)
        XCTAssertNoThrow(try f.check(availableBytes: 1e9))
    }

    /// `--hidden 100000000` (the run that reached 15 GB in 60 s) needs terabytes: refused.
    func testHugeHiddenLayerIsRefused() throws {
        var o = FitOptions()
        o.hidden = [100_000_000]
        let f = TrainingFootprint(options: o, outputCount: 1, inputCount: 1, parameterCount: 0)
        XCTAssertGreaterThan(f.bytes, 1e12)
        XCTAssertThrowsError(try f.check(availableBytes: 16e9)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("too large for this machine: training needs about"), text)
            XCTAssertTrue(text.contains("16 GB available (MemAvailable)"), text)
            XCTAssertTrue(text.contains("--hidden"), text)
        }
        // The trainer refuses it before allocating (it would otherwise allocate 5e8 weights several times).
        let trace = try DrivenDuffing.trace(name: "a", samples: 100, sampleInterval: 0.25, amplitude: 1, seed: 1)
        let started = Date()
        XCTAssertThrowsError(try SurrogateTrainer(traces: [trace], options: o)) { error in
            guard case SurrogateError.exceedsResources = error else { return XCTFail("\(error)") }
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 1)
    }

    /// Absurd batch and window sizes are refused too; a budget beyond 1e18 operations is refused as work.
    func testHugeBatchWindowAndBudgetAreRefused() {
        var o = FitOptions()
        o.batchSize = 1_000_000_000
        XCTAssertThrowsError(try TrainingFootprint(options: o, outputCount: 1, inputCount: 0, parameterCount: 0).check(availableBytes: 1e11))
        o = FitOptions()
        o.windowLength = Int.max / 2
        XCTAssertThrowsError(try TrainingFootprint(options: o, outputCount: 1, inputCount: 0, parameterCount: 0).check(availableBytes: 1e11))
        o = FitOptions()
        o.iterations = 1_000_000_000_000_000
        XCTAssertThrowsError(try TrainingFootprint(options: o, outputCount: 1, inputCount: 0, parameterCount: 0).check(availableBytes: 1e11)) {
            XCTAssertTrue("\($0)".contains("lower --iterations"), "\($0)")
        }
        o.iterations = 1_000_000   // a long but finite run (it may stop early on its target) is accepted
        XCTAssertNoThrow(try TrainingFootprint(options: o, outputCount: 1, inputCount: 0, parameterCount: 0).check(availableBytes: 1e11))
    }

    /// Option values the library refuses (the CLI names the option first).
    func testFitOptionsRefuseNonFiniteAndOutOfRange() {
        var o = FitOptions()
        o.targetNRMSE = -1
        XCTAssertThrowsError(try o.validate()) { XCTAssertTrue("\($0)".contains("target NRMSE"), "\($0)") }
        o = FitOptions(); o.decayFactor = .infinity
        XCTAssertThrowsError(try o.validate())
        o = FitOptions(); o.maxGradientNorm = .nan
        XCTAssertThrowsError(try o.validate())
        o = FitOptions(); o.stateNoise = .infinity
        XCTAssertThrowsError(try o.validate())
        o = FitOptions(); o.solver = .adaptiveDormandPrince(rtol: .infinity, atol: 1e-8)
        XCTAssertThrowsError(try o.validate())
        o = FitOptions(); o.validation = .heldOutTraces(names: [])   // would validate nothing and keep the initial weights
        XCTAssertThrowsError(try o.validate()) { XCTAssertTrue("\($0)".contains("held-out traces"), "\($0)") }
    }
}
