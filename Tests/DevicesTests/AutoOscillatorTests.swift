import XCTest
import Devices
import ODE

final class AutoOscillatorTests: XCTestCase {
    /// Noise-free transient above threshold (zeta = I / I_th = 2, Q = 1): the integrated c(t) matches the
    /// exact solution of the model, p(t) from the logistic equation and arg c(t) = -(omega0 t + N int p),
    /// to 1e-6 in Re c and Im c at every 1 ns sample over 800 ns; p(800 ns) equals the stationary
    /// p0 = (zeta - 1)/(zeta + Q) = 1/3 (Slavin and Tiberkevich 2009) within 1e-9, and the frequency
    /// over the last 50 ns equals omega0 + N p0 within 1e-8 relative.
    func testTransientAndSteadyStateAboveThreshold() throws {
        let device = AutoOscillator(sampleInterval: 1e-9, timeStep: 5e-12)
        let q = device.parameters
        let current = 2 * q.thresholdCurrent
        device.biasCurrent = current
        let n = 800
        let c = try device.amplitude(for: [[Double](repeating: 0, count: n)])[0]
        let pInit = (q.initialAmplitude * q.initialAmplitude).sum()
        var worst = 0.0
        for (i, ci) in c.enumerated() {
            let t = Double(i + 1) * 1e-9
            let r = device.power(at: t, initialPower: pInit, current: current).squareRoot()
            let phi = device.phase(at: t, initialPower: pInit, current: current)
            let e = ci - SIMD2(r * cos(phi), r * sin(phi))
            worst = max(worst, abs(e.x), abs(e.y))
        }
        XCTAssertLessThan(worst, 1e-6)

        let p0 = device.stationaryPower(current: current)
        XCTAssertEqual(p0, 1.0 / 3.0, accuracy: 1e-15)
        XCTAssertEqual((c[n - 1] * c[n - 1]).sum(), p0, accuracy: 1e-9)
        // Unwrapped phase over the last 50 samples: c rotates clockwise, arg c decreases at omega(p0).
        var advance = 0.0
        for i in (n - 50)..<n {
            let a = c[i - 1], b = c[i]
            advance += atan2(a.y * b.x - a.x * b.y, a.x * b.x + a.y * b.y)   // angle from b to a
        }
        // omega0 dt = 1.88 rad < pi per sample, so each step's angle is unambiguous.
        let omega = advance / 50e-9
        let expected = q.linearFrequency + q.nonlinearFrequencyShift * p0
        XCTAssertEqual(omega / expected, 1, accuracy: 1e-8)
    }

    /// Below threshold (zeta = 0.5) the power decays to zero along the exact logistic solution
    /// (relative error 1e-6 at every sample) and is below 1e-12 after 1.5 us.
    func testDecayBelowThreshold() throws {
        let device = AutoOscillator(sampleInterval: 1e-9, timeStep: 5e-12)
        device.parameters.initialAmplitude = [0.3, 0.4]   // p = 0.25
        let current = 0.5 * device.parameters.thresholdCurrent
        device.biasCurrent = current
        let p = try device.respond(to: [[Double](repeating: 0, count: 1500)])[0]
        for (i, pi) in p.enumerated() {
            let exact = device.power(at: Double(i + 1) * 1e-9, initialPower: 0.25, current: current)
            XCTAssertEqual(pi / exact, 1, accuracy: 1e-6, "sample \(i)")
        }
        XCTAssertLessThan(p.last!, 1e-12)
        XCTAssertEqual(device.stationaryPower(current: current), 0)
    }

    /// The ODE engine path (Tsitouras 5(4), adaptive, rtol 1e-10) meets the same exact transient
    /// (ratio of p within 1e-6 at every sample, zeta = 2 then 0.5).
    func testEngineSolverMatchesExactPower() throws {
        let device = AutoOscillator(sampleInterval: 2e-9)
        device.deterministicSolver = ODESolver(method: .tsitouras54, stepping: .adaptive(rtol: 1e-10, atol: 1e-12))
        let ith = device.parameters.thresholdCurrent
        device.inputGain = ith
        let p = try device.respond(to: [[Double](repeating: 2, count: 200) + [Double](repeating: 0.5, count: 100)])[0]
        let pInit = 1e-4
        for i in 0..<200 {
            XCTAssertEqual(p[i] / device.power(at: Double(i + 1) * 2e-9, initialPower: pInit, current: 2 * ith), 1,
                           accuracy: 1e-6, "sample \(i)")
        }
        for i in 200..<300 {
            let exact = device.power(at: Double(i - 199) * 2e-9, initialPower: p[199], current: 0.5 * ith)
            XCTAssertEqual(p[i] / exact, 1, accuracy: 1e-6, "sample \(i)")
        }
    }

