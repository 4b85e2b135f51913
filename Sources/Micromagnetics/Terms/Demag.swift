import CFFTW
import Numerics

/// Demagnetising (magnetostatic) field B = -mu0 N * M (tesla), M = Ms m, with N the Newell-Williams-Dunlop
/// tensor (`DemagKernel`, J. Geophys. Res. 98, 9551 (1993)) computed once in Float64, as mumax3 and OOMMF.
///
/// The convolution runs by FFT on a grid zero-padded to 2n along every axis with n > 1 (no padding along an
/// axis of one cell), with FFTW plans made once (`ZeroPaddedFFT`: real-to-complex, pruned of the
/// zero rows on the way in and the unwanted rows on the way out). The tensor's parity (N_aa even,
/// N_ab odd in a and b) makes every kernel transform real, so the kernel is stored as six real arrays
/// and the Fourier-space product is real x complex; for a single layer (nz = 1) N_xz = N_yz = 0 and are
/// skipped. The factor -mu0 / (px py pz) of the unnormalised inverse transform is folded into the kernel.
/// Energy E = -1/2 sum Ms V B . m.
///
/// `kernel: .mumax3()` swaps Newell's exact tensor for mumax3's numerically integrated one
/// (`FaceChargeDemagKernel`), to reproduce mumax3 results to their last digits (see docs/micromagnetics.md).
///
/// Threads (`setPartition`, from `LLGSystem.threads`) and the transforms' precision live in
/// `DemagConvolution`: three parallel loops over the transform's shares, or for a single layer on two
/// threads the field components split between the threads (`ThreadSplit`); each value is computed by the
/// same arithmetic whatever the split, except inside FFTW, whose plans for another split may round
/// differently in the last bits.
///
/// Precision (`precision: .float32`, spec key `terms.demag_precision`): the tensor is always computed and
/// transformed in Float64; with `.float32` the convolution's transforms and Fourier-space product run in
/// single precision (libfftw3f), as mumax3 runs everything. The field then carries a relative error of
/// order 1e-7 of the largest demag field; everything else (the other terms, the integrator, m) stays
/// Float64. Default `.float64`.
public final class Demag: CellPassFieldTerm {
    public let name = "demag"
    public let energyFactor = 0.5
    /// mu0 in T m/A (CODATA 2018 value; mumax3 uses 4 pi 1e-7).
    public static let mu0 = 4e-7 * Double.pi
    /// The convolution B = K * (Ms m), in the chosen precision. An enum of the two concrete types (not an
    /// existential of the generic one), so that every call reaches code specialised for its scalar.
    private let convolution: Convolution
    private enum Convolution {
        case float64(DemagConvolution<Double>)
        case float32(DemagConvolution<Float>)
    }

    /// How the tensor is evaluated.
    public enum Kernel: Sendable, Equatable {
        /// Newell-Williams-Dunlop closed forms, dipole quadrature far away (`DemagKernel`): exact to ~1e-11.
        case newell
        /// mumax3's face-charge midpoint integration (`FaceChargeDemagKernel`) at the given accuracy
        /// (mumax3 `DemagAccuracy`, default 6).
        case mumax3(accuracy: Double = FaceChargeDemagKernel.mumax3Accuracy)
    }
    /// The tensor this term was built with.
    public let kernelMethod: Kernel

    /// The floating-point type of the convolution's transforms and product.
    public enum Precision: String, Sendable, CaseIterable {
        /// Double precision throughout (libfftw3). The default.
        case float64
        /// Single-precision transforms and product (libfftw3f); M is rounded to Float on the way in and
        /// the field added back in Double.
        case float32
    }
    /// The precision this term was built with.
    public let precision: Precision
    /// The smallest torque tolerance (T) a minimisation can be asked for with `.float32`: the field's
    /// round-off (about 1e-7 of the largest demag field, itself up to mu0 Ms ~ 1-2 T) puts a floor under
    /// max |m x B| a little below this (docs/micromagnetics.md).
    public static let float32TorqueFloor = 1e-6

    public init(mesh: Mesh, parameters p: CellParameters, kernel method: Kernel = .newell,
                precision: Precision = .float64) {
        kernelMethod = method
        self.precision = precision
        let nx = mesh.nx, ny = mesh.ny, nz = mesh.nz
        let padded = (nx > 1 ? 2 * nx : 1, ny > 1 ? 2 * ny : 1, nz > 1 ? 2 * nz : 1)
        let kernel = Demag.kernelTransforms(mesh: mesh, padded: padded, method: method)
        switch precision {
        case .float64:
            convolution = .float64(DemagConvolution<Double>(mesh: mesh, padded: padded, msat: p.Msat, kernel: kernel,
                                                            layout: .kxFastest))
        case .float32:
            convolution = .float32(DemagConvolution<Float>(mesh: mesh, padded: padded, msat: p.Msat, kernel: kernel,
                                                           layout: Demag.float32Layout(paddedY: padded.1)))
        }
    }

