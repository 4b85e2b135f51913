import XCTest
import Devices
import Numerics
import ODE

final class MacrospinSTNOTests: XCTestCase {
    /// Noise-free precession in a constant field along z from m = x, against the analytic solution of
    /// the LLG equation (REFERENCES.md, "Macrospin in a constant field"): with
    /// beta = gamma B t / (1 + alpha^2), mx = cos(beta)/cosh(alpha beta), my = sin(beta)/cosh(alpha beta),
    /// mz = tanh(alpha beta). Tolerance 1e-6 per component at every sample.
    func testDampedPrecessionMatchesAnalyticSolution() throws {
        var p = MacrospinParameters()
        p.damping = 0.1
        p.anisotropyConstant = 0
        p.demagnetisingFactors = [0, 0, 0]
        p.appliedField = [0, 0, 0.5]
        p.initialMagnetisation = [1, 0, 0]
        let device = MacrospinSTNO(parameters: p, sampleInterval: 5e-12, timeStep: 1e-13)
        let n = 200   // 1 ns: about 14 precession periods, mz rises to tanh(8.7)
        let m = try device.magnetisation(for: [[Double](repeating: 0, count: n)])[0]
        var worst = 0.0
        for (i, mi) in m.enumerated() {
            let t = Double(i + 1) * 5e-12
            let beta = PhysicalConstants.gamma * 0.5 * t / (1 + 0.01)
            let exact = SIMD3(cos(beta) / cosh(0.1 * beta), sin(beta) / cosh(0.1 * beta), tanh(0.1 * beta))
            let e = mi - exact
            worst = max(worst, abs(e.x), abs(e.y), abs(e.z))
        }
        print("macrospin damped precession: worst deviation \(worst)")
        XCTAssertLessThan(worst, 1e-6, "largest deviation from the analytic damped precession")
        // The chosen observable is what respond(to:) returns.
        device.output = .mz
        let mz = try device.respond(to: [[Double](repeating: 0, count: n)])[0]
        XCTAssertEqual(mz.last!, m.last!.z, accuracy: 0)
    }

    /// The ODE engine path (Tsitouras 5(4), adaptive, one solve per sample interval) meets the same
    /// analytic damped precession within 1e-6, and on a driven run (1.2 J_c bias, random drive, 5 ns)
    /// agrees with the fixed-step RK4 path within 1e-6.
    func testEngineSolverMatchesAnalyticAndFixedStep() throws {
        var p = MacrospinParameters()
        p.damping = 0.1
        p.anisotropyConstant = 0
        p.demagnetisingFactors = [0, 0, 0]
        p.appliedField = [0, 0, 0.5]
        p.initialMagnetisation = [1, 0, 0]
        let adaptive = ODESolver(method: .tsitouras54, stepping: .adaptive(rtol: 1e-10, atol: 1e-12))
        let device = MacrospinSTNO(parameters: p, sampleInterval: 5e-12)
        device.deterministicSolver = adaptive
        let m = try device.magnetisation(for: [[Double](repeating: 0, count: 200)])[0]
        var worst = 0.0
        for (i, mi) in m.enumerated() {
            let beta = PhysicalConstants.gamma * 0.5 * Double(i + 1) * 5e-12 / 1.01
            let e = mi - SIMD3(cos(beta) / cosh(0.1 * beta), sin(beta) / cosh(0.1 * beta), tanh(0.1 * beta))
            worst = max(worst, abs(e.x), abs(e.y), abs(e.z))
        }
        XCTAssertLessThan(worst, 1e-6)

        let q = MacrospinParameters()
        let jc = try XCTUnwrap(MacrospinSTNO.criticalCurrentDensity(q))
        var rng = SeededRandom(seed: 3)
        let drive = [(0..<100).map { _ in rng.uniform() }, (0..<100).map { _ in rng.uniform() }]
        let fixed = MacrospinSTNO(parameters: q, sampleInterval: 50e-12, timeStep: 0.1e-12)
        let engine = MacrospinSTNO(parameters: q, sampleInterval: 50e-12)
        engine.deterministicSolver = adaptive
        for d in [fixed, engine] { d.biasCurrentDensity = 1.2 * jc; d.inputGain = 0.3 * jc }
        let a = try fixed.magnetisation(for: drive), b = try engine.magnetisation(for: drive)
        var gap = 0.0
        for c in 0..<2 { for n in 0..<100 { let e = a[c][n] - b[c][n]; gap = max(gap, abs(e.x), abs(e.y), abs(e.z)) } }
        print("macrospin engine vs fixed RK4: worst gap \(gap), analytic worst \(worst)")
        XCTAssertLessThan(gap, 1e-6)
    }