    /// The drive is held piecewise constant over each sample: a current step from 0.5 I_th to 3 I_th
    /// at 100 ns follows the exact solution restarted at the step (1e-6 relative) and settles on
    /// p0 = (3 - 1)/(3 + 1) = 0.5.
    func testPiecewiseConstantDrive() throws {
        let device = AutoOscillator(sampleInterval: 2e-9, timeStep: 5e-12)
        device.output = .power
        let ith = device.parameters.thresholdCurrent
        device.inputGain = ith
        let drive = [Double](repeating: 0.5, count: 50) + [Double](repeating: 3, count: 300)
        let p = try device.respond(to: [drive])[0]
        let pInit = 1e-4
        let pSwitch = device.power(at: 100e-9, initialPower: pInit, current: 0.5 * ith)
        XCTAssertEqual(p[49] / pSwitch, 1, accuracy: 1e-6)
        for i in 50..<350 {
            let exact = device.power(at: Double(i - 49) * 2e-9, initialPower: pSwitch, current: 3 * ith)
            XCTAssertEqual(p[i] / exact, 1, accuracy: 1e-6, "sample \(i)")
        }
        XCTAssertEqual(p.last!, device.stationaryPower(current: 3 * ith), accuracy: 1e-6)
    }

    /// With noise of intensity D the stationary density of p is proportional to
    /// exp(-(a p + b p^2/2)/D) (Fokker-Planck equation of the model; doc comment of AutoOscillator).
    /// Below (zeta = 0.5) and above (zeta = 1.5) threshold, the time-averaged power of 32 copies over
    /// 2 us after 0.5 us equilibration matches the quadrature mean within 4 standard errors of the copy means.
    func testStationaryPowerWithNoise() throws {
        for (zeta, d) in [(0.5, 1.5e6), (1.5, 3e6)] {
            let device = AutoOscillator(sampleInterval: 5e-9, timeStep: 2e-11, seed: 11)
            device.parameters.noiseIntensity = d
            let current = zeta * device.parameters.thresholdCurrent
            device.biasCurrent = current
            let copies = 32
            let out = try device.respond(to: [[Double]](repeating: [Double](repeating: 0, count: 500), count: copies))
            let means = out.map { row in row[100...].reduce(0, +) / 400 }
            let mean = means.reduce(0, +) / Double(copies)
            let variance = means.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(copies - 1)
            let standardError = (variance / Double(copies)).squareRoot()
            let expected = device.stationaryMeanPower(current: current)
            XCTAssertLessThan(standardError / expected, 0.03, "zeta \(zeta): the test must resolve <p> to 3%")
            print("auto-oscillator noise, zeta \(zeta), D \(d) 1/s: <p> = \(mean) +- \(standardError), Fokker-Planck \(expected)")
            XCTAssertEqual(mean, expected, accuracy: 4 * standardError,
                           "zeta \(zeta): <p> = \(mean) +- \(standardError), Fokker-Planck \(expected)")
        }
    }

    /// The quadrature of the stationary density reduces to the Ornstein-Uhlenbeck result <p> = D / a in the
    /// linear limit (b p << a), and to p0 in the weak-noise limit above threshold.
    func testStationaryMeanPowerLimits() {
        let device = AutoOscillator()
        device.parameters.noiseIntensity = 1e2
        let ith = device.parameters.thresholdCurrent
        let (a, _) = (device.parameters.dampingRate * 0.5, 0)
        XCTAssertEqual(device.stationaryMeanPower(current: 0.5 * ith) / (1e2 / a), 1, accuracy: 1e-4)
        XCTAssertEqual(device.stationaryMeanPower(current: 2 * ith) / device.stationaryPower(current: 2 * ith), 1,
                       accuracy: 1e-4)
    }
}
