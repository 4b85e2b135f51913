import CFFTW

/// The zero-padded transform in `shares` pieces that run side by side, one per thread, with no FFTW
/// threads: how the demag convolution uses several cores.
///
/// A convolution is three parallel loops over the shares k = 0 ..< shares:
/// 1. fill the input rows y in `rowShare(k)` (all components and layers) and call `forwardRows(k)`;
/// 2. `transformColumns(k) { kx in ... }`: the y and z stages forward, the body (the Fourier-space
///    product on frequencies with kx in the given range, every ky and kz), the z and y stages inverse;
/// 3. `inverseRows(k)` and read the output rows y in `rowShare(k)`.
/// Every stage transforms independent lines (rows along x, columns along y and z), so each share touches
/// its own lines only and the result does not depend on which thread runs which share. Each share
/// has its own FFTW_ESTIMATE plans, the same in every process: a given share count is bit-reproducible;
/// another count, or the whole-array `forward`/`inverse`, may round differently in the last bits.
extension ZeroPaddedFFT {
    /// One share's FFTW plans (nil where the share is empty or the axis has no stage).
    struct SharePlans {
        var forwardX: OpaquePointer?
        var forwardY: OpaquePointer?
        var forwardZ: OpaquePointer?
        var inverseZ: OpaquePointer?
        var inverseY: OpaquePointer?
        var inverseX: OpaquePointer?
        var all: [OpaquePointer] { [forwardX, forwardY, forwardZ, inverseZ, inverseY, inverseX].compactMap { $0 } }
    }

    /// Rows y (of the ny input rows) of share k: ny k / shares ..< ny (k + 1) / shares.
    public func rowShare(_ k: Int) -> Range<Int> { n.y * k / shares ..< n.y * (k + 1) / shares }

    /// Frequencies kx (of the cx kept) of share k: cx k / shares ..< cx (k + 1) / shares.
    public func columnShare(_ k: Int) -> Range<Int> { cx * k / shares ..< cx * (k + 1) / shares }

    /// The x stage forward on the rows of share k: `real` -> the x-stage buffer.
    public func forwardRows(_ k: Int) {
        if let p = pieces[k].forwardX { Scalar.execute(p) }
    }

    /// The y and z stages forward on the columns of share k, then `body(columnShare(k))`, which may
    /// read and change `spectrum` at those kx (every ky, kz and component), then the z and y stages
    /// inverse on the same columns.
    public func transformColumns(_ k: Int, _ body: (Range<Int>) -> Void) {
        let kxs = columnShare(k)
        guard !kxs.isEmpty else { return }
        let piece = pieces[k]
        if let p = piece.forwardY {
            Scalar.execute(p)
        } else {
            // py == 1: the x stage's output is the input of the z stage (or the spectrum) as it is.
            let target = stageY ?? spectrum, (py, pz) = (padded.y, padded.z)
            for c in 0..<components {
                for z in 0..<pz {
                    let o = 2 * (c * spectrumCount + z * py * cx + kxs.lowerBound)
                    ZeroPaddedFFT.copy(stageX + o, to: target + o, count: 2 * kxs.count)
                }
            }
        }
        if let p = piece.forwardZ { Scalar.execute(p) }
        body(kxs)
        if let p = piece.inverseZ { Scalar.execute(p) }
        if let p = piece.inverseY { Scalar.execute(p) }
    }

    /// The x stage inverse on the rows of share k: `spectrum` -> `real` rows y in `rowShare(k)` (first nx
    /// values valid, unnormalised), with those rows' padding cleared again for the next `forwardRows`.
    public func inverseRows(_ k: Int) {
        guard let p = pieces[k].inverseX else { return }
        Scalar.execute(p)
        let (nx, ny, nz) = n, px = padded.x
        guard px > nx else { return }
        for c in 0..<components {
            for z in 0..<nz {
                for y in rowShare(k) {
                    ZeroPaddedFFT.clear(real + ((c * nz + z) * ny + y) * px + nx, count: px - nx)
                }
            }
        }
    }

    /// Plans share k's pieces (called once by `init` when `shares` > 1).
    func planShare(_ k: Int, flags: UInt32) -> SharePlans {
        let (_, ny, nz) = n, (px, py, pz) = padded
        let sc = spectrumCount, comps = components
        func dim(_ n: Int, _ i: Int, _ o: Int) -> fftw_iodim { fftw_iodim(n: Int32(n), is: Int32(i), os: Int32(o)) }
        var plans = SharePlans()
        FFTWPlanner.withLock {
            let ys = rowShare(k)
            if !ys.isEmpty {
                plans.forwardX = Scalar.planRealToComplex(
                    [dim(px, 1, kxStride)], [dim(comps, nz * ny * px, sc), dim(nz, ny * px, py * cx), dim(ys.count, px, kyStride)],
                    real + ys.lowerBound * px, stageX + 2 * ys.lowerBound * kyStride, flags)
                plans.inverseX = Scalar.planComplexToReal(
                    [dim(px, kxStride, 1)], [dim(comps, sc, nz * ny * px), dim(nz, py * cx, ny * px), dim(ys.count, kyStride, px)],
                    spectrum + 2 * ys.lowerBound * kyStride, real + ys.lowerBound * px, flags)
            }
            let kxs = columnShare(k)
            guard !kxs.isEmpty else { return }
            let o = 2 * kxs.lowerBound * kxStride
            let yOut = stageY ?? spectrum
            if py > 1 {
                let d = [dim(py, kyStride, kyStride)]
                let h = [dim(comps, sc, sc), dim(nz, py * cx, py * cx), dim(kxs.count, kxStride, kxStride)]
                plans.forwardY = Scalar.planComplex(d, h, stageX + o, yOut + o, sign: FFTW_FORWARD, flags)
                plans.inverseY = Scalar.planComplex(d, h, spectrum + o, spectrum + o, sign: FFTW_BACKWARD, flags)
            }
            if pz > 1 {
                let d = [dim(pz, py * cx, py * cx)]
                let h = [dim(comps, sc, sc), dim(py, kyStride, kyStride), dim(kxs.count, kxStride, kxStride)]
                plans.forwardZ = Scalar.planComplex(d, h, stageY! + o, spectrum + o, sign: FFTW_FORWARD, flags)
                plans.inverseZ = Scalar.planComplex(d, h, spectrum + o, spectrum + o, sign: FFTW_BACKWARD, flags)
            }
        }
        return plans
    }
}
