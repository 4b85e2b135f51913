import Numerics

/// B = K * (Ms m) by zero-padded FFT (`ZeroPaddedFFT<Scalar>`), with the transforms and the Fourier-space
/// product in `Scalar` (Double or Float): gather M = Ms m (rounded to Scalar) into the padded rows,
/// forward transforms, H(k) = K(k) M(k) with the real kernel spectra (computed in Float64 by `Demag` and
/// rounded to Scalar once), inverse transforms, and the field added into the Double buffer `b`.
///
/// Threads (`setPartition`), two ways (`Demag.ThreadSplit`):
/// - `.shares`: three parallel loops over the transform's shares (`ZeroPaddedFFT+Shares`): gather of M and
///   the x transforms by rows, the y (and z) transforms with the Fourier-space product in between by kx
///   columns, the inverse x transforms and the scatter by rows. Any thread count and mesh.
/// - `.components` (a single layer on two threads; the default there for Float64): in a film N_xz = N_yz = 0, so (B_x, B_y) depend on
///   (M_x, M_y) only and B_z on M_z only. One thread transforms M_x and M_y, multiplies and transforms
///   back; the other runs the `before` terms on every cell, then the same for M_z, and adds B_z. Then one
///   pass over the cell blocks adds (B_x, B_y) and runs `after`. Each thread's transforms touch only its
///   own components' buffers, so nothing moves between the cores' caches inside the transforms (the
///   shares' column stage reads what the other thread's row stage wrote, which costs them).
final class DemagConvolution<Scalar: FFTWScalar> {
    let mesh: Mesh
    private(set) var fft: ZeroPaddedFFT<Scalar>
    /// The thread split of the loops around the transforms (one thread until `setPartition`).
    private var partition: CellPartition
    let msat: CellBuffer
    /// Real kernel spectra in Scalar and in the transform's layout, -mu0 N^(k) / (px py pz): xx, yy, zz,
    /// xy (and xz, yz unless thin).
    private let kernel: [UnsafeMutablePointer<Scalar>]
    let thinFilm: Bool
    /// The spectrum's contiguous index ranges of each share's kx columns (`ZeroPaddedFFT.segments`), made
    /// when the split changes, so that the product allocates nothing per evaluation.
    private var segments: [[Range<Int>]] = []
    typealias ThreadSplit = Demag.ThreadSplit
    /// The split in use (`.shares` on one thread: no split).
    private(set) var split: ThreadSplit = .shares
    /// The split to use when the thread count allows a choice (`Demag.preferredSplit`).
    var preferredSplit: ThreadSplit? { didSet { setPartition(partition) } }

    /// `kernel`: the six real spectra (xx, yy, zz, xy, xz, yz) in FFTW's r2c order ((kz py + ky) cx + kx),
    /// `spectrumCount` values each. `layout`: the transform's spectrum order (`SpectrumLayout`).
    init(mesh: Mesh, padded: (Int, Int, Int), msat: [Double], kernel spectra: [[Double]], layout: SpectrumLayout) {
        self.mesh = mesh
        let fft = ZeroPaddedFFT<Scalar>(n: (mesh.nx, mesh.ny, mesh.nz), padded: padded, components: 3, layout: layout)
        self.fft = fft
        self.msat = CellBuffer(msat)
        thinFilm = padded.2 == 1
        partition = CellPartition(cellCount: mesh.cellCount, threads: 1)
        let (py, pz, cx) = (padded.1, padded.2, fft.cx)
        kernel = spectra.prefix(thinFilm ? 4 : 6).map { values in
            let p = UnsafeMutablePointer<Scalar>.allocate(capacity: max(values.count, 1))
            for kz in 0..<pz { for ky in 0..<py { for kx in 0..<cx {
                p[fft.spectrumIndex(kx, ky, kz)] = Scalar(values[(kz * py + ky) * cx + kx])
            } } }
            return p
        }
        segments = DemagConvolution.shareSegments(fft)
    }

    /// Each share's segments (one share, the whole spectrum, when the transform is not split).
    private static func shareSegments(_ fft: ZeroPaddedFFT<Scalar>) -> [[Range<Int>]] {
        (0..<fft.shares).map { fft.segments(fft.columnShare($0)) }
    }

    deinit { for p in kernel { p.deallocate() } }

