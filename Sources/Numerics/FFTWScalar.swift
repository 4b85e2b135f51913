import CFFTW
import Foundation

/// The floating-point types FFTW3 plans transforms for: `Double` (libfftw3) and `Float` (libfftw3f, the
/// single-precision library of the same Debian package, libfftw3-dev). The guru planners and `execute`
/// of each precision, with complex arrays passed as interleaved (re, im) pairs of the scalar, so that
/// transform code can be written once for both (`ZeroPaddedFFT<Scalar>`).
///
/// Plans are FFTW's opaque pointers. Both precisions share one planner lock (`FFTWPlanner`): FFTW's
/// planners are not thread-safe; executing a plan is.
public protocol FFTWScalar: BinaryFloatingPoint, SIMDScalar, Sendable {
    /// Real-to-complex guru plan (`fftw_plan_guru_dft_r2c`); `output` holds interleaved complex values.
    static func planRealToComplex(_ dims: [fftw_iodim], _ howMany: [fftw_iodim], _ input: UnsafeMutablePointer<Self>,
                                  _ output: UnsafeMutablePointer<Self>, _ flags: UInt32) -> OpaquePointer?
    /// Complex-to-complex guru plan (`fftw_plan_guru_dft`), `sign` FFTW_FORWARD or FFTW_BACKWARD.
    static func planComplex(_ dims: [fftw_iodim], _ howMany: [fftw_iodim], _ input: UnsafeMutablePointer<Self>,
                            _ output: UnsafeMutablePointer<Self>, sign: Int32, _ flags: UInt32) -> OpaquePointer?
    /// Complex-to-real guru plan (`fftw_plan_guru_dft_c2r`); `input` holds interleaved complex values.
    static func planComplexToReal(_ dims: [fftw_iodim], _ howMany: [fftw_iodim], _ input: UnsafeMutablePointer<Self>,
                                  _ output: UnsafeMutablePointer<Self>, _ flags: UInt32) -> OpaquePointer?
    static func execute(_ plan: OpaquePointer)
    static func destroy(_ plan: OpaquePointer)
}

/// The lock that serialises FFTW planning in this process (both precisions).
public enum FFTWPlanner {
    /// Runs `plan` (FFTW plan creation or destruction) holding the planner lock.
    public static func withLock<T>(_ plan: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try plan()
    }
    private static let lock = NSLock()
}

extension Double: FFTWScalar {
    public static func planRealToComplex(_ dims: [fftw_iodim], _ howMany: [fftw_iodim], _ input: UnsafeMutablePointer<Double>,
                                         _ output: UnsafeMutablePointer<Double>, _ flags: UInt32) -> OpaquePointer? {
        var d = dims, h = howMany
        return fftw_plan_guru_dft_r2c(Int32(d.count), &d, Int32(h.count), &h, input, complex(output), flags)
    }
    public static func planComplex(_ dims: [fftw_iodim], _ howMany: [fftw_iodim], _ input: UnsafeMutablePointer<Double>,
                                   _ output: UnsafeMutablePointer<Double>, sign: Int32, _ flags: UInt32) -> OpaquePointer? {
        var d = dims, h = howMany
        return fftw_plan_guru_dft(Int32(d.count), &d, Int32(h.count), &h, complex(input), complex(output), sign, flags)
    }
    public static func planComplexToReal(_ dims: [fftw_iodim], _ howMany: [fftw_iodim], _ input: UnsafeMutablePointer<Double>,
                                         _ output: UnsafeMutablePointer<Double>, _ flags: UInt32) -> OpaquePointer? {
        var d = dims, h = howMany
        return fftw_plan_guru_dft_c2r(Int32(d.count), &d, Int32(h.count), &h, complex(input), output, flags)
    }
    public static func execute(_ plan: OpaquePointer) { fftw_execute(plan) }
    public static func destroy(_ plan: OpaquePointer) { fftw_destroy_plan(plan) }
    private static func complex(_ p: UnsafeMutablePointer<Double>) -> UnsafeMutablePointer<fftw_complex> {
        UnsafeMutableRawPointer(p).assumingMemoryBound(to: fftw_complex.self)
    }
}

extension Float: FFTWScalar {
    public static func planRealToComplex(_ dims: [fftw_iodim], _ howMany: [fftw_iodim], _ input: UnsafeMutablePointer<Float>,
                                         _ output: UnsafeMutablePointer<Float>, _ flags: UInt32) -> OpaquePointer? {
        var d = dims, h = howMany
        return fftwf_plan_guru_dft_r2c(Int32(d.count), &d, Int32(h.count), &h, input, complex(output), flags)
    }
    public static func planComplex(_ dims: [fftw_iodim], _ howMany: [fftw_iodim], _ input: UnsafeMutablePointer<Float>,
                                   _ output: UnsafeMutablePointer<Float>, sign: Int32, _ flags: UInt32) -> OpaquePointer? {
        var d = dims, h = howMany
        return fftwf_plan_guru_dft(Int32(d.count), &d, Int32(h.count), &h, complex(input), complex(output), sign, flags)
    }
    public static func planComplexToReal(_ dims: [fftw_iodim], _ howMany: [fftw_iodim], _ input: UnsafeMutablePointer<Float>,
                                         _ output: UnsafeMutablePointer<Float>, _ flags: UInt32) -> OpaquePointer? {
        var d = dims, h = howMany
        return fftwf_plan_guru_dft_c2r(Int32(d.count), &d, Int32(h.count), &h, complex(input), output, flags)
    }
    public static func execute(_ plan: OpaquePointer) { fftwf_execute(plan) }
    public static func destroy(_ plan: OpaquePointer) { fftwf_destroy_plan(plan) }
    private static func complex(_ p: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<fftwf_complex> {
        UnsafeMutableRawPointer(p).assumingMemoryBound(to: fftwf_complex.self)
    }
}
