import CFFTW
import Foundation

/// The order of the frequencies in `ZeroPaddedFFT.spectrum` (see there).
public enum SpectrumLayout: Sendable {
    /// kx fastest: FFTW's r2c convention.
    case kxFastest
    /// ky fastest: every column (fixed kx, kz) contiguous.
    case kyFastest
}

/// Real-to-complex FFTs of zero-padded 3-D arrays, pruned for convolution (FFTW3 plans made once), in
/// double (`ZeroPaddedFFT<Double>`, libfftw3) or single precision (`ZeroPaddedFFT<Float>`, libfftw3f).
///
/// The real input has `n = (nx, ny, nz)` values per component; it is embedded in a grid padded to
/// `padded = (px, py, pz)` (px >= nx, ...) whose extra entries are zero, and only the first
/// (nx, ny, nz) values of the inverse transform are wanted: exactly the situation of a linear convolution
/// by FFT (e.g. the demagnetising field, padded to 2n per dimension). Instead of one full 3-D transform the
/// work is done axis by axis and skips what is known to be zero or unwanted:
///
/// - forward: r2c along x on the ny nz non-zero rows only, c2c along y on the nz non-zero planes only
///   (out of place, so the padding rows stay zero without re-clearing), c2c along z on everything;
/// - inverse: c2c along z on everything, c2c along y on the nz wanted planes only, c2r along x on the
///   ny nz wanted rows only.
/// Axes of padded size 1 are skipped. All `components` (e.g. m_x, m_y, m_z) go through one plan per stage.
///
/// Layouts: `real` holds component c, row (y, z) at `real[c * nz * ny * px + (z * ny + y) * px ..]` (px
/// values per row; only the first nx are input and only the first nx are meaningful after `inverse`).
/// `spectrum` holds interleaved complex values, component c, frequency (kx, ky, kz) at complex index
/// `c * spectrumCount + spectrumIndex(kx, ky, kz)`, cx = px / 2 + 1, in one of two `SpectrumLayout`s:
/// `.kxFastest` (FFTW's r2c convention, `(kz * py + ky) * cx + kx`) or `.kyFastest` (`(kz * cx + kx) * py
/// + ky`: the x stage writes its output transposed, so that the y transforms run on contiguous columns
/// instead of FFTW copying strided columns into buffers; faster in single precision). Transforms are
/// unnormalised: inverse(forward(x)) = px py pz x.
///
/// Threads: with `shares` > 1 the transform can also run as `shares` independent pieces, one per thread
/// (`forwardRows`, `transformColumns`, `inverseRows`; `ZeroPaddedFFT+Shares.swift`): the x stages split
/// by rows y, the y and z stages by frequency columns kx, each piece with its own single-threaded FFTW
/// plan. A convolution then costs three parallel loops (gather and x, the columns with the
/// Fourier-space product in between, x and scatter) instead of one per stage. FFTW_ESTIMATE plans
/// for a given split are the same in every process, so results are bit-reproducible for a given share
/// count; the whole-array `forward`/`inverse` keep their own plans. With `componentGroups` the transform
/// can also run one group of components at a time (`forward(group:)`, `inverse(group:)`), each group with
/// its own plans over its own components' memory: the other way to use two cores, one group per thread,
/// with no data passed between them inside the transform.
public final class ZeroPaddedFFT<Scalar: FFTWScalar> {
    public let n: (x: Int, y: Int, z: Int)
    public let padded: (x: Int, y: Int, z: Int)
    public let components: Int
    /// Pieces the transform is also planned in (`forwardRows`, `transformColumns`, `inverseRows`), >= 1.
    public let shares: Int
    /// px / 2 + 1, the number of kx frequencies kept by the real transform.
    public let cx: Int
    /// The order of the frequencies in `spectrum`.
    public let layout: SpectrumLayout
    /// Complex-index strides of kx and ky in `spectrum` (kz: py cx).
    public let kxStride: Int, kyStride: Int
    /// Complex values per component in `spectrum`: pz py cx.
    public let spectrumCount: Int
    /// Real rows: components x nz x ny x px values.
    public let real: UnsafeMutablePointer<Scalar>
    /// Interleaved complex spectrum: components x spectrumCount complex values.
    public let spectrum: UnsafeMutablePointer<Scalar>
    /// Output of the x stage (rows y >= ny stay zero).
    let stageX: UnsafeMutablePointer<Scalar>
    /// Output of the y stage when a z stage follows (planes z >= nz stay zero).
    let stageY: UnsafeMutablePointer<Scalar>?
    /// The pieces' plans when `shares` > 1.
    var pieces: [SharePlans] = []
    /// The whole-array plans (`forward`, `inverse`).
    private var whole = StagePlans()
    /// The plans of each group of `componentGroups` (`forward(group:)`, `inverse(group:)`).
    var groupPlans: [StagePlans] = []
    /// Ranges of components that can also be transformed on their own (`forward(group:)`).
    public let componentGroups: [Range<Int>]