    /// Re-plans the transforms in `partition.threads` shares (FFTW_ESTIMATE, so the plans are the same
    /// in every process), one per thread.
    /// The split for `threads` threads: `.components` needs a single layer and exactly two threads, and is
    /// the default there for Float64 transforms; Float32 transforms keep `.shares` unless asked (their
    /// transpose moves half the bytes, and on the skyrmion disk the shares were the faster split;
    /// measured in docs/micromagnetics.md). A function of the mesh, precision and count only, so runs
    /// stay reproducible.
    private func chooseSplit(threads: Int) -> ThreadSplit {
        guard threads == 2 && thinFilm else { return .shares }
        return preferredSplit ?? (Scalar.self == Double.self ? .components : .shares)
    }

    func setPartition(_ partition: CellPartition) {
        self.partition = partition
        let split = chooseSplit(threads: partition.threads)
        let shares = split == .components ? 1 : partition.threads
        guard split != self.split || shares != fft.shares else { return }
        self.split = split
        fft = ZeroPaddedFFT<Scalar>(n: fft.n, padded: fft.padded, components: fft.components, shares: shares,
                                    layout: fft.layout, componentGroups: split == .components ? [0 ..< 2, 2 ..< 3] : [])
        segments = DemagConvolution.shareSegments(fft)
    }

    /// Adds B = K * (Ms m) (tesla) into `b`.
    func addField(m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>) {
        addField(m: m, into: b, before: { _ in }, after: { _ in })
    }

    /// Adds B = K * (Ms m) (tesla) into `b`, calling `before(cells)` ahead of the gather and `after(cells)`
    /// after the scatter, on the cells of each thread's rows (all cells at once on one thread).
    func addField(m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>,
                  before: (Range<Int>) -> Void, after: (Range<Int>) -> Void) {
        if partition.threads > 1 {
            if split == .components { return addFieldByComponents(m: m, into: b, before: before, after: after) }
            return addFieldByShares(m: m, into: b, before: before, after: after)
        }
        before(0 ..< mesh.cellCount)
        gather(m, rows: 0 ..< mesh.ny)
        fft.forward()
        multiply(segments[0])
        fft.inverse()
        scatter(into: b, rows: 0 ..< mesh.ny)
        after(0 ..< mesh.cellCount)
    }

    /// The two-thread convolution of a single layer by field components (see the type's notes): one
    /// parallel loop of two tasks, then one over the cell blocks.
    private func addFieldByComponents(m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>,
                                      before: (Range<Int>) -> Void, after: (Range<Int>) -> Void) {
        let fft = self.fft, rows = 0 ..< mesh.ny, whole = segments[0]
        partition.forEachThread { k in
            if k == 0 {
                gather(m, rows: rows, components: 0 ..< 2)
                fft.forward(group: 0)
                multiplyInPlane(whole)
                fft.inverse(group: 0)
            } else {
                before(0 ..< mesh.cellCount)
                gather(m, rows: rows, components: 2 ..< 3)
                fft.forward(group: 1)
                multiplyNormal(whole)
                fft.inverse(group: 1)
                scatter(into: b, rows: rows, components: 2 ..< 3)
            }
        }
        partition.forEachBlock { cells in
            scatter(into: b, cells: cells, components: 0 ..< 2)
            after(cells)
        }
    }

    /// The threaded convolution: three parallel loops over the transform's shares (see the type's notes),
    /// `before` and `after` in the first and the last on the cells of the share's rows.
    private func addFieldByShares(m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>,
                                  before: (Range<Int>) -> Void, after: (Range<Int>) -> Void) {
        let fft = self.fft
        partition.forEachThread { k in
            let rows = fft.rowShare(k)
            forEachLayer(rows, before)
            gather(m, rows: rows)
            fft.forwardRows(k)
        }
        partition.forEachThread { k in fft.transformColumns(k) { _ in multiply(segments[k]) } }
        partition.forEachThread { k in
            let rows = fft.rowShare(k)
            fft.inverseRows(k)
            scatter(into: b, rows: rows)
            forEachLayer(rows, after)
        }
    }

    /// `body(cells)` for the cells of rows y in `ys` of each layer (one contiguous range per layer).
    private func forEachLayer(_ ys: Range<Int>, _ body: (Range<Int>) -> Void) {
        guard !ys.isEmpty else { return }
        let nx = mesh.nx, ny = mesh.ny
        for z in 0..<mesh.nz { body((z * ny + ys.lowerBound) * nx ..< (z * ny + ys.upperBound) * nx) }
    }

    /// M = Ms m into the padded real rows y in `ys` (the given components, every layer).
    private func gather(_ m: UnsafePointer<Double>, rows ys: Range<Int>, components: Range<Int> = 0 ..< 3) {
        let nx = mesh.nx, ny = mesh.ny, nz = mesh.nz, n = mesh.cellCount, px = fft.padded.x
        let real = fft.real, ms = msat.p
        for c in components {
            let src = m + c * n
            for z in 0..<nz {
                for y in ys {
                    let row = z * ny + y, i0 = row * nx, o0 = (c * nz * ny + row) * px
                    for x in 0..<nx { real[o0 + x] = Scalar(ms[i0 + x] * src[i0 + x]) }
                }
            }
        }
    }

