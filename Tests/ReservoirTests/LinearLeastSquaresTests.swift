import Numerics
import Reservoir
import XCTest

/// The LAPACK-backed solvers of Numerics used by the readout (SVD ridge, Cholesky normal equations, eigenvalues).
final class LinearLeastSquaresTests: XCTestCase {
    /// Solves the square system M z = r by Gaussian elimination with partial pivoting (independent of LAPACK).
    static func gaussSolve(_ m: [[Double]], _ r: [[Double]]) -> [[Double]] {
        var a = m, b = r
        let n = a.count
        for c in 0..<n {
            let p = (c..<n).max { abs(a[$0][c]) < abs(a[$1][c]) }!
            a.swapAt(c, p); b.swapAt(c, p)
            for i in (c + 1)..<n {
                let f = a[i][c] / a[c][c]
                for j in c..<n { a[i][j] -= f * a[c][j] }
                for j in 0..<b[i].count { b[i][j] -= f * b[c][j] }
            }
        }
        var x = b
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in 0..<b[i].count {
                var s = b[i][j]
                for k in (i + 1)..<n { s -= a[i][k] * x[k][j] }
                x[i][j] = s / a[i][i]
            }
        }
        return x
    }

    /// Normal-equation ridge (A^T A + lambda I)^{-1} A^T B formed element by element, solved by `gaussSolve`.
    static func normalEquationRidge(_ a: Matrix, _ b: Matrix, lambda: Double) -> [[Double]] {
        let n = a.columns, p = b.columns
        var g = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        var r = [[Double]](repeating: [Double](repeating: 0, count: p), count: n)
        for i in 0..<n {
            for j in 0..<n { for t in 0..<a.rows { g[i][j] += a[t, i] * a[t, j] } }
            g[i][i] += lambda
            for j in 0..<p { for t in 0..<a.rows { r[i][j] += a[t, i] * b[t, j] } }
        }
        return gaussSolve(g, r)
    }

    /// 2 x 2 case by hand: A = [[1, 0], [0, 2], [0, 0]], B = [1, 1, 5]^T, lambda = 1:
    /// A^T A + I = diag(2, 5), A^T B = (1, 2), so X = (1/2, 2/5).
    func testRidgeClosedFormSmallCase() throws {
        let a = Matrix(rows: 3, columns: 2, storage: [1, 0, 0, 2, 0, 0])
        let b = Matrix(rows: 3, columns: 1, storage: [1, 1, 5])
        let x = try LinearLeastSquares.ridge(a: a, b: b, lambda: 1)
        XCTAssertEqual(x[0, 0], 0.5, accuracy: 1e-15)
        XCTAssertEqual(x[1, 0], 0.4, accuracy: 1e-15)
        let y = try LinearLeastSquares.ridgeByNormalEquations(a: a, b: b, lambda: 1)
        XCTAssertEqual(y[0, 0], 0.5, accuracy: 1e-15)
        XCTAssertEqual(y[1, 0], 0.4, accuracy: 1e-15)
        // lambda = 0: ordinary least squares, X = (1, 1/2).
        let ls = try LinearLeastSquares.ridge(a: a, b: b, lambda: 0)
        XCTAssertEqual(ls[0, 0], 1, accuracy: 1e-15)
        XCTAssertEqual(ls[1, 0], 0.5, accuracy: 1e-15)
    }

    /// A random 40 x 6 problem with 3 right-hand sides: the SVD solution, LAPACK dposv on the normal
    /// equations and our own Gaussian elimination on the normal equations agree to 1e-12 (relative).
    func testRidgeAgreesWithIndependentNormalEquations() throws {
        var rng = SeededRandom(seed: 7)
        let a = Matrix(rows: 40, columns: 6) { _, _ in rng.normal() }
        let b = Matrix(rows: 40, columns: 3) { _, _ in rng.normal() }
        for lambda in [0.0, 1e-3, 0.7, 50] {
            let x = try LinearLeastSquares.ridge(a: a, b: b, lambda: lambda)
            let reference = Self.normalEquationRidge(a, b, lambda: lambda)
            let chol = try LinearLeastSquares.ridgeByNormalEquations(a: a, b: b, lambda: lambda)
            for i in 0..<6 {
                for j in 0..<3 {
                    XCTAssertEqual(x[i, j], reference[i][j], accuracy: 1e-12 * max(1, abs(reference[i][j])), "lambda \(lambda)")
                    XCTAssertEqual(chol[i, j], reference[i][j], accuracy: 1e-12 * max(1, abs(reference[i][j])))
                }
            }
        }
    }

    /// Singular values of diag(3, 1) rotated: a rotation does not change them; U diag(s) V^T rebuilds A.
    func testSingularValueDecompositionReconstructs() throws {
        let c = cos(0.3), s = sin(0.3)
        let a = Matrix(rows: 2, columns: 2, storage: [3 * c, -s, 3 * s, c])   // R(0.3) diag(3, 1)
        let svd = try SingularValueDecomposition(a)
        XCTAssertEqual(svd.singularValues[0], 3, accuracy: 1e-14)
        XCTAssertEqual(svd.singularValues[1], 1, accuracy: 1e-14)
        XCTAssertEqual(svd.conditionNumber, 3, accuracy: 1e-13)
        var rng = SeededRandom(seed: 3)
        let m = Matrix(rows: 7, columns: 4) { _, _ in rng.normal() }
        let f = try SingularValueDecomposition(m)
        for i in 0..<7 {
            for j in 0..<4 {
                var v = 0.0
                for k in 0..<4 { v += f.u[i, k] * f.singularValues[k] * f.vt[k, j] }
                XCTAssertEqual(v, m[i, j], accuracy: 1e-13)
            }
        }
    }

    /// Rank-deficient A with lambda = 0 gives the minimum-norm least-squares solution: A = [1 1] (two
    /// identical columns), b = 2: the minimum-norm solution of x1 + x2 = 2 is (1, 1).
    func testMinimumNormSolutionForRankDeficientMatrix() throws {
        let a = Matrix(rows: 3, columns: 2, storage: [1, 1, 1, 1, 1, 1])
        let b = Matrix(rows: 3, columns: 1, storage: [2, 2, 2])
        let x = try LinearLeastSquares.ridge(a: a, b: b, lambda: 0)
        XCTAssertEqual(x[0, 0], 1, accuracy: 1e-14)
        XCTAssertEqual(x[1, 0], 1, accuracy: 1e-14)
        XCTAssertThrowsError(try LinearLeastSquares.ridgeByNormalEquations(a: a, b: b, lambda: 0)) { error in
            XCTAssertTrue("\(error)".contains("dposv"), "\(error)")
        }
    }

    /// Eigenvalues of known matrices: the 2 x 2 rotation-scaling [[0, -2], [2, 0]] has +-2i (spectral
    /// radius 2; power iteration would oscillate forever on it), a triangular matrix its diagonal.
    func testEigenvaluesOfKnownMatrices() throws {
        let r = Matrix(rows: 2, columns: 2, storage: [0, -2, 2, 0])
        let ev = try Eigenvalues.of(r)
        XCTAssertEqual(ev.map { $0.re }.max()!, 0, accuracy: 1e-14)
        XCTAssertEqual(ev.map { abs($0.im) }.max()!, 2, accuracy: 1e-14)
        XCTAssertEqual(try Eigenvalues.spectralRadius(of: r), 2, accuracy: 1e-14)
        let t = Matrix(rows: 3, columns: 3, storage: [0.5, 7, 1, 0, -3, 2, 0, 0, 1.5])
        for (got, want) in zip(try Eigenvalues.of(t).map { $0.re }.sorted(), [-3, 0.5, 1.5]) {
            XCTAssertEqual(got, want, accuracy: 1e-14)
        }
        XCTAssertEqual(try Eigenvalues.spectralRadius(of: t), 3, accuracy: 1e-14)
    }

    /// R of the QR factorisation: upper triangular with R^T R = A^T A; R of two row blocks stacked equals
    /// R of the blocks' R factors stacked (up to the sign of each row).
    func testTriangularFactorGramAndBlockCombination() throws {
        var rng = SeededRandom(seed: 8)
        let a = Matrix(rows: 30, columns: 5) { _, _ in rng.normal() }
        let r = try LinearLeastSquares.triangularFactor(a)
        XCTAssertEqual(r.rows, 5)
        let gram = a.transposed * a, rtr = r.transposed * r
        for i in 0..<5 {
            for j in 0..<5 {
                XCTAssertEqual(rtr[i, j], gram[i, j], accuracy: 1e-12 * 30)
                if j < i { XCTAssertEqual(r[i, j], 0) }
            }
        }
        let top = Matrix(rows: 12, columns: 5, storage: Array(a.storage[0..<60]))
        let bottom = Matrix(rows: 18, columns: 5, storage: Array(a.storage[60...]))
        let r1 = try LinearLeastSquares.triangularFactor(top), r2 = try LinearLeastSquares.triangularFactor(bottom)
        let combined = try LinearLeastSquares.triangularFactor(Matrix(rows: 10, columns: 5, storage: r1.storage + r2.storage))
        for i in 0..<5 {
            let sign = (combined[i, i] >= 0) == (r[i, i] >= 0) ? 1.0 : -1.0
            for j in 0..<5 { XCTAssertEqual(sign * combined[i, j], r[i, j], accuracy: 1e-12) }
        }
    }

    /// Why the readout avoids the normal equations: two states that differ by 1e-7 of a random signal
    /// (condition number ~1e7) and exact targets y = X w + 3. QR + SVD recovers w = (1, -2, 0.5) to within
    /// cond x eps ~ 1e-9 (measured 1.6e-11); Cholesky on X^T X (cond^2 ~ 1e14) loses most digits
    /// (measured 1.8e-2).
    func testIllConditionedStatesKeepAccuracy() throws {
        var rng = SeededRandom(seed: 12)
        let t = 400
        var x = Matrix(rows: t, columns: 3)
        for i in 0..<t {
            let a = rng.normal()
            x[i, 0] = a
            x[i, 1] = a + 1e-7 * rng.normal()
            x[i, 2] = rng.normal()
        }
        let w = [1.0, -2, 0.5]
        let y = Matrix(rows: t, columns: 1) { i, _ in 3 + w[0] * x[i, 0] + w[1] * x[i, 1] + w[2] * x[i, 2] }
        let readout = try RidgeReadout.fit(features: x, targets: y, lambda: 0)
        for j in 0..<3 { XCTAssertEqual(readout.weights[j, 0], w[j], accuracy: 1e-8) }
        XCTAssertEqual(readout.bias[0], 3, accuracy: 1e-9)
        // Normal equations on the augmented [X 1] (unregularised), for contrast.
        let xa = Matrix(rows: t, columns: 4) { i, j in j < 3 ? x[i, j] : 1 }
        let normal = try LinearLeastSquares.ridgeByNormalEquations(a: xa, b: y, lambda: 0)
        let normalError = (0..<3).map { abs(normal[$0, 0] - w[$0]) }.max()!
        let qrError = (0..<3).map { abs(readout.weights[$0, 0] - w[$0]) }.max()!
        XCTAssertGreaterThan(normalError, 1e-6)
        XCTAssertLessThan(qrError, normalError / 100)
    }
}
