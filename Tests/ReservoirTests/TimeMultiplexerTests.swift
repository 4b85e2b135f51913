import Numerics
import Reservoir
import XCTest

final class TimeMultiplexerTests: XCTestCase {
    /// The device input is offset + scale x mask x u, each masked value repeated holdSamples times.
    func testDeviceInputLayout() throws {
        let device = LeakyIntegratorDevice(sampleInterval: 1e-11, tau: 5e-11)
        let mask = InputMask(values: Matrix(rows: 3, columns: 1, storage: [1, -1, 0.5]))
        let tm = try TimeMultiplexer(device: device, mask: mask, holdSamples: 2, inputScale: 0.4, inputOffset: 0.1)
        let v = tm.deviceInput(for: Matrix(rows: 2, columns: 1, storage: [1, -2]), mask: mask)
        let expected: [Double] = [0.5, 0.5, -0.3, -0.3, 0.3, 0.3, -0.7, -0.7, 0.9, 0.9, -0.3, -0.3]
        for (a, b) in zip(v, expected) { XCTAssertEqual(a, b, accuracy: 1e-15) }
        XCTAssertEqual(v.count, 12)
        XCTAssertEqual(tm.nodeDuration, 2e-11, accuracy: 1e-25)
    }

    /// Node states through the leaky integrator dx/dt = (v - x)/tau equal the analytic response: over a hold
    /// of h samples (duration h dt) at constant v the state relaxes as x -> v + (x - v) exp(-h dt / tau)
    /// (`.last`), and the mean of the h sample values is v + (x - v) (1/h) sum_{q=1..h} exp(-q dt / tau) (`.mean`).
    func testLeakyIntegratorAnalyticResponse() throws {
        let dt = 1e-11, tau = 3.7e-11, h = 3
        let device = LeakyIntegratorDevice(sampleInterval: dt, tau: tau)
        let mask = InputMask(nodes: 7, distribution: .uniform, seed: 3)
        let u: [Double] = [0.3, -1, 0.8, 0.25, -0.6]
        for sampling in TimeMultiplexer.Sampling.allCases {
            let tm = try TimeMultiplexer(device: device, mask: mask, holdSamples: h, inputScale: 2, inputOffset: -0.5,
                                         sampling: sampling)
            let states = try tm.states(forScalarSequences: [u])[0]
            XCTAssertEqual(states.rows, 5)
            XCTAssertEqual(states.columns, 7)
            var x = 0.0
            for n in 0..<5 {
                for j in 0..<7 {
                    let v = -0.5 + 2 * mask.values[j, 0] * u[n]
                    let expected: Double
                    if sampling == .last {
                        expected = v + (x - v) * exp(-Double(h) * dt / tau)
                    } else {
                        let r = exp(-dt / tau)
                        expected = v + (x - v) * (r * (1 - pow(r, Double(h))) / (1 - r)) / Double(h)
                    }
                    XCTAssertEqual(states[n, j], expected, accuracy: 1e-13, "\(sampling) n \(n) node \(j)")
                    x = v + (x - v) * exp(-Double(h) * dt / tau)
                }
            }
            XCTAssertEqual(tm.deviceSecondsSimulated, Double(5 * 7 * h) * dt, accuracy: 1e-22)
        }
    }

    /// A batch of sequences with different masks and lengths goes to the device in one call and gives
    /// the same states as each sequence alone.
    func testBatchEqualsIndividualRuns() throws {
        let device = LeakyIntegratorDevice(sampleInterval: 1, tau: 2)
        let masks = (0..<3).map { InputMask(nodes: 4, distribution: .binary, seed: UInt64($0)) }
        XCTAssertTrue(masks[0].values.storage.allSatisfy { $0 == 1 || $0 == -1 })
        let tm = try TimeMultiplexer(device: device, mask: masks[0], holdSamples: 2)
        let seqs = [[0.1, 0.2, 0.3], [1.0], [-0.5, 0.5, -0.5, 0.5]].map { Matrix(rows: $0.count, columns: 1, storage: $0) }
        let batch = try tm.states(for: seqs, masks: masks)
        XCTAssertEqual(device.calls, 1)
        for b in 0..<3 {
            let alone = try TimeMultiplexer(device: device, mask: masks[b], holdSamples: 2).states(for: [seqs[b]])[0]
            XCTAssertEqual(batch[b], alone)
        }
    }

    /// Two input channels: node j receives m_j0 u_0 + m_j1 u_1.
    func testMultiChannelMask() throws {
        let device = LeakyIntegratorDevice(sampleInterval: 1, tau: 1e-9)   // tau << dt: output = input
        let mask = InputMask(values: Matrix(rows: 2, columns: 2, storage: [1, 2, -1, 0.5]))
        let tm = try TimeMultiplexer(device: device, mask: mask, holdSamples: 1)
        let s = try tm.states(for: [Matrix(rows: 1, columns: 2, storage: [3, 4])])[0]
        XCTAssertEqual(s[0, 0], 11, accuracy: 1e-12)
        XCTAssertEqual(s[0, 1], -1, accuracy: 1e-12)
        XCTAssertThrowsError(try tm.states(for: [Matrix(rows: 1, columns: 1, storage: [3])])) { e in
            XCTAssertTrue("\(e)".contains("has 1 channels, expected 2"), "\(e)")
        }
    }