    /// How FFTW chooses its algorithms.
    public enum Planning: Sendable {
        /// FFTW_ESTIMATE: algorithms chosen by FFTW's heuristics from the sizes alone, the same in every
        /// process, so a transform (and every run built on it) is bit-reproducible on one machine.
        case estimate
        /// FFTW_MEASURE: FFTW times candidate algorithms and keeps the fastest. The choice depends on the
        /// timings (machine load), and different algorithms round differently, so two processes can
        /// differ in the last bits. Faster on some sizes; not reproducible.
        case measure
    }

    /// Plans the transforms (once). Throws nothing; sizes must be positive with padded >= n. `planning`
    /// defaults to `.estimate` for bit-reproducible results (docs/reliability.md).
    public init(n: (Int, Int, Int), padded: (Int, Int, Int), components: Int, planning: Planning = .estimate,
                shares: Int = 1, layout: SpectrumLayout = .kxFastest, componentGroups: [Range<Int>] = []) {
        precondition(n.0 > 0 && n.1 > 0 && n.2 > 0 && padded.0 >= n.0 && padded.1 >= n.1 && padded.2 >= n.2,
                     "ZeroPaddedFFT: padded \(padded) must cover \(n)")
        self.n = (n.0, n.1, n.2)
        self.padded = (padded.0, padded.1, padded.2)
        self.components = components
        self.shares = max(1, shares)
        precondition(componentGroups.allSatisfy { !$0.isEmpty && $0.lowerBound >= 0 && $0.upperBound <= components },
                     "ZeroPaddedFFT: component groups \(componentGroups) must lie in 0..<\(components)")
        self.componentGroups = componentGroups
        let (_, ny, nz) = n, (px, py, pz) = padded
        cx = px / 2 + 1
        spectrumCount = pz * py * cx
        self.layout = layout
        (kxStride, kyStride) = layout == .kxFastest ? (1, cx) : (py, 1)
        let realCount = components * nz * ny * px
        let complexCount = components * spectrumCount
        real = ZeroPaddedFFT.allocate(realCount)
        spectrum = ZeroPaddedFFT.allocate(2 * complexCount)
        stageX = ZeroPaddedFFT.allocate(2 * complexCount)
        stageY = pz > 1 ? ZeroPaddedFFT.allocate(2 * complexCount) : nil
        let flags = UInt32(planning == .measure ? FFTW_MEASURE : FFTW_ESTIMATE)
        whole = planStages(0 ..< components, flags: flags)
        groupPlans = componentGroups.map { planStages($0, flags: UInt32(FFTW_ESTIMATE)) }
        // FFTW_MEASURE scribbles on the arrays: clear them now that planning is done.
        ZeroPaddedFFT.clear(real, count: realCount)
        ZeroPaddedFFT.clear(spectrum, count: 2 * complexCount)
        ZeroPaddedFFT.clear(stageX, count: 2 * complexCount)
        if let y = stageY { ZeroPaddedFFT.clear(y, count: 2 * complexCount) }
        if self.shares > 1 { pieces = (0..<self.shares).map { planShare($0, flags: UInt32(FFTW_ESTIMATE)) } }
    }

    deinit {
        FFTWPlanner.withLock {
            for stages in [whole] + groupPlans { for p in stages.all { Scalar.destroy(p) } }
            for piece in pieces { for p in piece.all { Scalar.destroy(p) } }
        }
        fftw_free(real); fftw_free(spectrum); fftw_free(stageX)
        if let s = stageY { fftw_free(s) }
    }