    /// Small damped oscillations about the in-plane equilibrium (default in-plane film geometry, J = 0)
    /// ring at omega = gamma' sqrt((1 + alpha^2) H_i H_j - alpha^2 (H_i + H_j)^2 / 4) (doc comment of
    /// `ferromagneticResonance`). Measured from zero crossings of my; tolerance 1e-3 relative.
    func testSmallOscillationFrequency() throws {
        var p = MacrospinParameters()
        p.initialMagnetisation = [1, 0.01, 0]
        let device = MacrospinSTNO(parameters: p, sampleInterval: 0.5e-12, timeStep: 0.1e-12)
        device.output = .my
        let my = try device.respond(to: [[Double](repeating: 0, count: 4000)])[0]   // 2 ns
        var crossings = [Double]()
        for i in 1..<my.count where (my[i - 1] < 0) != (my[i] < 0) {
            let f = my[i - 1] / (my[i - 1] - my[i])
            crossings.append((Double(i) + f) * 0.5e-12)   // sample i sits at (i + 1) dt
        }
        XCTAssertGreaterThan(crossings.count, 20)
        let halfPeriod = (crossings.last! - crossings.first!) / Double(crossings.count - 1)
        let omega = Double.pi / halfPeriod
        let expected = try XCTUnwrap(MacrospinSTNO.ferromagneticResonance(p))
        print("macrospin small oscillations: omega measured / analytic = \(omega / expected)")
        XCTAssertEqual(omega / expected, 1, accuracy: 1e-3)
    }

    /// The Slonczewski threshold of the in-plane spin valve (default parameters: B = 0.1 T and
    /// Bk = 0.02 T along x, thin film, p = -x, P = 0.4, Lambda = 1, alpha = 0.01). Below J_c a small
    /// precession decays, above it grows; the growth rates measured at 0.97 J_c and 1.03 J_c
    /// interpolate linearly (the trace of the linearised system is linear in J) to a zero at J_c
    /// within 1%, and each matches the analytic rate 2 sigma = gamma' alpha (H_i + H_j)(J/J_c - 1) within 10%.
    func testCriticalCurrentOfInPlaneSpinValve() throws {
        let p = MacrospinParameters()
        let jc = try XCTUnwrap(MacrospinSTNO.criticalCurrentDensity(p))
        // Sun's formula for a thin film, fields in tesla: J_c = (e d Ms / hbar) alpha (2 (B + Bk) + mu0 Ms) / P.
        let mu0Ms = PhysicalConstants.mu0 * p.saturationMagnetisation
        let bk = 2 * p.anisotropyConstant / p.saturationMagnetisation
        let sun = PhysicalConstants.elementaryCharge * p.freeLayerThickness * p.saturationMagnetisation
            / PhysicalConstants.hbar * p.damping * (p.appliedField.x + bk + mu0Ms / 2) / (p.polarisation / 2)
        XCTAssertEqual(jc / sun, 1, accuracy: 1e-12)
        let (rates, zero) = try measureThreshold(p, label: "default")
        XCTAssertLessThan(rates[0], 0, "precession must decay below J_c")
        XCTAssertGreaterThan(rates[1], 0, "precession must grow above J_c")
        XCTAssertEqual(zero, 1, accuracy: 0.002, "measured threshold / analytic J_c")
    }

