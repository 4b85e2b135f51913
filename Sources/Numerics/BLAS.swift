import CBLAS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin, typed wrappers over OpenBLAS's CBLAS interface (row-major throughout).
///
/// The pointer forms are for hot loops over preallocated buffers and allocate nothing; the array
/// forms are for convenience outside hot loops.
public enum BLAS {
    /// Limits OpenBLAS to `n` threads. Small problems (the MLPs of a surrogate) run fastest on one.
    public static func setThreadCount(_ n: Int) { openblas_set_num_threads(Int32(n)) }

    /// Sets one OpenBLAS thread and waits `seconds` (default 0.2 s) for OpenBLAS's worker threads to stop
    /// spinning. Its workers, started when the library loads, busy-wait for 2^28 cycles (OpenBLAS's default
    /// thread timeout: about 0.07 s at 3.7 GHz, 0.13 s at 2 GHz) before they sleep; a benchmark timed in
    /// that window shares the machine with them (docs/performance.md, "Record hints from the adjoint, ...", item "OpenBLAS's workers at start-up").
    /// For benchmarks only: a long run loses at most that window once.
    public static func settleWorkerThreads(seconds: Double = 0.2) {
        setThreadCount(1)
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 { request = remaining }
    }

    /// C = alpha * op(A) * op(B) + beta * C, row-major. op(X) = X or X^T.
    ///
    /// A is m x k after op, B is k x n after op, C is m x n; `lda`, `ldb`, `ldc` are the row strides
    /// of the matrices as stored.
    /// - Complexity: 2 m n k floating-point operations.
    @inlinable
    public static func gemm(transA: Bool = false, transB: Bool = false,
                            m: Int, n: Int, k: Int,
                            alpha: Double = 1, a: UnsafePointer<Double>, lda: Int,
                            b: UnsafePointer<Double>, ldb: Int,
                            beta: Double = 0, c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb),
                    beta, c, blasint(ldc))
    }

    /// y = alpha * op(A) * x + beta * y, A stored row-major as rows x columns.
    @inlinable
    public static func gemv(trans: Bool = false, rows: Int, columns: Int,
                            alpha: Double = 1, a: UnsafePointer<Double>, lda: Int,
                            x: UnsafePointer<Double>, beta: Double = 0, y: UnsafeMutablePointer<Double>) {
        cblas_dgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, blasint(rows), blasint(columns),
                    alpha, a, blasint(lda), x, 1, beta, y, 1)
    }

    /// y += alpha * x over n elements.
    @inlinable
    public static func axpy(n: Int, alpha: Double, x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>) {
        cblas_daxpy(blasint(n), alpha, x, 1, y, 1)
    }

    /// x *= alpha over n elements.
    @inlinable
    public static func scal(n: Int, alpha: Double, x: UnsafeMutablePointer<Double>) {
        cblas_dscal(blasint(n), alpha, x, 1)
    }

    /// sum x_i y_i over n elements.
    @inlinable
    public static func dot(n: Int, x: UnsafePointer<Double>, y: UnsafePointer<Double>) -> Double {
        cblas_ddot(blasint(n), x, 1, y, 1)
    }

    /// Euclidean norm of n elements (overflow-safe, as BLAS dnrm2).
    @inlinable
    public static func norm2(n: Int, x: UnsafePointer<Double>) -> Double {
        cblas_dnrm2(blasint(n), x, 1)
    }

    /// Euclidean norm of an array.
    public static func norm2(_ x: [Double]) -> Double {
        x.withUnsafeBufferPointer { norm2(n: $0.count, x: $0.baseAddress!) }
    }

    /// sum x_i y_i of two arrays of equal length.
    public static func dot(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "BLAS.dot: lengths \(x.count) and \(y.count) differ")
        return x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in dot(n: x.count, x: xp.baseAddress!, y: yp.baseAddress!) }
        }
    }
}

extension Matrix {
    /// The matrix product self * other (BLAS dgemm).
    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.columns == rhs.rows, "Matrix *: \(lhs.rows)x\(lhs.columns) by \(rhs.rows)x\(rhs.columns)")
        var c = Matrix(rows: lhs.rows, columns: rhs.columns)
        if lhs.rows == 0 || rhs.columns == 0 { return c }
        if lhs.columns == 0 { return c }
        lhs.storage.withUnsafeBufferPointer { a in
            rhs.storage.withUnsafeBufferPointer { b in
                c.storage.withUnsafeMutableBufferPointer { cp in
                    BLAS.gemm(m: lhs.rows, n: rhs.columns, k: lhs.columns,
                              a: a.baseAddress!, lda: lhs.columns, b: b.baseAddress!, ldb: rhs.columns,
                              c: cp.baseAddress!, ldc: rhs.columns)
                }
            }
        }
        return c
    }

    /// The matrix-vector product self * x (BLAS dgemv).
    public static func * (lhs: Matrix, x: [Double]) -> [Double] {
        precondition(lhs.columns == x.count, "Matrix * vector: \(lhs.columns) columns, \(x.count) values")
        var y = [Double](repeating: 0, count: lhs.rows)
        if lhs.rows == 0 || lhs.columns == 0 { return y }
        lhs.storage.withUnsafeBufferPointer { a in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    BLAS.gemv(rows: lhs.rows, columns: lhs.columns, a: a.baseAddress!, lda: lhs.columns,
                              x: xp.baseAddress!, y: yp.baseAddress!)
                }
            }
        }
        return y
    }
}
