import XCTest
import Micromagnetics

/// Demagnetising factors (REFERENCES.md): a uniformly magnetised cube has N = 1/3 on every axis
/// (B = -mu0 Ms / 3); a thin film has N_zz -> 1. The discrete convolution of the Newell tensor obeys an
/// exact identity: the average field of a uniformly magnetised box split into cells equals the Newell
/// self-tensor of the whole box as one cell (Newell et al., J. Geophys. Res. 98, 9551 (1993)).
final class DemagTests: XCTestCase {
    let ms = 8e5
    let mu0 = 4e-7 * Double.pi

    func averageField(_ mesh: Mesh, _ direction: SIMD3<Double>) throws -> SIMD3<Double> {
        let magnet = try Magnet(mesh: mesh, material: Material(Msat: ms))
        let demag = Demag(mesh: mesh, parameters: magnet.cellParameters())
        let m = magnet.uniform(direction)
        var b = [Double](repeating: 0, count: 3 * mesh.cellCount)
        demag.addField(t: 0, m: m, into: &b)
        let n = mesh.cellCount
        var s = SIMD3<Double>.zero
        for i in 0..<n { s += SIMD3(b[i], b[n + i], b[2 * n + i]) }
        return s / Double(n)
    }

    /// The field of a state depends on that state alone: evaluating another state in between (or one
    /// with a non-finite value, as an overshooting adaptive trial step can produce) leaves no trace in
    /// the transform's zero padding. Same m, same field, bit for bit, in either precision.
    func testFieldDoesNotDependOnPreviousEvaluations() throws {
        let mesh = try Mesh(nx: 16, ny: 8, nz: 2, dx: 2e-9, dy: 2e-9, dz: 1e-9)
        let magnet = try Magnet(mesh: mesh, material: Material(Msat: ms))
        let m = magnet.magnetisation { r in SIMD3(cos(r.x * 1e8), sin(r.y * 2e8), 0.3) }
        let other = magnet.uniform(SIMD3(0.6, 0, 0.8))
        var poisoned = other
        poisoned[5] = .nan
        for precision in Demag.Precision.allCases {
            let demag = Demag(mesh: mesh, parameters: magnet.cellParameters(), precision: precision)
            let n3 = 3 * mesh.cellCount
            var first = [Double](repeating: 0, count: n3), again = first, scratch = first
            demag.addField(t: 0, m: m, into: &first)
            demag.addField(t: 0, m: other, into: &scratch)
            demag.addField(t: 0, m: poisoned, into: &scratch)
            demag.addField(t: 0, m: m, into: &again)
            XCTAssertEqual(first, again, "\(precision)")
            XCTAssertTrue(again.allSatisfy { $0.isFinite }, "\(precision)")
        }
    }

    func testSingleCubeCellIsOneThird() throws {
        let mesh = try Mesh(nx: 1, ny: 1, nz: 1, dx: 2e-9, dy: 2e-9, dz: 2e-9)
        for d in [SIMD3<Double>(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)] {
            let b = try averageField(mesh, d)
            print("demag single cube: N along \(d) - 1/3 = \(-(b * d).sum() / (mu0 * ms) - 1.0 / 3)")
            XCTAssertEqual((b * d).sum(), -mu0 * ms / 3, accuracy: 1e-12 * mu0 * ms)
        }
    }

    func testDiscretisedCubeAveragesOneThird() throws {
        let mesh = try Mesh(nx: 8, ny: 8, nz: 8, dx: 1e-9, dy: 1e-9, dz: 1e-9)
        let b = try averageField(mesh, SIMD3(0, 0, 1))
        XCTAssertEqual(b.z, -mu0 * ms / 3, accuracy: 1e-9 * mu0 * ms)
        XCTAssertEqual(b.x, 0, accuracy: 1e-12 * mu0 * ms)
        let bx = try averageField(mesh, SIMD3(1, 0, 0))
        print("demag 8^3 cube: N_zz - 1/3 = \(-b.z / (mu0 * ms) - 1.0 / 3), N_xx - 1/3 = \(-bx.x / (mu0 * ms) - 1.0 / 3)")
        XCTAssertEqual(bx.x, -mu0 * ms / 3, accuracy: 1e-9 * mu0 * ms)
    }

