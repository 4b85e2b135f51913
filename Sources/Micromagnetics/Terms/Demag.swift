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
/// Threads (`setPartition`, from `LLGSystem.threads`): the convolution runs as three parallel loops over
/// the transform's shares (`ZeroPaddedFFT+Shares`): gather of M and the x transforms by rows, the y (and
/// z) transforms with the Fourier-space product in between by kx columns, the inverse x transforms and
/// the scatter by rows. Each value is computed by the same arithmetic whatever the split, except inside
/// FFTW, whose plans for another split may round differently in the last bits.
public final class Demag: ThreadedFieldTerm {
    public let name = "demag"
    public let energyFactor = 0.5
    /// mu0 in T m/A (CODATA 2018 value; mumax3 uses 4 pi 1e-7).
    public static let mu0 = 4e-7 * Double.pi
    let mesh: Mesh
    let n: Int
    private(set) var fft: ZeroPaddedFFT
    /// The thread split of the loops around the transforms (one thread until `setPartition`).
    private var partition: CellPartition
    let msat: CellBuffer
    /// Real kernel transforms, -mu0 N^(k) / (px py pz): xx, yy, zz, xy, xz, yz.
    let kernel: [CellBuffer]
    let thinFilm: Bool

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

    public init(mesh: Mesh, parameters p: CellParameters, kernel method: Kernel = .newell) {
        kernelMethod = method
        self.mesh = mesh
        n = mesh.cellCount
        let nx = mesh.nx, ny = mesh.ny, nz = mesh.nz
        let px = nx > 1 ? 2 * nx : 1, py = ny > 1 ? 2 * ny : 1, pz = nz > 1 ? 2 * nz : 1
        fft = ZeroPaddedFFT(n: (nx, ny, nz), padded: (px, py, pz), components: 3)
        msat = CellBuffer(p.Msat)
        thinFilm = pz == 1
        partition = CellPartition(cellCount: n, threads: 1)
        kernel = Demag.kernelTransforms(mesh: mesh, padded: (px, py, pz), spectrumCount: fft.spectrumCount,
                                        cx: fft.cx, method: method)
    }