    /// The threshold with an asymmetric torque and a field-like term, where mumax3's sign convention
    /// matters: Lambda = 2 (eps at m.p = -1 is P Lambda^2 / 2 = 0.8), eps' = 0.2, alpha = 0.3. The
    /// measured threshold matches J_c proportional to 1/(eps0 + alpha eps') within 1%; the pre-2016
    /// mumax3 kernel's (eps0 - alpha eps') would put it 16% higher.
    func testCriticalCurrentWithAsymmetricAndFieldLikeTorque() throws {
        var p = MacrospinParameters()
        p.lambda = 2
        p.epsilonPrime = 0.2
        p.damping = 0.3
        let (rates, zero) = try measureThreshold(p, label: "Lambda 2, eps' 0.2, alpha 0.3")
        XCTAssertLessThan(rates[0], 0)
        XCTAssertGreaterThan(rates[1], 0)
        XCTAssertEqual(zero, 1, accuracy: 0.002, "measured threshold / analytic J_c")
    }

    /// Growth rates of a small precession at 0.97 and 1.03 J_c (each within 10% of
    /// 2 sigma = gamma' alpha (H_i + H_j)(J/J_c - 1)) and their linear zero in units of J_c. The run lasts
    /// about 4 e-foldings of 1 - mx, compared between its first and last 10%.
    private func measureThreshold(_ p: MacrospinParameters, label: String) throws -> ([Double], Double) {
        let jc = try XCTUnwrap(MacrospinSTNO.criticalCurrentDensity(p))
        let mu0Ms = PhysicalConstants.mu0 * p.saturationMagnetisation
        let bk = 2 * p.anisotropyConstant / p.saturationMagnetisation
        let (hiF, hjF) = (p.appliedField.x + bk, p.appliedField.x + bk + mu0Ms)
        let gammaPrime = PhysicalConstants.gamma / (1 + p.damping * p.damping)
        let rateScale = gammaPrime * p.damping * (hiF + hjF)   // 2 sigma per unit (J/J_c - 1)
        let duration = 4 / (rateScale * 0.03)
        let n = 2000, dt = duration / Double(n)
        var start = p
        start.initialMagnetisation = [1, 0.005, 0]   // small enough to stay linear over the run
        let device = MacrospinSTNO(parameters: start, sampleInterval: dt, timeStep: 0.5e-12)
        let ratios = [0.97, 1.03]
        let m = try device.magnetisation(for: ratios.map { r in [Double](repeating: r * jc, count: n) })
        // 1 - mx ~ (u^2 + v^2)/2 grows as e^{2 sigma t} times a periodic function: compare window means.
        func windowMean(_ b: Int, _ range: Range<Int>) -> Double {
            range.map { 1 - m[b][$0].x }.reduce(0, +) / Double(range.count)
        }
        var rates = [Double]()
        for b in ratios.indices {
            let rate = log(windowMean(b, 1800..<2000) / windowMean(b, 0..<200)) / (1800 * dt)
            rates.append(rate)
            XCTAssertEqual(rate / (rateScale * (ratios[b] - 1)), 1, accuracy: 0.05, "\(label): rate at \(ratios[b]) J_c")
        }
        let zero = ratios[0] + (ratios[1] - ratios[0]) * (-rates[0]) / (rates[1] - rates[0])
        print("macrospin threshold (\(label)): J_c = \(jc) A/m^2, rates \(rates) 1/s, measured / analytic J_c = \(zero)")
        return (rates, zero)
    }

    /// Above threshold the precession settles on a steady orbit: at 1.2 J_c the peak-to-peak my over
    /// two late 5 ns windows agrees within 1%, is finite (> 0.1), and m never reverses to p = -x.
    func testSteadyPrecessionAboveThreshold() throws {
        let p = MacrospinParameters()
        let jc = try XCTUnwrap(MacrospinSTNO.criticalCurrentDensity(p))
        let device = MacrospinSTNO(parameters: p, sampleInterval: 5e-12, timeStep: 0.5e-12)
        device.biasCurrentDensity = 1.2 * jc
        let m = try device.magnetisation(for: [[Double](repeating: 0, count: 30_000)])[0]   // 150 ns
        func peakToPeak(_ r: Range<Int>) -> Double {
            let y = r.map { m[$0].y }
            return y.max()! - y.min()!
        }
        let a = peakToPeak(28_000..<29_000), b = peakToPeak(29_000..<30_000)
        print("macrospin steady precession at 1.2 J_c: peak-to-peak my \(a), \(b)")
        XCTAssertGreaterThan(a, 0.1)
        XCTAssertEqual(a / b, 1, accuracy: 0.01)
        XCTAssertGreaterThan(m[20_000...].map(\.x).min()!, -0.9)
    }

