import CLAPACKE

/// The thin singular value decomposition A = U diag(s) V^T of an m x n matrix, k = min(m, n):
/// U is m x k with orthonormal columns, s holds k singular values in non-increasing order, V^T is k x n.
///
/// Computed by LAPACK dgesdd (divide and conquer; Golub and Van Loan, Matrix Computations, 4th ed.,
/// sec. 8.6), falling back to dgesvd (QR iteration) in the rare case dgesdd does not converge. Both are
/// backward stable: the computed factors are exact for A + E with |E| ~ machine epsilon x |A|, so the
/// singular values carry absolute error ~ 1e-16 s_max whatever the conditioning of A.
///
/// Used for regularised least squares (`LinearLeastSquares.ridge`), where one factorisation serves a
/// whole grid of ridge parameters.
public struct SingularValueDecomposition: Sendable {
    /// Left singular vectors, m x k (row-major).
    public let u: Matrix
    /// Singular values s_1 >= s_2 >= ... >= s_k >= 0.
    public let singularValues: [Double]
    /// Right singular vectors transposed, k x n (row-major).
    public let vt: Matrix

    /// Factorises `a` (m x n, any shape with m, n >= 1).
    /// - Complexity: O(m n min(m, n)) floating-point operations.
    public init(_ a: Matrix) throws {
        let m = a.rows, n = a.columns, k = min(m, n)
        precondition(m > 0 && n > 0, "SingularValueDecomposition: empty matrix \(m) x \(n)")
        var work = a.storage
        var s = [Double](repeating: 0, count: k)
        var u = [Double](repeating: 0, count: m * k)
        var vt = [Double](repeating: 0, count: k * n)
        let jobS = CChar(UInt8(ascii: "S"))
        var info = work.withUnsafeMutableBufferPointer { w in
            s.withUnsafeMutableBufferPointer { sp in
                u.withUnsafeMutableBufferPointer { up in
                    vt.withUnsafeMutableBufferPointer { vp in
                        LAPACKE_dgesdd(Int32(LAPACK_ROW_MAJOR), jobS, LAPACKInt(m), LAPACKInt(n),
                                       w.baseAddress, LAPACKInt(n), sp.baseAddress,
                                       up.baseAddress, LAPACKInt(k), vp.baseAddress, LAPACKInt(n))
                    }
                }
            }
        }
        if info > 0 {
            // dgesdd did not converge: retry with the slower QR-iteration driver on the original matrix.
            work = a.storage
            var superb = [Double](repeating: 0, count: max(k - 1, 1))
            info = work.withUnsafeMutableBufferPointer { w in
                s.withUnsafeMutableBufferPointer { sp in
                    u.withUnsafeMutableBufferPointer { up in
                        vt.withUnsafeMutableBufferPointer { vp in
                            superb.withUnsafeMutableBufferPointer { sb in
                                LAPACKE_dgesvd(Int32(LAPACK_ROW_MAJOR), jobS, jobS, LAPACKInt(m), LAPACKInt(n),
                                               w.baseAddress, LAPACKInt(n), sp.baseAddress,
                                               up.baseAddress, LAPACKInt(k), vp.baseAddress, LAPACKInt(n),
                                               sb.baseAddress)
                            }
                        }
                    }
                }
            }
            if info != 0 {
                throw LAPACKError(routine: "dgesvd", info: Int(info), context: "thin SVD of \(m) x \(n)")
            }
        } else if info < 0 {
            throw LAPACKError(routine: "dgesdd", info: Int(info), context: "thin SVD of \(m) x \(n)")
        }
        self.u = Matrix(rows: m, columns: k, storage: u)
        self.singularValues = s
        self.vt = Matrix(rows: k, columns: n, storage: vt)
    }

    /// Number of singular values, min(m, n).
    public var rank: Int { singularValues.count }

    /// 2-norm condition number s_1 / s_k (infinity when s_k = 0).
    public var conditionNumber: Double {
        guard let first = singularValues.first, let last = singularValues.last else { return 0 }
        return last == 0 ? .infinity : first / last
    }
}
