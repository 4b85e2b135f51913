import Numerics
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The transform's component groups when the convolution is split by components (indices into
/// `ZeroPaddedFFT.componentGroups`): (M_x, M_y) for their y stages, product and inverse, M_z, and M_x and
/// M_y alone for their x stages.
private enum ComponentGroup {
    static let inPlane = 0, z = 1, x = 2, y = 3
    static let ranges = [0 ..< 2, 2 ..< 3, 0 ..< 1, 1 ..< 2]
}

/// B = K * (Ms m) by zero-padded FFT (`ZeroPaddedFFT<Scalar>`), with the transforms and the Fourier-space
/// product in `Scalar` (Double or Float): gather M = Ms m (rounded to Scalar) into the padded rows,
/// forward transforms, H(k) = K(k) M(k) with the real kernel spectra (computed in Float64 by `Demag` and
/// rounded to Scalar once), inverse transforms, and the field added into the Double buffer `b`.
///
/// Threads (`setPartition`), two ways (`Demag.ThreadSplit`):
/// - `.shares`: three parallel loops over the transform's shares (`ZeroPaddedFFT+Shares`): gather of M and
///   the x transforms by rows, the y (and z) transforms with the Fourier-space product in between by kx
///   columns, the inverse x transforms and the scatter by rows. Any thread count and mesh.
/// - `.components` (a single layer on two threads; the default there): in a film N_xz = N_yz = 0, so
///   (B_x, B_y) depend on (M_x, M_y) only and B_z on M_z only. One thread gathers M_y and runs its x
///   stage, hands it over, runs the `before` terms on every cell, then transforms M_z, multiplies,
///   transforms back and adds B_z; the other gathers M_x, runs its x stage, waits for M_y's, then runs
///   the y stages of both, the product and the inverse. Then one pass over the cell blocks adds
///   (B_x, B_y) and runs `after`. Only M_y's x-stage output crosses between the cores (the shares' column
///   stage reads half of what the other thread's row stage wrote, which costs them); M_y's x stage is
///   on the first thread so that the two carry about the same work.
final class DemagConvolution<Scalar: FFTWScalar> {
    let mesh: Mesh
    private(set) var fft: ZeroPaddedFFT<Scalar>
    /// The thread split of the loops around the transforms (one thread until `setPartition`).
    private var partition: CellPartition
    let msat: CellBuffer
    /// Real kernel spectra in Scalar and in the transform's layout, -mu0 N^(k) / (px py pz): xx, yy, zz,
    /// xy (and xz, yz unless thin), each value stored twice (at 2i and 2i + 1, beside the real and
    /// imaginary parts of spectrum value i), so that the product runs on whole vectors of the
    /// interleaved spectrum.
    private let kernel: [UnsafeMutablePointer<Scalar>]
    let thinFilm: Bool
    /// The spectrum's contiguous index ranges of each share's kx columns (`ZeroPaddedFFT.segments`), made
    /// when the split changes, so that the product allocates nothing per evaluation.
    private var segments: [[Range<Int>]] = []
    typealias ThreadSplit = Demag.ThreadSplit
    /// The last evaluation whose M_y x stage is done (task 0 to task 1 of the component split).
    private let handoff = Atomic<Int>(0)
    /// Evaluations by the component split (the handoff's ticket).
    private var evaluation = 0
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
            let p = UnsafeMutablePointer<Scalar>.allocate(capacity: max(2 * values.count, 1))
            for kz in 0..<pz { for ky in 0..<py { for kx in 0..<cx {
                let i = fft.spectrumIndex(kx, ky, kz), v = Scalar(values[(kz * py + ky) * cx + kx])
                p[2 * i] = v
                p[2 * i + 1] = v
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
    /// the default there (the faster split in both precisions, docs/micromagnetics.md). A function of the
    /// mesh and count only, so runs stay reproducible.
    private func chooseSplit(threads: Int) -> ThreadSplit {
        guard threads == 2 && thinFilm else { return .shares }
        return preferredSplit ?? .components
    }

    func setPartition(_ partition: CellPartition) {
        self.partition = partition
        let split = chooseSplit(threads: partition.threads)
        let shares = split == .components ? 1 : partition.threads
        guard split != self.split || shares != fft.shares else { return }
        self.split = split
        fft = ZeroPaddedFFT<Scalar>(n: fft.n, padded: fft.padded, components: fft.components, shares: shares,
                                    layout: fft.layout, componentGroups: split == .components ? ComponentGroup.ranges : [])
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
        evaluation &+= 1
        let ticket = evaluation
        // Task 0 also takes M_y's gather and x stage (hands them over through `handoff`), so that the
        // two tasks carry about the same work. Task 1 waits for task 0's handoff, never the other way, so
        // a pool that runs both on one thread (index 0 first) cannot deadlock.
        partition.forEachThread { k in
            if k == 0 {
                gather(m, rows: rows, components: 1 ..< 2)
                fft.forwardX(group: ComponentGroup.y)
                handoff.store(ticket, ordering: .releasing)
                before(0 ..< mesh.cellCount)
                gather(m, rows: rows, components: 2 ..< 3)
                fft.forward(group: ComponentGroup.z)
                multiplyNormal(whole)
                fft.inverse(group: ComponentGroup.z)
                scatter(into: b, rows: rows, components: 2 ..< 3)
            } else {
                gather(m, rows: rows, components: 0 ..< 1)
                fft.forwardX(group: ComponentGroup.x)
                var spins = 0
                while handoff.load(ordering: .acquiring) != ticket {
                    // Short waits spin; a long one (the other thread descheduled on a busy machine) yields.
                    spins += 1
                    if spins > 1_000 { sched_yield() }
                }
                fft.forwardAfterX(group: ComponentGroup.inPlane)
                multiplyInPlane(whole)
                fft.inverse(group: ComponentGroup.inPlane)
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

    /// Eight scalars of the interleaved spectrum (four complex values in Float64, in Float32 one 256-bit
    /// register) and the kernel values beside them.
    private typealias Lanes = SIMD8<Scalar>

    /// Over the scalar indices f of `segments`' complex values (2 i and 2 i + 1 for complex index i):
    /// `vector(f)` on whole vectors of 8 scalars starting at f, then `scalar(f)` on the remainder.
    @inline(__always)
    private func forEachScalar(_ segments: [Range<Int>], _ vector: (Int) -> Void, _ scalar: (Int) -> Void) {
        for segment in segments {
            var f = 2 * segment.lowerBound
            let end = 2 * segment.upperBound
            while f + 8 <= end { vector(f); f += 8 }
            while f < end { scalar(f); f += 1 }
        }
    }

    @inline(__always) private static func load(_ p: UnsafeMutablePointer<Scalar>, _ f: Int) -> Lanes {
        UnsafeRawPointer(p + f).loadUnaligned(as: Lanes.self)
    }

    @inline(__always) private static func store(_ v: Lanes, _ p: UnsafeMutablePointer<Scalar>, _ f: Int) {
        UnsafeMutableRawPointer(p + f).storeBytes(of: v, as: Lanes.self)
    }

    /// The in-plane part of a single layer's product, (H_x, H_y) = [[K_xx, K_xy], [K_xy, K_yy]] (M_x, M_y),
    /// in place on the complex indices of `segments` (real and imaginary parts alike: the kernel is real).
    private func multiplyInPlane(_ segments: [Range<Int>]) {
        let sx = fft.spectrum, sy = fft.spectrum + 2 * fft.spectrumCount
        let kxx = kernel[0], kyy = kernel[1], kxy = kernel[3]
        forEachScalar(segments, { f in
            let x = Self.load(sx, f), y = Self.load(sy, f), d = Self.load(kxy, f)
            Self.store(Self.load(kxx, f) * x + d * y, sx, f)
            Self.store(d * x + Self.load(kyy, f) * y, sy, f)
        }, { f in
            let x = sx[f], y = sy[f], d = kxy[f]
            sx[f] = kxx[f] * x + d * y
            sy[f] = d * x + kyy[f] * y
        })
    }

    /// The normal part of a single layer's product, H_z = K_zz M_z, in place on `segments`.
    private func multiplyNormal(_ segments: [Range<Int>]) {
        let sz = fft.spectrum + 4 * fft.spectrumCount, kzz = kernel[2]
        forEachScalar(segments, { f in
            Self.store(Self.load(kzz, f) * Self.load(sz, f), sz, f)
        }, { f in
            sz[f] = kzz[f] * sz[f]
        })
    }

    /// The Fourier-space product H(k) = K(k) M(k) in place on the spectrum, on the complex indices of
    /// `segments` (one share's kx columns: every ky and kz).
    private func multiply(_ segments: [Range<Int>]) {
        if thinFilm {
            multiplyInPlane(segments)
            multiplyNormal(segments)
            return
        }
        let sx = fft.spectrum, sy = fft.spectrum + 2 * fft.spectrumCount, sz = fft.spectrum + 4 * fft.spectrumCount
        let kxx = kernel[0], kyy = kernel[1], kzz = kernel[2], kxy = kernel[3], kxz = kernel[4], kyz = kernel[5]
        forEachScalar(segments, { f in
            let x = Self.load(sx, f), y = Self.load(sy, f), z = Self.load(sz, f)
            let d = Self.load(kxy, f), g = Self.load(kxz, f), h = Self.load(kyz, f)
            Self.store(Self.load(kxx, f) * x + d * y + g * z, sx, f)
            Self.store(d * x + Self.load(kyy, f) * y + h * z, sy, f)
            Self.store(g * x + h * y + Self.load(kzz, f) * z, sz, f)
        }, { f in
            let x = sx[f], y = sy[f], z = sz[f], d = kxy[f], g = kxz[f], h = kyz[f]
            sx[f] = kxx[f] * x + d * y + g * z
            sy[f] = d * x + kyy[f] * y + h * z
            sz[f] = g * x + h * y + kzz[f] * z
        })
    }
}