    /// The six real kernel spectra for the padded grid.
    static func kernelTransforms(mesh: Mesh, padded: (Int, Int, Int), spectrumCount: Int, cx: Int,
                                 method: Kernel) -> [CellBuffer] {
        let (nx, ny, nz) = (mesh.nx, mesh.ny, mesh.nz)
        let (px, py, pz) = padded
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
        let plan = ZeroPaddedFFT.withPlanner {
            fftw_plan_dft_r2c_3d(Int32(pz), Int32(py), Int32(px), input,
                                 UnsafeMutableRawPointer(output).assumingMemoryBound(to: fftw_complex.self),
                                 UInt32(FFTW_ESTIMATE))!
        }
        defer { fftw_destroy_plan(plan) }
        // Parity of each component in (x, y, z): true = odd.
        let odd: [(Bool, Bool, Bool)] = [(false, false, false), (false, false, false), (false, false, false),
                                         (true, true, false), (true, false, true), (false, true, true)]
        let scale = -Demag.mu0 / Double(total)
        func offset(_ i: Int, _ n: Int, _ p: Int) -> (Int, Double)? {
            if i < n { return (i, 1) }
            if i == n { return nil }
            return (p - i, -1)
        }
        var result: [CellBuffer] = []
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
            let k = CellBuffer(spectrumCount)
            for j in 0..<spectrumCount { k.p[j] = scale * output[2 * j] }
            result.append(k)
        }
        return result
    }

    /// Re-plans the transforms in `partition.threads` shares (FFTW_ESTIMATE, so the plans are the same
    /// in every process), one per thread.
    public func setPartition(_ partition: CellPartition) {
        self.partition = partition
        guard partition.threads != fft.shares else { return }
        fft = ZeroPaddedFFT(n: fft.n, padded: fft.padded, components: fft.components, shares: partition.threads)
    }

    public func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>) {
        if partition.threads > 1 { return addFieldByShares(m: m, into: b) }
        gather(m, rows: 0 ..< mesh.ny)
        fft.forward()
        multiply(0 ..< fft.cx)
        fft.inverse()
        scatter(into: b, rows: 0 ..< mesh.ny)
    }

    /// The threaded convolution: three parallel loops over the transform's shares (see the type's notes).
    private func addFieldByShares(m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>) {
        let fft = self.fft
        partition.forEachThread { k in
            gather(m, rows: fft.rowShare(k))
            fft.forwardRows(k)
        }
        partition.forEachThread { k in fft.transformColumns(k) { kxs in multiply(kxs) } }
        partition.forEachThread { k in
            fft.inverseRows(k)
            scatter(into: b, rows: fft.rowShare(k))
        }
    }

    /// M = Ms m into the padded real rows y in `ys` (every component and layer).
    private func gather(_ m: UnsafePointer<Double>, rows ys: Range<Int>) {
        let nx = mesh.nx, ny = mesh.ny, nz = mesh.nz, n = self.n, px = fft.padded.x
        let real = fft.real, ms = msat.p
        for c in 0..<3 {
            let src = m + c * n
            for z in 0..<nz {
                for y in ys {
                    let row = z * ny + y, i0 = row * nx, o0 = (c * nz * ny + row) * px
                    for x in 0..<nx { real[o0 + x] = ms[i0 + x] * src[i0 + x] }
                }
            }
        }
    }

    /// Adds the field of the padded real rows y in `ys` (after the inverse transform) into `b`.
    private func scatter(into b: UnsafeMutablePointer<Double>, rows ys: Range<Int>) {
        let nx = mesh.nx, ny = mesh.ny, nz = mesh.nz, n = self.n, px = fft.padded.x
        let real = fft.real
        for c in 0..<3 {
            let dst = b + c * n
            for z in 0..<nz {
                for y in ys {
                    let row = z * ny + y, i0 = row * nx, o0 = (c * nz * ny + row) * px
                    for x in 0..<nx { dst[i0 + x] += real[o0 + x] }
                }
            }
        }
    }

    /// The Fourier-space product H(k) = K(k) M(k) in place on the spectrum, for the frequencies with kx
    /// in `kxs` (every ky and kz).
    private func multiply(_ kxs: Range<Int>) {
        let s = fft.spectrum, count = fft.spectrumCount, cxCount = fft.cx
        let lines = fft.padded.y * fft.padded.z
        let sx = s, sy = s + 2 * count, sz = s + 4 * count
        let kxx = kernel[0].p, kyy = kernel[1].p, kzz = kernel[2].p, kxy = kernel[3].p
        // Complex values as SIMD2 (re, im) times real kernel entries.
        let cx = UnsafeMutableRawPointer(sx), cy = UnsafeMutableRawPointer(sy), cz = UnsafeMutableRawPointer(sz)
        typealias C = SIMD2<Double>
        if thinFilm {
            for line in 0..<lines {
                for k in (line * cxCount + kxs.lowerBound) ..< (line * cxCount + kxs.upperBound) {
                    let o = 16 * k
                    let x = cx.load(fromByteOffset: o, as: C.self), y = cy.load(fromByteOffset: o, as: C.self)
                    let z = cz.load(fromByteOffset: o, as: C.self)
                    let d = kxy[k]
                    cx.storeBytes(of: kxx[k] * x + d * y, toByteOffset: o, as: C.self)
                    cy.storeBytes(of: d * x + kyy[k] * y, toByteOffset: o, as: C.self)
                    cz.storeBytes(of: kzz[k] * z, toByteOffset: o, as: C.self)
                }
            }
        } else {
            let kxz = kernel[4].p, kyz = kernel[5].p
            for line in 0..<lines {
                for k in (line * cxCount + kxs.lowerBound) ..< (line * cxCount + kxs.upperBound) {
                    let o = 16 * k
                    let x = cx.load(fromByteOffset: o, as: C.self), y = cy.load(fromByteOffset: o, as: C.self)
                    let z = cz.load(fromByteOffset: o, as: C.self)
                    let d = kxy[k], g = kxz[k], h = kyz[k]
                    cx.storeBytes(of: kxx[k] * x + d * y + g * z, toByteOffset: o, as: C.self)
                    cy.storeBytes(of: d * x + kyy[k] * y + h * z, toByteOffset: o, as: C.self)
                    cz.storeBytes(of: g * x + h * y + kzz[k] * z, toByteOffset: o, as: C.self)
                }
            }
        }
    }
}
