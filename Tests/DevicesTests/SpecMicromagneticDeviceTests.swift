import Devices
import Foundation
import XCTest

/// `MicromagneticDevice` against the spec runner: the same physics through two code paths.
final class SpecMicromagneticDeviceTests: XCTestCase {
    /// A 16 x 8 perpendicular film (no demag, so no solver state is carried between evaluations; see
    /// SpecRunnerTests), tilted by 1 T in plane and settling at alpha 0.1, driven by the VCMA sine carrier with one
    /// carrier cycle per 50 ps period; RK4 at 50 fs (exchange stiffness 2A/Ms 8/dx^2 = 103 T).
    static let spec = """
    title = "PMA film"
    seed = 9
    [mesh]
    cells = [16, 8, 1]
    cell_size = [2e-9, 2e-9, 1e-9]
    [material]
    Msat = 580e3
    Aex = 15e-12
    Ku1 = 0.8e6
    alpha = 0.1
    [terms]
    demag = false
    field = [1.0, 0, 0]
    [initial]
    uniform = [0.3, 0, 1]
    [[stage]]
    kind = "run"
    duration = 20e-12
    solver = "rk4"
    step = 50e-15
    [[stage]]
    kind = "run"
    duration = 200e-12
    solver = "rk4"
    step = 50e-15
    drive = "vcma"
    record = true
    [drive.vcma]
    kind = "sine-carrier"
    target = "Ku1"
    amplitude = 0.1e6
    frequency = 20e9
    period = 50e-12
    low = -2
    high = 2
    [output]
    interval = 50e-12
    quantities = ["mz"]
    """

    /// Carrier-amplitude inputs a_n = the runner's own a_i: device output n equals the runner's sample
    /// n + 1 (both start from the state after the 20 ps settling run). Tolerance 1e-10: the two paths
    /// step on grids offset by 20 ps, so step ends differ in the last bits.
    func testCarrierAmplitudeDeviceMatchesRunner() throws {
        let s = try SimulationSpec(text: Self.spec, file: "pma.toml")
        let r = try SimulationRunner(spec: s).run()
        XCTAssertEqual(r.times.count, 5)
        let drive = try XCTUnwrap(s.drives["vcma"])
        let a = (0..<4).map { drive.carrierAmplitude(period: $0) }
        let device = try MicromagneticDevice(spec: s, input: .carrierAmplitude, sampleInterval: 50e-12, output: "mz")
        let out = try device.respond(to: [a])
        XCTAssertEqual(out[0].count, 4)
        for n in 0..<4 { XCTAssertEqual(out[0][n], r.outputs[n + 1][0], accuracy: 1e-10, "sample \(n)") }
        // The drive moved m: the free and driven copies differ by more than the tolerance.
        let free = try device.respond(to: [[0, 0, 0, 0]])[0]
        XCTAssertGreaterThan(zip(free, out[0]).map { abs($0 - $1) }.max()!, 1e-4)
    }

    /// Direct deltaKu1 inputs equal a piecewise Ku1 drive in the runner; two threads give the copies of
    /// one thread bit for bit, and every copy starts from the same prepared state.
    func testDirectTargetAndThreads() throws {
        let text = Self.spec.replacingOccurrences(of: """
            kind = "sine-carrier"
            target = "Ku1"
            amplitude = 0.1e6
            frequency = 20e9
            period = 50e-12
            low = -2
            high = 2
            """, with: """
            kind = "piecewise"
            target = "Ku1"
            hold = 50e-12
            values = [1e5, -2e5, 0.5e5, 1.5e5]
            """)
        let s = try SimulationSpec(text: text, file: "pma.toml")
        let r = try SimulationRunner(spec: s).run()
        let u: [[Double]] = [[1e5, -2e5, 0.5e5, 1.5e5], [0, 0, 0, 0], [1e5, -2e5, 0.5e5, 1.5e5]]
        let one = try MicromagneticDevice(spec: s, input: .target(.Ku1), sampleInterval: 50e-12).respond(to: u)
        for n in 0..<4 { XCTAssertEqual(one[0][n], r.outputs[n + 1][0], accuracy: 1e-10, "sample \(n)") }
        XCTAssertEqual(one[0], one[2])                     // same input, same prepared state
        let two = try MicromagneticDevice(spec: s, input: .target(.Ku1), sampleInterval: 50e-12, threads: 2).respond(to: u)
        XCTAssertEqual(two, one)

        // Progress: every copy reports each output sample's time, ending at its total (4 x 50 ps).
        let device = try MicromagneticDevice(spec: s, input: .target(.Ku1), sampleInterval: 50e-12, threads: 2)
        let lock = NSLock()
        var seen = [Int: [Double]]()
        device.progress = { copy, t, total in
            XCTAssertEqual(total, 200e-12, accuracy: 1e-24)
            lock.lock(); seen[copy, default: []].append(t); lock.unlock()
        }
        XCTAssertEqual(try device.respond(to: u), one)
        XCTAssertEqual(Set(seen.keys), [0, 1, 2])
        for (copy, times) in seen {
            XCTAssertEqual(times.count, 4, "copy \(copy)")
            for (n, t) in times.enumerated() { XCTAssertEqual(t, Double(n + 1) * 50e-12, accuracy: 1e-20, "copy \(copy)") }
        }
    }
}
