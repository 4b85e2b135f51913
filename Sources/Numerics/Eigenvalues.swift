import CLAPACKE

/// Eigenvalues of a general real square matrix (LAPACK dgeev: Hessenberg reduction and the shifted QR
/// algorithm; Golub and Van Loan, Matrix Computations, 4th ed., sec. 7.5).
public enum Eigenvalues {
    /// The n eigenvalues of the n x n matrix `a` as (real, imaginary) parts; complex ones come in
    /// conjugate pairs. Order as LAPACK returns them (unsorted).
    public static func of(_ a: Matrix) throws -> [(re: Double, im: Double)] {
        precondition(a.rows == a.columns, "Eigenvalues: matrix is \(a.rows) x \(a.columns), not square")
        let n = a.rows
        if n == 0 { return [] }
        var work = a.storage
        var wr = [Double](repeating: 0, count: n), wi = [Double](repeating: 0, count: n)
        var dummy = [Double](repeating: 0, count: 1)
        let jobN = CChar(UInt8(ascii: "N"))
        let info = work.withUnsafeMutableBufferPointer { w in
            wr.withUnsafeMutableBufferPointer { rp in
                wi.withUnsafeMutableBufferPointer { ip in
                    dummy.withUnsafeMutableBufferPointer { d in
                        LAPACKE_dgeev(Int32(LAPACK_ROW_MAJOR), jobN, jobN, LAPACKInt(n), w.baseAddress,
                                      LAPACKInt(n), rp.baseAddress, ip.baseAddress,
                                      d.baseAddress, 1, d.baseAddress, 1)
                    }
                }
            }
        }
        if info != 0 {
            throw LAPACKError(routine: "dgeev", info: Int(info), context: "eigenvalues of \(n) x \(n)")
        }
        return (0..<n).map { (wr[$0], wi[$0]) }
    }

    /// Spectral radius max |lambda_i| of the square matrix `a`.
    public static func spectralRadius(of a: Matrix) throws -> Double {
        try of(a).reduce(0) { max($0, ($1.re * $1.re + $1.im * $1.im).squareRoot()) }
    }
}