    func testThinFilmOutOfPlaneFactorIsNearlyOne() throws {
        // 512 nm x 512 nm x 1 nm in 4 nm x 4 nm x 1 nm cells: distant cells use the far-field quadrature.
        let film = try Mesh(nx: 128, ny: 128, nz: 1, dx: 4e-9, dy: 4e-9, dz: 1e-9)
        let whole = try Mesh(nx: 1, ny: 1, nz: 1, dx: 512e-9, dy: 512e-9, dz: 1e-9)
        let bz = try averageField(film, SIMD3(0, 0, 1)).z
        let reference = try averageField(whole, SIMD3(0, 0, 1)).z
        print("demag thin film: N_zz = \(-bz / (mu0 * ms)), Newell factor of the whole film \(-reference / (mu0 * ms)), difference \((reference - bz) / (mu0 * ms))")
        XCTAssertEqual(bz, reference, accuracy: 1e-7 * mu0 * ms)
        XCTAssertGreaterThan(-bz / (mu0 * ms), 0.99)
        XCTAssertLessThan(-bz / (mu0 * ms), 1.0)
        let bx = try averageField(film, SIMD3(1, 0, 0)).x
        let referenceX = try averageField(whole, SIMD3(1, 0, 0)).x
        XCTAssertEqual(bx, referenceX, accuracy: 1e-7 * mu0 * ms)
        XCTAssertLessThan(-bx / (mu0 * ms), 0.01)
    }

    /// A flat prism in 12 x 8 x 4 cells: the trace of the average tensor is 1 (N_xx + N_yy + N_zz = 1).
    func testTraceOfAverageTensorIsOne() throws {
        let mesh = try Mesh(nx: 12, ny: 8, nz: 4, dx: 1e-9, dy: 1e-9, dz: 1e-9)
        var trace = 0.0
        for d in [SIMD3<Double>(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)] {
            trace += -(try averageField(mesh, d) * d).sum() / (mu0 * ms)
        }
        XCTAssertEqual(trace, 1, accuracy: 1e-9)
    }
}

/// The closed-form Newell tensor and the cell-averaged dipole quadrature are two evaluations of the
/// same integral: at moderate distances (where neither has lost accuracy) they agree component by
/// component, for the flat 3.90625 x 3.90625 x 3 nm cells of standard problem 4.
final class DemagKernelTests: XCTestCase {
    func testNewellAgreesWithDipoleQuadrature() {
        let dx = 500e-9 / 128, dy = 125e-9 / 32, dz = 3e-9
        for (i, j, k) in [(12, 0, 0), (0, 13, 0), (9, 7, 0), (10, -6, 2), (-8, 5, -3), (6, 9, 4)] {
            let X = Double(i) * dx, Y = Double(j) * dy, Z = Double(k) * dz
            let newell = DemagKernel.tensor(X, Y, Z, dx: dx, dy: dy, dz: dz)
            let quad = DemagKernel.farTensor(X, Y, Z, dx: dx, dy: dy, dz: dz)
            let scale = newell.map(abs).max()!
            for c in 0..<6 { XCTAssertEqual(newell[c], quad[c], accuracy: 1e-6 * scale, "offset \((i, j, k)) component \(c)") }
        }
    }

    /// mumax3's face-charge midpoint tensor (`FaceChargeDemagKernel`, accuracy 6) against Newell's closed
    /// form for the SP4 cell. Reference values: an independent numpy implementation of the same rule
    /// (agreeing with ours to 5e-14) gave relative differences from Newell of 3.2e-5 (xx), 6.2e-4 (zz) in the
    /// self term, 2.3e-3 (yy, zz) at (1, 0, 0) and 5.4e-3 (xx) at (1, 1, 0), falling to 1e-5 at (60, 20, 0).
    func testFaceChargeKernelIsNewellToMumax3Accuracy() {
        let dx = 500e-9 / 128, dy = 125e-9 / 32, dz = 3e-9
        func relative(_ i: Int, _ j: Int, _ c: Int) -> Double {
            let n = DemagKernel.tensor(Double(i) * dx, Double(j) * dy, 0, dx: dx, dy: dy, dz: dz)[c]
            let f = FaceChargeDemagKernel.tensor(i, j, 0, dx: dx, dy: dy, dz: dz)[c]
            return abs(f - n) / abs(n)
        }
        XCTAssertEqual(relative(0, 0, 0), 3.2e-5, accuracy: 0.1e-5)
        XCTAssertEqual(relative(0, 0, 2), 6.2e-4, accuracy: 0.1e-4)
        XCTAssertEqual(relative(1, 0, 1), 2.3e-3, accuracy: 0.1e-3)
        XCTAssertEqual(relative(1, 1, 0), 5.4e-3, accuracy: 0.1e-3)
        for c in 0..<4 { XCTAssertLessThan(relative(60, 20, c), 1e-4, "component \(c)") }
        // Self term trace (exactly 1 for Newell).
        let s = FaceChargeDemagKernel.tensor(0, 0, 0, dx: dx, dy: dy, dz: dz)
        XCTAssertEqual(s[0] + s[1] + s[2], 1, accuracy: 1e-3)
    }
}