    static var copyMarker: OpaquePointer { OpaquePointer(bitPattern: 1)! }

    /// The complex index of frequency (kx, ky, kz) within one component of `spectrum`.
    @inlinable public func spectrumIndex(_ kx: Int, _ ky: Int, _ kz: Int) -> Int {
        kz * padded.y * cx + kx * kxStride + ky * kyStride
    }

    /// The contiguous complex-index ranges (within one component of `spectrum`) that hold exactly the
    /// frequencies with kx in `kxs` (every ky and kz), in increasing order.
    public func segments(_ kxs: Range<Int>) -> [Range<Int>] {
        let (py, pz) = (padded.y, padded.z)
        guard !kxs.isEmpty else { return [] }
        switch layout {
        case .kxFastest:
            return (0..<(py * pz)).map { line in line * cx + kxs.lowerBound ..< line * cx + kxs.upperBound }
        case .kyFastest:
            return (0..<pz).map { z in z * py * cx + kxs.lowerBound * py ..< z * py * cx + kxs.upperBound * py }
        }
    }

    /// Sets `count` values to zero with memset (byte-wise: +0.0 in either precision). The loops of this
    /// type run in its unspecialised generic code when called from another module, so element-wise
    /// generic stores would cost a call per value; raw memory operations do not.
    static func clear(_ p: UnsafeMutablePointer<Scalar>, count: Int) {
        UnsafeMutableRawPointer(p).initializeMemory(as: UInt8.self, repeating: 0, count: count * MemoryLayout<Scalar>.stride)
    }

    /// Copies `count` values with memcpy (see `clear`).
    static func copy(_ source: UnsafeMutablePointer<Scalar>, to target: UnsafeMutablePointer<Scalar>, count: Int) {
        UnsafeMutableRawPointer(target).copyMemory(from: source, byteCount: count * MemoryLayout<Scalar>.stride)
    }

    /// `count` zeroed values, aligned for FFTW's SIMD code (fftw_malloc; freed with fftw_free).
    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Scalar> {
        let raw = fftw_malloc(max(count, 1) * MemoryLayout<Scalar>.stride)!
        let p = raw.bindMemory(to: Scalar.self, capacity: max(count, 1))
        p.initialize(repeating: 0, count: max(count, 1))
        return p
    }

    /// `real` (first nx of each row; the rest must be zero) -> `spectrum`. Allocates nothing.
    public func forward() { run(forward: whole) }

    /// `spectrum` -> `real` (first nx of the first ny nz rows are valid; unnormalised). Destroys `spectrum`.
    ///
    /// The c2r stage writes whole rows of px values; the entries nx..<px of every row are cleared again
    /// afterwards, so `real` is ready for the next `forward` (whose input padding must be zero) and a
    /// non-finite value can never linger in the padding and poison later transforms.
    public func inverse() { run(inverse: whole) }

    /// `forward` of the components in `componentGroups[g]` only (their real rows -> their spectra), with
    /// plans of their own: groups can run side by side on different threads, each touching only its
    /// components' memory.
    public func forward(group g: Int) { run(forward: groupPlans[g]) }

    /// The forward x stage only of the components in `componentGroups[g]` (their real rows -> the x stage's
    /// buffer): with `forward(group:afterX:)` of a group holding them, the x stage can run on another
    /// thread than the rest.
    public func forwardX(group g: Int) { run(forward: groupPlans[g], stages: 0 ..< 1) }

    /// The forward stages after x (y, then z) of the components in `componentGroups[g]`, whose x stages
    /// must have run (`forwardX(group:)` of groups covering them).
    public func forwardAfterX(group g: Int) { run(forward: groupPlans[g], stages: 1 ..< 3) }

    /// `inverse` of the components in `componentGroups[g]` only (see `forward(group:)`).
    public func inverse(group g: Int) { run(inverse: groupPlans[g]) }

    /// The FFTW plans of the whole transform of a range of components, stage by stage.
    struct StagePlans {
        var components: Range<Int> = 0 ..< 0
        /// x, then y (or `copyMarker` when py == 1), then z if pz > 1.
        var forward: [OpaquePointer] = []
        /// z if pz > 1, y if py > 1, then x.
        var inverse: [OpaquePointer] = []
        var all: [OpaquePointer] { forward.filter { $0 != ZeroPaddedFFT.copyMarker } + inverse }
    }