    /// The six real kernel spectra for the padded grid, in FFTW's r2c order ((kz py + ky) cx + kx,
    /// cx = px / 2 + 1).
    static func kernelTransforms(mesh: Mesh, padded: (Int, Int, Int), method: Kernel) -> [[Double]] {
        let (nx, ny, nz) = (mesh.nx, mesh.ny, mesh.nz)
        let (px, py, pz) = padded
        let spectrumCount = pz * py * (px / 2 + 1)
        // Octant values N(ox, oy, oz) for ox < nx, oy < ny, oz < nz.
        var octant = [[Double]](repeating: [], count: nx * ny * nz)
        for oz in 0..<nz { for oy in 0..<ny { for ox in 0..<nx {
            switch method {
            case .newell:
                octant[ox + nx * (oy + ny * oz)] = DemagKernel.tensor(Double(ox) * mesh.dx, Double(oy) * mesh.dy,
                                                                     Double(oz) * mesh.dz,
                                                                     dx: mesh.dx, dy: mesh.dy, dz: mesh.dz)
            case .mumax3(let accuracy):
                octant[ox + nx * (oy + ny * oz)] = FaceChargeDemagKernel.tensor(ox, oy, oz, dx: mesh.dx, dy: mesh.dy,
                                                                               dz: mesh.dz, accuracy: accuracy)
            }
        } } }
        let total = px * py * pz
        let input = fftw_malloc(total * 8)!.bindMemory(to: Double.self, capacity: total)
        let output = fftw_malloc(spectrumCount * 16)!.bindMemory(to: Double.self, capacity: 2 * spectrumCount)
        defer { fftw_free(input); fftw_free(output) }
        let plan = FFTWPlanner.withLock {
            fftw_plan_dft_r2c_3d(Int32(pz), Int32(py), Int32(px), input,
                                 UnsafeMutableRawPointer(output).assumingMemoryBound(to: fftw_complex.self),
                                 UInt32(FFTW_ESTIMATE))!
        }
        defer { FFTWPlanner.withLock { fftw_destroy_plan(plan) } }
        // Parity of each component in (x, y, z): true = odd.
        let odd: [(Bool, Bool, Bool)] = [(false, false, false), (false, false, false), (false, false, false),
                                         (true, true, false), (true, false, true), (false, true, true)]
        let scale = -Demag.mu0 / Double(total)
        func offset(_ i: Int, _ n: Int, _ p: Int) -> (Int, Double)? {
            if i < n { return (i, 1) }
            if i == n { return nil }
            return (p - i, -1)
        }
        var result: [[Double]] = []
        for c in 0..<6 {
            for kz in 0..<pz { for ky in 0..<py { for kx in 0..<px {
                var v = 0.0
                if let (ox, sx) = offset(kx, nx, px), let (oy, sy) = offset(ky, ny, py),
                   let (oz, sz) = offset(kz, nz, pz) {
                    var s = 1.0
                    if odd[c].0 { s *= sx }
                    if odd[c].1 { s *= sy }
                    if odd[c].2 { s *= sz }
                    v = s * octant[ox + nx * (oy + ny * oz)][c]
                }
                input[kx + px * (ky + py * kz)] = v
            } } }
            fftw_execute(plan)
            result.append((0..<spectrumCount).map { scale * output[2 * $0] })
        }
        return result
    }

    /// The spectrum layout of the single-precision transforms: columns contiguous (`.kyFastest`) unless the
    /// padded y size is a multiple of 64, where the transposed x stage's power-of-two strides make it
    /// slower than FFTW's own order. A speed choice only (both layouts are tested to give the same field);
    /// it depends on the size alone, so runs stay reproducible. The Float64 transforms keep FFTW's order,
    /// so their results are those of earlier versions bit for bit. Measured in docs/micromagnetics.md.
    static func float32Layout(paddedY: Int) -> SpectrumLayout {
        paddedY % 64 == 0 ? .kxFastest : .kyFastest
    }

    /// How the convolution shares its work among threads (`DemagConvolution` has the details).
    public enum ThreadSplit: String, Sendable, CaseIterable {
        /// The transform's rows, then its frequency columns, then its rows again, split among the threads
        /// (three parallel loops). Any mesh and thread count.
        case shares
        /// A single layer on two threads: (B_x, B_y) from (M_x, M_y) on one thread, B_z from M_z, M_y's
        /// x stage and the local terms before demag on the other, then one pass over the cell blocks.
        case components
    }

    /// The split to use where there is a choice (a single layer on two threads); nil (the default):
    /// `.components` there (the faster in both precisions, docs/micromagnetics.md). Other meshes and
    /// thread counts always use `.shares`. Results of the two splits agree to round-off; each is
    /// bit-reproducible.
    public var preferredSplit: ThreadSplit? {
        didSet {
            switch convolution {
            case .float64(let c): c.preferredSplit = preferredSplit
            case .float32(let c): c.preferredSplit = preferredSplit
            }
        }
    }

    /// The split the convolution uses now (`.shares` on one thread).
    public var threadSplit: ThreadSplit {
        switch convolution {
        case .float64(let c): return c.split
        case .float32(let c): return c.split
        }
    }

    /// Splits the convolution over `partition.threads` threads (see `DemagConvolution`).
    public func setPartition(_ partition: CellPartition) {
        switch convolution {
        case .float64(let c): c.setPartition(partition)
        case .float32(let c): c.setPartition(partition)
        }
    }

    public func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>) {
        switch convolution {
        case .float64(let c): c.addField(m: m, into: b)
        case .float32(let c): c.addField(m: m, into: b)
        }
    }

    /// The convolution with `before` run in its gather pass and `after` in its scatter pass, each on the
    /// cells of the rows a thread owns (`CellPassFieldTerm`).
    public func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>,
                         before: (Range<Int>) -> Void, after: (Range<Int>) -> Void) {
        switch convolution {
        case .float64(let c): c.addField(m: m, into: b, before: before, after: after)
        case .float32(let c): c.addField(m: m, into: b, before: before, after: after)
        }
    }
}
