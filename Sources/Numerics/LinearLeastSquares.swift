import CLAPACKE

/// Regularised linear least squares (ridge / Tikhonov regression) with several right-hand sides:
///
///     X = argmin |A X - B|_F^2 + lambda |X|_F^2,   A: m x n, B: m x p, X: n x p,
///
/// whose unique solution for lambda > 0 is X = (A^T A + lambda I)^{-1} A^T B
/// (Hoerl and Kennard, Technometrics 12, 55 (1970); Golub and Van Loan, Matrix Computations, 4th ed., sec. 6.1.4).
///
/// Two solvers:
/// - `ridge(svd:projectedTargets:lambda:)`: from the thin SVD A = U S V^T,
///   X = V diag(s_i / (s_i^2 + lambda)) U^T B. Accurate even when A is ill-conditioned (the normal
///   equations square the condition number; the SVD does not), and one factorisation serves every
///   lambda of a cross-validation grid at O(n k p) per lambda. For lambda = 0 it gives the minimum-norm
///   least-squares solution, singular values below `m ulp s_1` treated as zero (as dgelsd with rcond = -1).
/// - `ridgeByNormalEquations(a:b:lambda:)`: Cholesky (LAPACK dposv) on A^T A + lambda I. Faster for
///   m >> n but loses accuracy as cond(A)^2; kept as an independent check and for very tall problems.
public enum LinearLeastSquares {
    /// U^T B for the SVD of A (k x p): the targets in the basis of left singular vectors.
    public static func projectedTargets(svd: SingularValueDecomposition, b: Matrix) -> Matrix {
        precondition(svd.u.rows == b.rows, "LinearLeastSquares: U has \(svd.u.rows) rows, B has \(b.rows)")
        var out = Matrix(rows: svd.u.columns, columns: b.columns)
        if b.columns == 0 { return out }
        svd.u.storage.withUnsafeBufferPointer { up in
            b.storage.withUnsafeBufferPointer { bp in
                out.storage.withUnsafeMutableBufferPointer { op in
                    BLAS.gemm(transA: true, m: svd.u.columns, n: b.columns, k: b.rows,
                              a: up.baseAddress!, lda: svd.u.columns, b: bp.baseAddress!, ldb: b.columns,
                              c: op.baseAddress!, ldc: b.columns)
                }
            }
        }
        return out
    }

    /// The ridge solution X (n x p) from the SVD of A and `projected` = U^T B, one lambda per column of
    /// B (`lambdas.count == p`) or one lambda for all (`lambdas.count == 1`). lambda >= 0.
    public static func ridge(svd: SingularValueDecomposition, projectedTargets projected: Matrix,
                             lambdas: [Double]) -> Matrix {
        let k = svd.rank, n = svd.vt.columns, p = projected.columns
        precondition(projected.rows == k, "LinearLeastSquares.ridge: U^T B has \(projected.rows) rows, rank \(k)")
        precondition(lambdas.count == 1 || lambdas.count == p,
                     "LinearLeastSquares.ridge: \(lambdas.count) lambdas for \(p) right-hand sides")
        let s1 = svd.singularValues.first ?? 0
        let cutoff = Double(max(svd.u.rows, n)) * Double.ulpOfOne * s1
        // D[i, j] = f(s_i, lambda_j) (U^T B)[i, j], then X = V D = (V^T)^T D.
        var d = projected
        for i in 0..<k {
            let s = svd.singularValues[i]
            for j in 0..<p {
                let lambda = lambdas.count == 1 ? lambdas[0] : lambdas[j]
                let f: Double
                if lambda > 0 { f = s / (s * s + lambda) } else { f = s > cutoff ? 1 / s : 0 }
                d[i, j] *= f
            }
        }
        var x = Matrix(rows: n, columns: p)
        if p == 0 || k == 0 { return x }
        svd.vt.storage.withUnsafeBufferPointer { vp in
            d.storage.withUnsafeBufferPointer { dp in
                x.storage.withUnsafeMutableBufferPointer { xp in
                    BLAS.gemm(transA: true, m: n, n: p, k: k, a: vp.baseAddress!, lda: n,
                              b: dp.baseAddress!, ldb: p, c: xp.baseAddress!, ldc: p)
                }
            }
        }
        return x
    }

