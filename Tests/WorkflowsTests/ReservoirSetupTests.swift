import Devices
import Reservoir
import Workflows
import XCTest

/// `ReservoirSetup`: the device registry, tasks and multiplexing `spinode reservoir` and the demo share.
final class ReservoirSetupTests: XCTestCase {
    /// The auto-oscillator is biased at --bias-ratio x I_th with gain --gain-ratio x I_th and reads out p.
    func testAutoOscillatorBiasAndGainInThresholdUnits() throws {
        var setup = ReservoirSetup()
        setup.biasRatio = 1.5
        setup.gainRatio = 0.25
        setup.noise = 3e5
        let device = try XCTUnwrap(try setup.makeDevice("auto-oscillator") as? AutoOscillator)
        let threshold = device.parameters.thresholdCurrent
        XCTAssertEqual(device.biasCurrent, 1.5 * threshold, accuracy: 1e-15 * abs(threshold))
        XCTAssertEqual(device.inputGain, 0.25 * threshold, accuracy: 1e-15 * abs(threshold))
        XCTAssertEqual(device.parameters.noiseIntensity, 3e5)
        XCTAssertEqual(device.sampleInterval, 1e-9)
    }

    /// The macrospin is biased at --bias-ratio x J_c, its collinear critical current density.
    func testMacrospinBiasInCriticalCurrentDensity() throws {
        var setup = ReservoirSetup()
        setup.sampleInterval = 2e-11
        let device = try XCTUnwrap(try setup.makeDevice("macrospin") as? MacrospinSTNO)
        let jc = try XCTUnwrap(MacrospinSTNO.criticalCurrentDensity(device.parameters))
        XCTAssertEqual(device.biasCurrentDensity, 1.5 * jc, accuracy: 1e-12 * abs(jc))
        XCTAssertEqual(device.sampleInterval, 2e-11)
    }

    func testUnknownDeviceAndMissingFileAreOneLine() {
        let setup = ReservoirSetup()
        XCTAssertThrowsError(try setup.makeDevice("skyrmion")) { error in
            XCTAssertEqual("\(error)", "unknown device 'skyrmion'; available: auto-oscillator, macrospin or MODEL.h5")
        }
        XCTAssertThrowsError(try setup.makeDevice("/nonexistent/model.h5")) { error in
            XCTAssertEqual("\(error)", "/nonexistent/model.h5: no such file")
        }
    }

    /// The multiplexer carries the set-up's nodes, hold and mask; the ESN source its node count.
    func testSourcesCarryTheSettings() throws {
        var setup = ReservoirSetup()
        setup.device = "auto-oscillator"
        setup.nodes = 12
        setup.hold = 3
        let multiplexer = try XCTUnwrap(try setup.makeSource() as? TimeMultiplexer)
        XCTAssertEqual(multiplexer.nodeCount, 12)
        XCTAssertEqual(multiplexer.holdSamples, 3)
        XCTAssertEqual(multiplexer.mask, InputMask(nodes: 12, distribution: .binary, seed: 1))
        setup.device = "esn"
        XCTAssertEqual(try setup.makeSource().nodeCount, 12)
    }

    /// Each task name builds its task; the comparison configuration records what the states depend on.
    func testTasksAndReferenceConfiguration() throws {
        var setup = ReservoirSetup()
        for name in ReservoirSetup.taskNames {
            setup.task = name
            XCTAssertFalse(try setup.makeTask().inputSequences().isEmpty, name)
        }
        setup.task = "narma10"
        setup.ridge = 1e-6
        let c = try setup.referenceConfiguration(reference: "macrospin", compareSamples: 80, referenceNoise: 0.01,
                                                 sampleInterval: 5e-11)
        XCTAssertEqual(c["task"], "narma10")
        XCTAssertEqual(c["compare_samples"], "80")
        XCTAssertEqual(c["input_noise"], "0.01")
        XCTAssertEqual(c["ridge"], "1e-06")
        XCTAssertEqual(c["mask"], "binary")
        XCTAssertNil(c["reference_sha256"])
    }
}
