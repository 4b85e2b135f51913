import Numerics
import Reservoir
import XCTest

final class CapacityTests: XCTestCase {
    /// An ideal delay line of D = 10 taps remembers u(n - k) perfectly for k < 10 and not at all beyond:
    /// r^2 = 1 for k < D (to rounding, exact least squares), r^2 ~ 1/T_test for k >= D. With the
    /// threshold 0.01 the capacity is exactly D.
    func testDelayLineMemoryCapacityEqualsNumberOfDelays() throws {
        let line = DelayLine(delays: 10)
        let raw = try MemoryCapacity(maxDelay: 30, ridge: .fixed(0)).evaluate(on: line)
        let c = raw.profiles["capacity_per_delay"]!
        XCTAssertEqual(c.count, 31)
        for k in 0..<10 { XCTAssertEqual(c[k], 1, accuracy: 1e-12, "k = \(k)") }
        for k in 10...30 { XCTAssertLessThan(c[k], 0.005, "k = \(k)") }
        XCTAssertEqual(raw.metrics["capacity"]!, 10, accuracy: 0.03)
        let thresholded = try MemoryCapacity(maxDelay: 30, threshold: 0.01, ridge: .fixed(0)).evaluate(on: line)
        XCTAssertEqual(thresholded.metrics["capacity"]!, 10, accuracy: 1e-12)
    }

    /// Parity of a window is a nonlinear (XOR) function of the bits: a linear readout of the delay line
    /// gets k = 0 (the bit itself) exactly and nothing for k >= 1 (XOR is uncorrelated with every bit).
    func testDelayLineParityCapacityIsOne() throws {
        let r = try ParityCheckCapacity(maxDelay: 8, threshold: 0.01, ridge: .fixed(0)).evaluate(on: DelayLine(delays: 10))
        XCTAssertEqual(r.profiles["capacity_per_delay"]![0], 1, accuracy: 1e-12)
        XCTAssertEqual(r.metrics["capacity"]!, 1, accuracy: 1e-12)
    }

    /// Jaeger (GMD Report 152 (2002), Prop. 2): the memory capacity of an N-node network is at most N.
    /// Measured for N = 20, rho 0.95, input scaling 0.1 (nearly linear): 13.0 to 15.5 over seeds 1-6.
    func testEchoStateNetworkMemoryCapacityAtMostN() throws {
        let esn = try EchoStateNetwork(configuration: .init(nodes: 20, spectralRadius: 0.95, inputScaling: 0.1,
                                                            biasScaling: 0, seed: 3))
        let r = try MemoryCapacity().evaluate(on: esn)
        let mc = r.metrics["capacity"]!
        XCTAssertLessThanOrEqual(mc, 20)
        XCTAssertGreaterThan(mc, 12)
        XCTAssertEqual(r.profiles["capacity_per_delay"]!.count, 41)
        XCTAssertEqual(r.profiles["capacity_per_delay"]![0], 1, accuracy: 1e-3)
    }
}