    /// Thermal equilibrium without torque: in a field B along z at temperature T the Boltzmann
    /// distribution of m gives <mz> = coth(x) - 1/x, x = Ms V B / (kB T) (Langevin function). With x = 3,
    /// 48 copies x 20 ns after 1 ns of equilibration; tolerance 4 standard errors of the copy means.
    func testThermalEquilibriumFollowsLangevinFunction() throws {
        var p = MacrospinParameters()
        p.damping = 0.1
        p.anisotropyConstant = 0
        p.demagnetisingFactors = [0, 0, 0]
        p.appliedField = [0, 0, 0.5]
        p.temperature = 300
        p.initialMagnetisation = [0, 0, 1]
        let x = 3.0
        let volume = x * PhysicalConstants.boltzmann * p.temperature / (p.saturationMagnetisation * 0.5)
        p.area = volume / p.freeLayerThickness
        let device = MacrospinSTNO(parameters: p, sampleInterval: 50e-12, timeStep: 1e-13, seed: 2026)
        device.output = .mz
        let copies = 48
        let out = try device.respond(to: [[Double]](repeating: [Double](repeating: 0, count: 420), count: copies))
        let means = out.map { row in row[20...].reduce(0, +) / Double(row.count - 20) }
        let mean = means.reduce(0, +) / Double(copies)
        let variance = means.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(copies - 1)
        let standardError = (variance / Double(copies)).squareRoot()
        let langevin = 1 / tanh(x) - 1 / x
        print("macrospin thermal: <mz> = \(mean) +- \(standardError), Langevin L(3) = \(langevin)")
        XCTAssertLessThan(standardError, 0.01, "the test must resolve <mz> to 1.5%")
        XCTAssertEqual(mean, langevin, accuracy: 4 * standardError,
                       "<mz> = \(mean) +- \(standardError), Langevin \(langevin)")
    }

    /// Seeds: a run repeats bit for bit; copy b's trajectory does not depend on the batch it runs in;
    /// another seed gives another trajectory.
    func testNoiseIsSeededPerCopy() throws {
        var p = MacrospinParameters()
        p.temperature = 300
        let device = MacrospinSTNO(parameters: p, sampleInterval: 20e-12, timeStep: 1e-13, seed: 7)
        let drive = [[Double]](repeating: [Double](repeating: 0, count: 50), count: 3)
        let a = try device.respond(to: drive)
        XCTAssertEqual(a, try device.respond(to: drive))
        XCTAssertEqual(a[0], try device.respond(to: [drive[0]])[0])
        XCTAssertNotEqual(a[0], a[1])
        device.seed = 8
        XCTAssertNotEqual(a[0], try device.respond(to: [drive[0]])[0])
    }

    /// Bad input is refused with a one-line error naming the device, copy and sample.
    func testNonFiniteInputIsRefused() {
        let device = MacrospinSTNO()
        XCTAssertThrowsError(try device.respond(to: [[0, 0], [0, .nan]])) { error in
            XCTAssertTrue(error is DeviceError)
            XCTAssertEqual("\(error)", "macrospin STNO: input of copy 1 at sample 1 is nan; inputs must be finite")
        }
        var p = MacrospinParameters()
        p.saturationMagnetisation = -1
        XCTAssertThrowsError(try MacrospinSTNO(parameters: p).respond(to: [[0]])) { error in
            XCTAssertTrue("\(error)".contains("saturationMagnetisation = -1.0 is invalid"), "\(error)")
        }
    }
}