    /// The runner reports the device time a task simulated: NARMA10 with 500 samples, 10 virtual nodes,
    /// hold 2, dt = 5 ps is 500 x 10 x 2 x 5 ps = 50 ns.
    func testRunnerReportsDeviceTime() throws {
        let device = LeakyIntegratorDevice(sampleInterval: 5e-12, tau: 2e-11)
        let tm = try TimeMultiplexer(device: device, mask: InputMask(nodes: 10, distribution: .binary, seed: 1),
                                     holdSamples: 2, inputScale: 2)
        let r = try ReservoirRunner.run(NARMA10Emulation(length: 500, washout: 50, trainEnd: 300), on: tm)
        XCTAssertEqual(r.deviceSeconds, 50e-9, accuracy: 1e-20)
        XCTAssertGreaterThan(r.wallSeconds, 0)
        XCTAssertEqual(r.nodes, 10)
        XCTAssertEqual(r.trainSamples, 250)
        XCTAssertEqual(r.testSamples, 200)
    }

    /// Several tasks under several masks go to the device in one call, and each result equals the same task
    /// run alone under that mask (same metrics to rounding, same device time).
    func testBatchedTasksAndMasksEqualIndividualRuns() throws {
        let device = LeakyIntegratorDevice(sampleInterval: 1e-11, tau: 4e-11)
        let masks = (1...3).map { InputMask(nodes: 12, distribution: .uniform, seed: UInt64($0)) }
        let tm = try TimeMultiplexer(device: device, mask: masks[0], holdSamples: 2, inputScale: 0.5)
        let tasks: [any ReservoirTask] = [NARMA10Emulation(length: 800, washout: 50, trainEnd: 500, ridge: .fixed(1e-6)),
                                          MemoryCapacity(length: 900, trainRows: 500, maxDelay: 15, ridge: .fixed(1e-8))]
        let batched = try ReservoirRunner.run(tasks, on: tm, masks: masks)
        XCTAssertEqual(device.calls, 1)
        for (m, mask) in masks.enumerated() {
            let alone = try TimeMultiplexer(device: device, mask: mask, holdSamples: 2, inputScale: 0.5)
            let narma = try ReservoirRunner.run(tasks[0] as! NARMA10Emulation, on: alone)
            let mc = try ReservoirRunner.run(tasks[1] as! MemoryCapacity, on: alone)
            XCTAssertEqual(batched[m][0].metrics["nrmse"]!, narma.metrics["nrmse"]!, accuracy: 1e-12)
            XCTAssertEqual(batched[m][1].metrics["capacity"]!, mc.metrics["capacity"]!, accuracy: 1e-12)
            XCTAssertEqual(batched[m][0].deviceSeconds, narma.deviceSeconds, accuracy: 1e-20)
            XCTAssertEqual(batched[m][1].deviceSeconds, 900 * 12 * 2 * 1e-11, accuracy: 1e-20)
            // A linear reservoir of 12 virtual nodes: memory capacity at most 12 (Jaeger 2002).
            XCTAssertLessThanOrEqual(mc.metrics["capacity"]!, 12)
            XCTAssertGreaterThan(mc.metrics["capacity"]!, 1)
        }
    }

    /// Input noise: with tau << dt the device output equals its input, so the node states minus the clean
    /// masked values are the noise itself: mean ~0, standard deviation sigma (to sampling error 1/sqrt(2n)),
    /// reproducible with the seed and different with another seed.
    func testInputNoiseStatistics() throws {
        let device = LeakyIntegratorDevice(sampleInterval: 1, tau: 1e-9)
        let mask = InputMask(nodes: 10, distribution: .binary, seed: 1)
        let u = (0..<500).map { Double($0 % 7) / 7 }
        let clean = try TimeMultiplexer(device: device, mask: mask, holdSamples: 3).states(forScalarSequences: [u])[0]
        let noisy = try TimeMultiplexer(device: device, mask: mask, holdSamples: 3, inputNoise: 0.05, noiseSeed: 4)
        let a = try noisy.states(forScalarSequences: [u])[0], b = try noisy.states(forScalarSequences: [u])[0]
        XCTAssertEqual(a, b)
        let e = zip(a.storage, clean.storage).map { $0 - $1 }
        let mean = e.reduce(0, +) / Double(e.count)
        let std = (e.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(e.count)).squareRoot()
        XCTAssertEqual(mean, 0, accuracy: 3 * 0.05 / Double(e.count).squareRoot())
        XCTAssertEqual(std, 0.05, accuracy: 3 * 0.05 / (2 * Double(e.count)).squareRoot())
        let other = try TimeMultiplexer(device: device, mask: mask, holdSamples: 3, inputNoise: 0.05, noiseSeed: 5)
        XCTAssertNotEqual(try other.states(forScalarSequences: [u])[0], a)
        XCTAssertThrowsError(try TimeMultiplexer(device: device, mask: mask, holdSamples: 3, inputNoise: -1))
    }

    /// A device that returns too few samples is reported with its name and the counts, not trapped on.
    func testWrongDeviceOutputLengthIsAnError() throws {
        let tm = try TimeMultiplexer(device: TruncatingDevice(), mask: InputMask(nodes: 3, distribution: .binary, seed: 1),
                                     holdSamples: 2)
        XCTAssertThrowsError(try tm.states(forScalarSequences: [[1, 2]])) { e in
            XCTAssertEqual("\(e)", "device 'truncating': returned 11 values for sequence 0, expected 12")
        }
    }
}
