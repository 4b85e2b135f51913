import Devices
import Numerics
import Reservoir
import Workflows
import XCTest

/// `DeviceComparison`: the analysis behind `spinode reservoir --compare` and the demo's reference run.
final class DeviceComparisonTests: XCTestCase {
    /// Node states of `sequences` x `rows` x `nodes`, standard normal (seeded).
    func randomStates(sequences: Int, rows: Int, nodes: Int, seed: UInt64) -> [Matrix] {
        var rng = SeededRandom(seed: seed)
        return (0..<sequences).map { _ in Matrix(rows: rows, columns: nodes) { _, _ in rng.normal() } }
    }

    /// B = A M + c with an invertible-free (any) M and offset c is exactly affine in A: the best affine map
    /// leaves nothing, so the NRMSE after it is 0 to rounding, while the plain state NRMSE is not.
    func testBestAffineMapOfAnAffineTransformIsExact() throws {
        let nodes = 4
        let device = randomStates(sequences: 2, rows: 60, nodes: nodes, seed: 3)
        let m = Matrix(rows: nodes, columns: nodes) { i, j in i == j ? 2.0 : 0.3 * Double(i - j) }
        let offset = [0.5, -1.0, 2.0, 0.25]
        let reference = device.map { a in
            Matrix(rows: a.rows, columns: nodes) { r, j in
                (0..<nodes).reduce(offset[j]) { $0 + a[r, $1] * m[$1, j] }
            }
        }
        let mapped = try DeviceComparison.linearMapNRMSE(device: device, reference: reference, washout: 10)
        XCTAssertEqual(mapped, 0, accuracy: 1e-10)
        let plain = ReservoirMetrics.nrmse(prediction: device.flatMap(\.storage), target: reference.flatMap(\.storage))
        XCTAssertGreaterThan(plain, 0.5)
    }

    /// A reference that is the elementwise square of the device is not affine in it: the residual NRMSE
    /// after the map stays well above 0 (for standard normal x, x^2 is uncorrelated with any affine
    /// function of x beyond its mean: the residual is the whole of x^2's variance, NRMSE 1).
    func testBestAffineMapLeavesTheNonlinearPart() throws {
        let device = randomStates(sequences: 1, rows: 4000, nodes: 1, seed: 5)
        let reference = device.map { a in Matrix(rows: a.rows, columns: 1) { r, _ in a[r, 0] * a[r, 0] } }
        let mapped = try DeviceComparison.linearMapNRMSE(device: device, reference: reference, washout: 0)
        XCTAssertEqual(mapped, 1, accuracy: 0.05)
    }

    /// Too few scored rows for a map of nodes + 1 coefficients: NaN, not a fake fit.
    func testTooFewRowsGiveNaN() throws {
        let device = randomStates(sequences: 1, rows: 5, nodes: 4, seed: 1)
        XCTAssertTrue(try DeviceComparison.linearMapNRMSE(device: device, reference: device, washout: 1).isNaN)
    }

    /// The auto-oscillator behind an 8-node multiplexer, and a 60-input Mackey-Glass segment.
    func autoOscillatorSegment() throws -> (TimeMultiplexer, any SegmentableTask) {
        var setup = ReservoirSetup()
        setup.device = "auto-oscillator"
        setup.nodes = 8
        let primary = try XCTUnwrap(try setup.makeSource() as? TimeMultiplexer)
        return (primary, try XCTUnwrap(setup.makeTask() as? any SegmentableTask).segment(samples: 60))
    }

