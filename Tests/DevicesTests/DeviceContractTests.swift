import XCTest
import Devices

/// The `Device` contract (Device.swift) on both reference devices: one output per input sample,
/// rows of any length (including empty), each call starting again from the initial state.
final class DeviceContractTests: XCTestCase {
    func testOutputsFollowInputShapesAndRestartEachCall() throws {
        var p = MacrospinParameters()
        p.temperature = 300
        let noisy = AutoOscillator(sampleInterval: 1e-9, timeStep: 1e-11, seed: 5)
        noisy.parameters.noiseIntensity = 1e6
        let devices: [any Device] = [MacrospinSTNO(), MacrospinSTNO(parameters: p, seed: 5), AutoOscillator(), noisy]
        let drive: [[Double]] = [[0.1, 0.2, 0.3], [], [0, 1, 0, 1, 0]]
        for device in devices {
            let a = try device.respond(to: drive)
            XCTAssertEqual(a.map(\.count), [3, 0, 5], device.name)
            XCTAssertTrue(a.joined().allSatisfy(\.isFinite), device.name)
            XCTAssertEqual(try device.respond(to: drive), a, "\(device.name): a second call must repeat the first")
            XCTAssertEqual(try device.respond(to: []), [], device.name)
        }
    }
}
