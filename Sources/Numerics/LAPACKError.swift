/// A LAPACK routine reported failure through its `info` value.
///
/// `info < 0`: argument `-info` was illegal (a bug on our side, reported rather than trapped).
/// `info > 0`: the routine's own numerical failure (see each routine's documentation), e.g. dposv: the
/// leading minor of order `info` is not positive definite; dgesdd/dgeev: the iteration did not converge.
public struct LAPACKError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The LAPACK routine, e.g. "dgesdd".
    public let routine: String
    /// LAPACK's `info` return value.
    public let info: Int
    /// What was being computed and on what shape, e.g. "thin SVD of 4700 x 50".
    public let context: String

    public init(routine: String, info: Int, context: String) {
        self.routine = routine
        self.info = info
        self.context = context
    }

    public var description: String {
        let meaning = info < 0 ? "illegal argument \(-info)" : "numerical failure (info \(info))"
        return "LAPACK \(routine) failed: \(meaning) during \(context)"
    }
}

/// LAPACKE's `lapack_int` (a C macro Swift does not import): 32-bit in Debian's LP64 liblapacke.
typealias LAPACKInt = Int32