    /// Adds the field of the padded real rows y in `ys` (after the inverse transform) into `b` (the given
    /// components, every layer).
    private func scatter(into b: UnsafeMutablePointer<Double>, rows ys: Range<Int>, components: Range<Int> = 0 ..< 3) {
        let nx = mesh.nx, ny = mesh.ny, nz = mesh.nz, n = mesh.cellCount, px = fft.padded.x
        let real = fft.real
        for c in components {
            let dst = b + c * n
            for z in 0..<nz {
                for y in ys {
                    let row = z * ny + y, i0 = row * nx, o0 = (c * nz * ny + row) * px
                    for x in 0..<nx { dst[i0 + x] += Double(real[o0 + x]) }
                }
            }
        }
    }

    /// Adds the field of the padded real rows into `b` at `cells` (the given components): the scatter of
    /// one cell block, row piece by row piece.
    private func scatter(into b: UnsafeMutablePointer<Double>, cells: Range<Int>, components: Range<Int>) {
        let nx = mesh.nx, ny = mesh.ny, nz = mesh.nz, n = mesh.cellCount, px = fft.padded.x
        let real = fft.real
        for c in components {
            let dst = b + c * n
            var i = cells.lowerBound
            while i < cells.upperBound {
                let row = i / nx, x0 = i - row * nx, x1 = min(nx, x0 + cells.upperBound - i)
                let o0 = (c * nz * ny + row) * px
                for x in x0..<x1 { dst[row * nx + x] += Double(real[o0 + x]) }
                i += x1 - x0
            }
        }
    }

    /// Complex spectrum values as SIMD2 (re, im), multiplied by real kernel entries.
    private typealias Complex = SIMD2<Scalar>

    /// The in-plane part of a single layer's product, (H_x, H_y) = [[K_xx, K_xy], [K_xy, K_yy]] (M_x, M_y),
    /// in place on the complex indices of `segments`.
    private func multiplyInPlane(_ segments: [Range<Int>]) {
        let s = fft.spectrum, count = fft.spectrumCount
        let kxx = kernel[0], kyy = kernel[1], kxy = kernel[3]
        let stride = MemoryLayout<Complex>.stride
        let cx = UnsafeMutableRawPointer(s), cy = UnsafeMutableRawPointer(s + 2 * count)
        for segment in segments {
            for k in segment {
                let o = stride * k
                let x = cx.load(fromByteOffset: o, as: Complex.self), y = cy.load(fromByteOffset: o, as: Complex.self)
                let d = kxy[k]
                cx.storeBytes(of: kxx[k] * x + d * y, toByteOffset: o, as: Complex.self)
                cy.storeBytes(of: d * x + kyy[k] * y, toByteOffset: o, as: Complex.self)
            }
        }
    }

    /// The normal part of a single layer's product, H_z = K_zz M_z, in place on `segments`.
    private func multiplyNormal(_ segments: [Range<Int>]) {
        let s = fft.spectrum, count = fft.spectrumCount, kzz = kernel[2]
        let stride = MemoryLayout<Complex>.stride
        let cz = UnsafeMutableRawPointer(s + 4 * count)
        for segment in segments {
            for k in segment {
                let o = stride * k
                cz.storeBytes(of: kzz[k] * cz.load(fromByteOffset: o, as: Complex.self), toByteOffset: o, as: Complex.self)
            }
        }
    }

    /// The Fourier-space product H(k) = K(k) M(k) in place on the spectrum, on the complex indices of
    /// `segments` (one share's kx columns: every ky and kz).
    private func multiply(_ segments: [Range<Int>]) {
        if thinFilm {
            multiplyInPlane(segments)
            multiplyNormal(segments)
        } else {
            let s = fft.spectrum, count = fft.spectrumCount
            let kxx = kernel[0], kyy = kernel[1], kzz = kernel[2], kxy = kernel[3]
            typealias C = Complex
            let stride = MemoryLayout<C>.stride
            let cx = UnsafeMutableRawPointer(s), cy = UnsafeMutableRawPointer(s + 2 * count)
            let cz = UnsafeMutableRawPointer(s + 4 * count)
            let kxz = kernel[4], kyz = kernel[5]
            for segment in segments {
                for k in segment {
                    let o = stride * k
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