    /// A reference that reproduces the device's states exactly, recorded with a wall time of 7.5 s: no state
    /// or metric difference at all, the reference's cost is 7.5 s over the simulated ns, and the segment's
    /// sizes follow from nodes x hold.
    func testMeasureAgainstAnIdenticalReference() throws {
        let (primary, segment) = try autoOscillatorSegment()
        let comparison = try DeviceComparison.measure(primary: primary, referenceName: "copy", segment: segment) { inputs in
            let run = try DeviceComparison.run(primary, inputs: inputs)
            return DeviceComparison.TimedStates(states: run.states, wallSeconds: 7.5, sampleInterval: run.sampleInterval)
        }
        XCTAssertEqual(comparison.reference, "copy")
        XCTAssertNil(comparison.referenceStatesFrom)
        XCTAssertEqual(comparison.taskSamples, 60)
        XCTAssertEqual(comparison.deviceSamples, 60 * 8 * 2)
        XCTAssertEqual(comparison.simulatedSeconds, Double(60 * 8 * 2) * 1e-9, accuracy: 1e-20)
        XCTAssertEqual(comparison.stateNRMSE, 0)
        XCTAssertEqual(comparison.stateNRMSEAfterWashout, 0)
        XCTAssertEqual(comparison.stateNRMSEAfterLinearMap, 0, accuracy: 1e-10)
        XCTAssertEqual(comparison.deviceMetrics, comparison.referenceMetrics)
        XCTAssertFalse(comparison.metricRelativeDifference.isEmpty)
        for (key, difference) in comparison.metricRelativeDifference { XCTAssertEqual(difference, 0, key) }
        XCTAssertEqual(comparison.deviceProfile, comparison.referenceProfile)
        XCTAssertEqual(comparison.referenceWallSecondsPerNanosecond, 7.5 / (Double(60 * 8 * 2) * 1e-9 * 1e9), accuracy: 1e-12)
        XCTAssertEqual(comparison.speedUp, comparison.referenceWallSecondsPerNanosecond / comparison.deviceWallSecondsPerNanosecond,
                       accuracy: 1e-12 * comparison.speedUp)
        XCTAssertEqual(comparison.referenceNoiseSensitivity.map(\.relativeNoise), DeviceComparison.NoiseSensitivity.levels)
    }

    /// A reference whose states are 2 x + 0.5 of the device's: the state NRMSE is that of the transform,
    /// RMS(x + 0.5) / (2 std(x)), and nothing is left after the best affine map.
    func testMeasureAgainstAnAffineCopy() throws {
        let (primary, segment) = try autoOscillatorSegment()
        var device: [Matrix] = []
        let comparison = try DeviceComparison.measure(primary: primary, referenceName: "affine", segment: segment) { inputs in
            let run = try DeviceComparison.run(primary, inputs: inputs)
            device = run.states
            let states = run.states.map { s in Matrix(rows: s.rows, columns: s.columns) { i, j in 2 * s[i, j] + 0.5 } }
            return DeviceComparison.TimedStates(states: states, wallSeconds: run.wallSeconds, sampleInterval: run.sampleInterval)
        }
        let x = device.flatMap(\.storage)
        let mean = x.reduce(0, +) / Double(x.count)
        let rms = (x.reduce(0) { $0 + ($1 + 0.5) * ($1 + 0.5) } / Double(x.count)).squareRoot()
        let std = (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count)).squareRoot()
        XCTAssertEqual(comparison.stateNRMSE, rms / (2 * std), accuracy: 1e-12 * comparison.stateNRMSE)
        XCTAssertEqual(comparison.stateNRMSEAfterLinearMap, 0, accuracy: 1e-8)
    }

    /// A reference sampled at another interval is refused, naming both intervals.
    func testOtherSampleIntervalIsRefused() throws {
        let (primary, segment) = try autoOscillatorSegment()
        XCTAssertThrowsError(try DeviceComparison.measure(primary: primary, referenceName: "slow", segment: segment) { inputs in
            let run = try DeviceComparison.run(primary, inputs: inputs)
            return DeviceComparison.TimedStates(states: run.states, wallSeconds: 1, sampleInterval: 2e-9)
        }) { error in
            XCTAssertTrue("\(error)".contains("2e-09 s"), "\(error)")
        }
    }
}
