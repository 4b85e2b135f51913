import Numerics
import Reservoir
import XCTest

final class EchoStateNetworkTests: XCTestCase {
    /// W is rescaled to the configured spectral radius; the first two states follow
    /// x(n) = (1 - a) x(n-1) + a tanh(W x(n-1) + W_in u(n) + b) from x(-1) = 0, written out here.
    func testUpdateEquationAndSpectralRadius() throws {
        let c = EchoStateNetwork.Configuration(nodes: 6, spectralRadius: 0.8, inputScaling: 0.7, biasScaling: 0.2,
                                               leakRate: 0.3, density: 0.5, seed: 9)
        let esn = try EchoStateNetwork(configuration: c)
        XCTAssertEqual(try Eigenvalues.spectralRadius(of: esn.weights), 0.8, accuracy: 1e-12)
        XCTAssertTrue(esn.bias.contains { $0 != 0 })
        let s = try esn.states(forScalarSequences: [[0.5, -1]])[0]
        var x = [Double](repeating: 0, count: 6)
        for u in [0.5, -1.0] {
            var next = x
            for i in 0..<6 {
                var v = esn.inputWeights[i, 0] * u + esn.bias[i]
                for j in 0..<6 { v += esn.weights[i, j] * x[j] }
                next[i] = 0.7 * x[i] + 0.3 * tanh(v)
            }
            x = next
        }
        for i in 0..<6 { XCTAssertEqual(s[1, i], x[i], accuracy: 1e-14) }
    }

    /// Sequences of different lengths in one batch give the states each would give alone.
    func testBatchOfUnequalLengthsEqualsIndividualRuns() throws {
        let esn = try EchoStateNetwork(configuration: .init(nodes: 8, seed: 2))
        let seqs: [[Double]] = [[0.1, 0.2], [0.3, -0.1, 0.7, 0.2], [], [0.9, 0.8, 0.7]]
        let batch = try esn.states(forScalarSequences: seqs)
        for (b, s) in seqs.enumerated() {
            let alone = try esn.states(forScalarSequences: [s])[0]
            XCTAssertEqual(batch[b].rows, s.count)
            for i in 0..<alone.count { XCTAssertEqual(batch[b].storage[i], alone.storage[i], accuracy: 1e-15) }
        }
    }

    func testInvalidConfigurationIsAnError() {
        XCTAssertThrowsError(try EchoStateNetwork(configuration: .init(nodes: 0)))
        XCTAssertThrowsError(try EchoStateNetwork(configuration: .init(leakRate: 1.5))) { e in
            XCTAssertEqual("\(e)", "invalid leak rate = 1.5: expected in (0, 1]")
        }
    }

    /// Sine/square classification: an ESN of 50 nodes separates the waveforms (published reservoirs reach
    /// ~100 %: Paquot et al. 2012); we require > 95 % per-step test accuracy (measured: 100 %). The bias is
    /// essential: without it tanh makes every state an odd function of the input history, while the labels
    /// are invariant under u -> -u (a negated sine or square is the same waveform shifted by half a period),
    /// so a linear readout cannot separate them (measured without bias: 85-90 %).
    func testSineSquareAccuracy() throws {
        let esn = try EchoStateNetwork(configuration: .init(nodes: 50, spectralRadius: 0.9, inputScaling: 0.5,
                                                            biasScaling: 0.5, seed: 1))
        let r = try ReservoirRunner.run(SineSquareClassification(), on: esn)
        print("ESN N=50 sine/square accuracy \(r.metrics["accuracy"]!)")
        XCTAssertGreaterThan(r.metrics["accuracy"]!, 0.95)
        XCTAssertEqual(r.deviceSeconds, 0)
    }

    /// NARMA10 with N = 100 (seed 1; measured 0.312). Bound 0.38 from our measurement over seeds 1-6
    /// (0.283 to 0.347) plus margin, in line with published ESNs of this size (NRMSE ~0.3-0.4, e.g.
    /// Rodan and Tino, IEEE Trans. Neural Netw. 22, 131 (2011)). The reservoir must also beat the best linear
    /// model of the last 40 inputs (an ideal 40-tap delay line with the same readout, measured 0.401): NARMA10
    /// needs the product u(t-9) u(t) and the nonlinear feedback, which only a nonlinear reservoir provides.
    func testNARMA10() throws {
        let esn = try EchoStateNetwork(configuration: .init(nodes: 100, spectralRadius: 0.9, inputScaling: 0.5,
                                                            biasScaling: 0.2, seed: 1))
        let r = try ReservoirRunner.run(NARMA10Emulation(), on: esn)
        let linear = try NARMA10Emulation().evaluate(on: DelayLine(delays: 40)).metrics["nrmse"]!
        XCTAssertLessThan(r.metrics["nrmse"]!, 0.38)
        XCTAssertLessThan(r.metrics["nrmse"]!, linear - 0.03)
        XCTAssertEqual(linear, 0.40, accuracy: 0.03)
    }

    /// Mackey-Glass (Chen et al. 2022 protocol, N = 50 as their virtual nodes): one-step prediction with
    /// one sample per time unit is easy for a reservoir: measured NRMSE(H = 1) 4.5e-4 to 6.6e-4 over seeds
    /// 1-6; we require < 0.005 (the brief's bound was 0.1). The error grows with the horizon.
    func testMackeyGlassOneStep() throws {
        let esn = try EchoStateNetwork(configuration: .init(nodes: 50, spectralRadius: 0.9, inputScaling: 0.5,
                                                            biasScaling: 0.2, seed: 1))
        let r = try ReservoirRunner.run(MackeyGlassPrediction(), on: esn)
        let per = r.profiles["nrmse_per_horizon"]!
        XCTAssertEqual(per.count, 80)
        XCTAssertLessThan(r.metrics["nrmse_h1"]!, 0.005)
        XCTAssertLessThan(per[1], per[10])
        XCTAssertLessThan(per[10], per[79])
        XCTAssertEqual(r.trainSamples, 4_700)
        XCTAssertEqual(r.testSamples, 5_000)
    }
}