    /// Plans the stages of the components `cs` (the whole array when cs is every component).
    private func planStages(_ cs: Range<Int>, flags: UInt32) -> StagePlans {
        var plans = StagePlans(components: cs)
        let (_, ny, nz) = n, (px, py, pz) = padded
        let cxv = cx, kxs = kxStride, kys = kyStride, sc = spectrumCount
        // Offsets of the first component of the range in the real rows and the complex buffers.
        let ro = cs.lowerBound * nz * ny * px, co = 2 * cs.lowerBound * sc
        func dim(_ n: Int, _ i: Int, _ o: Int) -> fftw_iodim { fftw_iodim(n: Int32(n), is: Int32(i), os: Int32(o)) }
        FFTWPlanner.withLock {
            // Stage X forward: r2c rows of length px, over (component, z < nz, y < ny).
            let yStageOut = stageY ?? spectrum
            plans.forward.append(Scalar.planRealToComplex(
                [dim(px, 1, kxs)], [dim(cs.count, nz * ny * px, sc), dim(nz, ny * px, py * cxv), dim(ny, px, kys)],
                real + ro, stageX + co, flags)!)
            // Stage Y forward: c2c along y, over (component, z < nz, kx), stageX -> yStageOut.
            let yDims = [dim(py, kys, kys)]
            let yHowMany = [dim(cs.count, sc, sc), dim(nz, py * cxv, py * cxv), dim(cxv, kxs, kxs)]
            if py > 1 {
                plans.forward.append(Scalar.planComplex(yDims, yHowMany, stageX + co, yStageOut + co, sign: FFTW_FORWARD, flags)!)
            } else {
                plans.forward.append(ZeroPaddedFFT.copyMarker)
            }
            // Stage Z forward: c2c along z, over (component, ky kx), yStageOut -> spectrum.
            if pz > 1 {
                let zDims = [dim(pz, py * cxv, py * cxv)]
                let zHowMany = [dim(cs.count, sc, sc), dim(py * cxv, 1, 1)]
                plans.forward.append(Scalar.planComplex(zDims, zHowMany, stageY! + co, spectrum + co, sign: FFTW_FORWARD, flags)!)
                // Inverse Z in place on the spectrum.
                plans.inverse.append(Scalar.planComplex(zDims, zHowMany, spectrum + co, spectrum + co, sign: FFTW_BACKWARD, flags)!)
            }
            if py > 1 {
                plans.inverse.append(Scalar.planComplex(yDims, yHowMany, spectrum + co, spectrum + co, sign: FFTW_BACKWARD, flags)!)
            }
            plans.inverse.append(Scalar.planComplexToReal(
                [dim(px, kxs, 1)], [dim(cs.count, sc, nz * ny * px), dim(nz, py * cxv, ny * px), dim(ny, kys, px)],
                spectrum + co, real + ro, flags)!)
        }
        return plans
    }

    /// The forward stages of `plans` in `stages` (0: x, 1: y or the copy that stands for it, 2: z).
    private func run(forward plans: StagePlans, stages: Range<Int> = 0 ..< 3) {
        if stages.contains(0) { Scalar.execute(plans.forward[0]) }
        if stages.contains(1) {
            if plans.forward[1] == ZeroPaddedFFT.copyMarker {
                // py == 1: the x stage is the whole transform unless a z stage follows.
                let target = stageY ?? spectrum, o = 2 * plans.components.lowerBound * spectrumCount
                ZeroPaddedFFT.copy(stageX + o, to: target + o, count: 2 * plans.components.count * spectrumCount)
            } else {
                Scalar.execute(plans.forward[1])
            }
        }
        if stages.contains(2) && plans.forward.count > 2 { Scalar.execute(plans.forward[2]) }
    }

    private func run(inverse plans: StagePlans) {
        for p in plans.inverse { Scalar.execute(p) }
        let (nx, ny, nz) = n, px = padded.x
        guard px > nx else { return }
        for row in plans.components.lowerBound * nz * ny ..< plans.components.upperBound * nz * ny {
            ZeroPaddedFFT.clear(real + row * px + nx, count: px - nx)
        }
    }
}