    /// The ridge solution of min |A X - B|^2 + lambda |X|^2 through the SVD of A (one lambda).
    public static func ridge(a: Matrix, b: Matrix, lambda: Double) throws -> Matrix {
        let svd = try SingularValueDecomposition(a)
        return ridge(svd: svd, projectedTargets: projectedTargets(svd: svd, b: b), lambdas: [lambda])
    }

    /// The same solution from the normal equations (A^T A + lambda I) X = A^T B by Cholesky (LAPACK dposv).
    /// Throws when A^T A + lambda I is not numerically positive definite (e.g. lambda = 0 and A rank-deficient).
    public static func ridgeByNormalEquations(a: Matrix, b: Matrix, lambda: Double) throws -> Matrix {
        precondition(a.rows == b.rows, "LinearLeastSquares: A has \(a.rows) rows, B has \(b.rows)")
        let n = a.columns, p = b.columns
        var gram = Matrix(rows: n, columns: n)
        var rhs = Matrix(rows: n, columns: p)
        a.storage.withUnsafeBufferPointer { ap in
            gram.storage.withUnsafeMutableBufferPointer { gp in
                BLAS.gemm(transA: true, m: n, n: n, k: a.rows, a: ap.baseAddress!, lda: n,
                          b: ap.baseAddress!, ldb: n, c: gp.baseAddress!, ldc: n)
            }
            b.storage.withUnsafeBufferPointer { bp in
                rhs.storage.withUnsafeMutableBufferPointer { rp in
                    BLAS.gemm(transA: true, m: n, n: p, k: a.rows, a: ap.baseAddress!, lda: n,
                              b: bp.baseAddress!, ldb: p, c: rp.baseAddress!, ldc: p)
                }
            }
        }
        for i in 0..<n { gram[i, i] += lambda }
        let info = gram.storage.withUnsafeMutableBufferPointer { gp in
            rhs.storage.withUnsafeMutableBufferPointer { rp in
                LAPACKE_dposv(Int32(LAPACK_ROW_MAJOR), CChar(UInt8(ascii: "U")), LAPACKInt(n), LAPACKInt(p),
                              gp.baseAddress, LAPACKInt(n), rp.baseAddress, LAPACKInt(p))
            }
        }
        if info != 0 {
            throw LAPACKError(routine: "dposv", info: Int(info),
                              context: "ridge normal equations, \(n) unknowns, lambda \(lambda)")
        }
        return rhs
    }

    /// The triangular factor R of the Householder QR factorisation A = Q R (LAPACK dgeqrf; Golub and Van
    /// Loan, Matrix Computations, 4th ed., sec. 5.2): min(m, n) x n, upper trapezoidal (zeros below the
    /// diagonal), diagonal signs as LAPACK leaves them. R^T R = A^T A, and R of the rows of several blocks
    /// stacked equals (up to row signs) R of the blocks' own R factors stacked, which lets least-squares
    /// problems over unions of row blocks (cross-validation folds) reuse one pass over the data.
    /// - Complexity: about 2 m n^2 - 2 n^3 / 3 floating-point operations for m >= n.
    public static func triangularFactor(_ a: Matrix) throws -> Matrix {
        let m = a.rows, n = a.columns, k = min(m, n)
        guard m > 0 && n > 0 else { return Matrix(rows: k, columns: n) }
        var work = a.storage
        var tau = [Double](repeating: 0, count: k)
        let info = work.withUnsafeMutableBufferPointer { w in
            tau.withUnsafeMutableBufferPointer { t in
                LAPACKE_dgeqrf(Int32(LAPACK_ROW_MAJOR), LAPACKInt(m), LAPACKInt(n), w.baseAddress, LAPACKInt(n),
                               t.baseAddress)
            }
        }
        if info != 0 {
            throw LAPACKError(routine: "dgeqrf", info: Int(info), context: "QR factorisation of \(m) x \(n)")
        }
        var r = Matrix(rows: k, columns: n)
        for i in 0..<k { for j in i..<n { r[i, j] = work[i * n + j] } }
        return r
    }
}
