import XCTest
import Numerics

/// The pruned zero-padded transforms (Numerics.ZeroPaddedFFT, used by the demag term) against a direct
/// linear convolution, for every combination of padded / unpadded axes (including axes of one cell, which
/// skip their stage): out(r) = sum_s k(r - s) in(s) over the unpadded box, k random on offsets
/// -(n-1)...(n-1).
final class ZeroPaddedFFTTests: XCTestCase {
    func convolutionCheck(_ n: (Int, Int, Int), layout: SpectrumLayout) {
        let (nx, ny, nz) = n
        let p = (nx > 1 ? 2 * nx : 1, ny > 1 ? 2 * ny : 1, nz > 1 ? 2 * nz : 1)
        let fft = ZeroPaddedFFT<Double>(n: n, padded: p, components: 2, layout: layout)
        let kfft = ZeroPaddedFFT<Double>(n: (p.0, p.1, p.2), padded: p, components: 1, layout: layout)
        var rng = SeededRandom(seed: UInt64(nx * 100 + ny * 10 + nz))
        // Kernel on the full padded grid (wrapped offsets), and two input components.
        let total = p.0 * p.1 * p.2
        var kernel = [Double](repeating: 0, count: total)
        for i in 0..<total { kernel[i] = rng.normal() }
        let count = nx * ny * nz
        var input = [[Double]](repeating: [], count: 2)
        for c in 0..<2 { input[c] = (0..<count).map { _ in rng.normal() } }
        for i in 0..<total { kfft.real[i] = kernel[i] }
        kfft.forward()
        for c in 0..<2 { for z in 0..<nz { for y in 0..<ny { for x in 0..<nx {
            fft.real[c * nz * ny * p.0 + (z * ny + y) * p.0 + x] = input[c][x + nx * (y + ny * z)]
        } } } }
        fft.forward()
        for c in 0..<2 { for k in 0..<fft.spectrumCount {
            let ar = fft.spectrum[2 * (c * fft.spectrumCount + k)], ai = fft.spectrum[2 * (c * fft.spectrumCount + k) + 1]
            let br = kfft.spectrum[2 * k], bi = kfft.spectrum[2 * k + 1]
            fft.spectrum[2 * (c * fft.spectrumCount + k)] = ar * br - ai * bi
            fft.spectrum[2 * (c * fft.spectrumCount + k) + 1] = ar * bi + ai * br
        } }
        fft.inverse()
        let scale = 1 / Double(total)
        func wrap(_ d: Int, _ p: Int) -> Int { (d % p + p) % p }
        for c in 0..<2 { for z in 0..<nz { for y in 0..<ny { for x in 0..<nx {
            var direct = 0.0
            for sz in 0..<nz { for sy in 0..<ny { for sx in 0..<nx {
                let kIndex = wrap(x - sx, p.0) + p.0 * (wrap(y - sy, p.1) + p.1 * wrap(z - sz, p.2))
                direct += kernel[kIndex] * input[c][sx + nx * (sy + ny * sz)]
            } } }
            let viaFFT = scale * fft.real[c * nz * ny * p.0 + (z * ny + y) * p.0 + x]
            XCTAssertEqual(viaFFT, direct, accuracy: 1e-10 * Double(count), "n = \(n), \(layout), at \((x, y, z)) component \(c)")
        } } } }
    }

    func testAllAxisCombinations() {
        for n in [(5, 4, 3), (6, 1, 1), (1, 5, 1), (1, 1, 4), (5, 3, 1), (4, 1, 3), (1, 3, 2), (1, 1, 1)] {
            for layout in [SpectrumLayout.kxFastest, .kyFastest] { convolutionCheck(n, layout: layout) }
        }
    }

    /// Plans made by estimate (the default, reproducible across processes) and by measurement agree to
    /// rounding on the 80 x 80 skyrmion-disk grid (padded 160 x 160, three components), and two
    /// estimated plans give identical bits. Prints the fastest of 8 interleaved rounds of 20 forward +
    /// inverse pairs for each (a shared machine's load makes single timings meaningless).
    func testEstimateAndMeasurePlansAgree() {
        let n = (80, 80, 1), p = (160, 160, 1)
        let plans = [ZeroPaddedFFT<Double>(n: n, padded: p, components: 3), ZeroPaddedFFT<Double>(n: n, padded: p, components: 3),
                     ZeroPaddedFFT<Double>(n: n, padded: p, components: 3, planning: .measure)]
        var rng = SeededRandom(seed: 11)
        let rows = 3 * 80
        var input = [Double](repeating: 0, count: rows * 80)
        for i in input.indices { input[i] = rng.normal() }
        var best = [Double](repeating: .infinity, count: 3)
        var results = [[Double]](repeating: [], count: 3)
        for _ in 0..<8 {
            for (k, fft) in plans.enumerated() {
                let clock = ContinuousClock(), start = clock.now
                for _ in 0..<20 {
                    for r in 0..<rows { for x in 0..<80 { fft.real[r * 160 + x] = input[r * 80 + x] } }
                    fft.forward()
                    fft.inverse()
                }
                let d = clock.now - start
                best[k] = min(best[k], (Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18) / 20)
                results[k] = (0..<rows).flatMap { r in (0..<80).map { fft.real[r * 160 + $0] } }
            }
        }
        XCTAssertEqual(results[0], results[1], "two estimated plans differ")
        let scale = results[0].map(abs).max()!
        for (x, y) in zip(results[0], results[2]) { XCTAssertEqual(x, y, accuracy: 1e-12 * scale) }
        print(String(format: "ZeroPaddedFFT 80x80x1 x3 forward+inverse (best of 8): estimate %.1f us, measure %.1f us",
                     best[0] * 1e6, best[2] * 1e6))
    }

    /// The transform run in shares (`forwardRows`, `transformColumns`, `inverseRows`, as the threaded
    /// demag runs it) equals the whole-array transform to round-off, with a product in Fourier space in
    /// between, for every axis combination and for more shares than rows or columns (empty shares);
    /// a repeat gives the same bits. The shares run one after another here: each touches its own lines
    /// only, so the order cannot matter (the threaded runs are checked in ThreadedLLGTests). Both spectrum
    /// layouts, whole and in shares, give the kx-fastest whole transform's result; `segments` covers
    /// exactly the share's columns.
    func testSharesAgreeWithWholeTransform() {
        for n in [(5, 4, 3), (6, 1, 1), (1, 5, 1), (1, 1, 4), (5, 3, 1), (4, 1, 3), (1, 3, 2), (1, 1, 1), (7, 6, 1)] {
            let p = (n.0 > 1 ? 2 * n.0 : 1, n.1 > 1 ? 2 * n.1 : 1, n.2 > 1 ? 2 * n.2 : 1)
            var rng = SeededRandom(seed: UInt64(n.0 * 100 + n.1 * 10 + n.2))
            let rows = 2 * n.2 * n.1
            let input = (0..<(rows * n.0)).map { _ in rng.normal() }
            let reference = ZeroPaddedFFT<Double>(n: n, padded: p, components: 2)
            // One random factor per frequency, indexed in FFTW's r2c order.
            let factor = (0..<reference.spectrumCount).map { _ in rng.normal() }
            func load(_ fft: ZeroPaddedFFT<Double>) {
                for r in 0..<rows { for x in 0..<n.0 { fft.real[r * p.0 + x] = input[r * n.0 + x] } }
            }
            func output(_ fft: ZeroPaddedFFT<Double>) -> [Double] {
                (0..<rows).flatMap { r in (0..<p.0).map { fft.real[r * p.0 + $0] } }
            }
            func scale(_ fft: ZeroPaddedFFT<Double>, _ kxs: Range<Int>) {
                for c in 0..<2 { for kz in 0..<p.2 { for ky in 0..<p.1 { for kx in kxs {
                    let f = factor[(kz * p.1 + ky) * fft.cx + kx], o = 2 * (c * fft.spectrumCount + fft.spectrumIndex(kx, ky, kz))
                    fft.spectrum[o] *= f; fft.spectrum[o + 1] *= f
                } } } }
            }
            load(reference)
            reference.forward()
            scale(reference, 0 ..< reference.cx)
            reference.inverse()
            let expected = output(reference)
            let size = expected.map(abs).max()!
            for layout in [SpectrumLayout.kxFastest, .kyFastest] {
                let whole = ZeroPaddedFFT<Double>(n: n, padded: p, components: 2, layout: layout)
                load(whole)
                whole.forward()
                scale(whole, 0 ..< whole.cx)
                whole.inverse()
                for (i, (a, b)) in zip(output(whole), expected).enumerated() {
                    XCTAssertEqual(a, b, accuracy: 1e-13 * size, "n = \(n), \(layout), whole, value \(i)")
                }
                for shares in [2, 3, 8] {
                    let split = ZeroPaddedFFT<Double>(n: n, padded: p, components: 2, shares: shares, layout: layout)
                    var runs: [[Double]] = []
                    for _ in 0..<2 {
                        load(split)
                        for k in 0..<shares { split.forwardRows(k) }
                        for k in 0..<shares { split.transformColumns(k) { kxs in scale(split, kxs) } }
                        for k in 0..<shares { split.inverseRows(k) }
                        runs.append(output(split))
                    }
                    XCTAssertEqual(runs[0], runs[1], "n = \(n), \(layout), \(shares) shares: a repeat differs")
                    for (i, (a, b)) in zip(runs[0], expected).enumerated() {
                        XCTAssertEqual(a, b, accuracy: 1e-13 * size, "n = \(n), \(layout), \(shares) shares, value \(i)")
                    }
                    // The padding of every row is zero again (the next forward relies on it).
                    for r in 0..<rows { for x in n.0..<p.0 { XCTAssertEqual(split.real[r * p.0 + x], 0) } }
                    // The segments of each share hold exactly its columns' indices.
                    for k in 0..<shares {
                        let covered = split.segments(split.columnShare(k)).flatMap { Array($0) }
                        var wanted: [Int] = []
                        for kz in 0..<p.2 { for ky in 0..<p.1 { for kx in split.columnShare(k) { wanted.append(split.spectrumIndex(kx, ky, kz)) } } }
                        XCTAssertEqual(covered, covered.sorted(), "n = \(n), \(layout), share \(k): segments out of order")
                        XCTAssertEqual(covered.sorted(), wanted.sorted(), "n = \(n), \(layout), share \(k)")
                    }
                }
            }
        }
    }

    /// Component groups (`forward(group:)`, `inverse(group:)`): transforming the groups one after the other,
    /// in either order, gives the whole transform to round-off (the same for every component), repeats bit
    /// for bit, leaves every row's padding zero, and a group's transform touches no other component.
    func testComponentGroupsAgreeWithWholeTransform() {
        for n in [(5, 4, 3), (6, 1, 1), (1, 5, 1), (1, 1, 4), (5, 3, 1), (7, 6, 1)] {
            let p = (n.0 > 1 ? 2 * n.0 : 1, n.1 > 1 ? 2 * n.1 : 1, n.2 > 1 ? 2 * n.2 : 1)
            var rng = SeededRandom(seed: UInt64(n.0 * 100 + n.1 * 10 + n.2))
            let rowsPerComponent = n.2 * n.1, rows = 3 * rowsPerComponent
            let input = (0..<(rows * n.0)).map { _ in rng.normal() }
            for layout in [SpectrumLayout.kxFastest, .kyFastest] {
                let factor = (0..<(p.0 / 2 + 1) * p.1 * p.2).map { _ in rng.normal() }
                func load(_ fft: ZeroPaddedFFT<Double>, _ cs: Range<Int>) {
                    for r in cs.lowerBound * rowsPerComponent ..< cs.upperBound * rowsPerComponent {
                        for x in 0..<n.0 { fft.real[r * p.0 + x] = input[r * n.0 + x] }
                    }
                }
                func output(_ fft: ZeroPaddedFFT<Double>) -> [Double] {
                    (0..<rows).flatMap { r in (0..<p.0).map { fft.real[r * p.0 + $0] } }
                }
                func scale(_ fft: ZeroPaddedFFT<Double>, _ cs: Range<Int>) {
                    for c in cs { for kz in 0..<p.2 { for ky in 0..<p.1 { for kx in 0..<fft.cx {
                        let f = factor[(kz * p.1 + ky) * fft.cx + kx], o = 2 * (c * fft.spectrumCount + fft.spectrumIndex(kx, ky, kz))
                        fft.spectrum[o] *= f; fft.spectrum[o + 1] *= f
                    } } } }
                }
                let whole = ZeroPaddedFFT<Double>(n: n, padded: p, components: 3, layout: layout)
                load(whole, 0 ..< 3)
                whole.forward()
                scale(whole, 0 ..< 3)
                whole.inverse()
                let expected = output(whole)
                let size = expected.map(abs).max()!
                let groups = [0 ..< 2, 2 ..< 3]
                let grouped = ZeroPaddedFFT<Double>(n: n, padded: p, components: 3, layout: layout, componentGroups: groups)
                var runs: [[Double]] = []
                for order in [[0, 1], [1, 0], [0, 1]] {
                    for g in order {
                        load(grouped, groups[g])
                        grouped.forward(group: g)
                        scale(grouped, groups[g])
                        let others = output(grouped)
                        grouped.inverse(group: g)
                        // The rows of the other group are untouched by this group's inverse.
                        let after = output(grouped)
                        for c in 0..<3 where !groups[g].contains(c) {
                            let r = c * rowsPerComponent * p.0 ..< (c + 1) * rowsPerComponent * p.0
                            XCTAssertEqual(Array(after[r]), Array(others[r]), "n = \(n), \(layout): group \(g) wrote component \(c)")
                        }
                    }
                    runs.append(output(grouped))
                }
                XCTAssertEqual(runs[0], runs[1], "n = \(n), \(layout): the groups' order changed the bits")
                XCTAssertEqual(runs[0], runs[2], "n = \(n), \(layout): a repeat differs")
                for (i, (a, b)) in zip(runs[0], expected).enumerated() {
                    XCTAssertEqual(a, b, accuracy: 1e-13 * size, "n = \(n), \(layout), value \(i)")
                }
                for r in 0..<rows { for x in n.0..<p.0 { XCTAssertEqual(grouped.real[r * p.0 + x], 0) } }
            }
        }
    }

    /// The x stages of single components (`forwardX(group:)`) followed by the later stages of a group
    /// holding them (`forwardAfterX(group:)`) give the group's whole forward transform bit for bit: how
    /// the demag's component split hands M_y's x stage from one thread to the other.
    func testXStageByComponentThenRestOfGroupIsTheGroupTransform() {
        for n in [(5, 4, 3), (6, 1, 1), (1, 5, 1), (7, 6, 1)] {
            let p = (n.0 > 1 ? 2 * n.0 : 1, n.1 > 1 ? 2 * n.1 : 1, n.2 > 1 ? 2 * n.2 : 1)
            var rng = SeededRandom(seed: UInt64(n.0 * 100 + n.1 * 10 + n.2 + 7))
            let rows = 3 * n.2 * n.1
            let input = (0..<(rows * n.0)).map { _ in rng.normal() }
            for layout in [SpectrumLayout.kxFastest, .kyFastest] {
                func spectrum(_ run: (ZeroPaddedFFT<Double>) -> Void) -> [Double] {
                    let fft = ZeroPaddedFFT<Double>(n: n, padded: p, components: 3, layout: layout,
                                                    componentGroups: [0 ..< 2, 2 ..< 3, 0 ..< 1, 1 ..< 2])
                    for r in 0..<rows { for x in 0..<n.0 { fft.real[r * p.0 + x] = input[r * n.0 + x] } }
                    run(fft)
                    return Array(UnsafeBufferPointer(start: fft.spectrum, count: 2 * 2 * fft.spectrumCount))
                }
                let whole = spectrum { $0.forward(group: 0) }
                let split = spectrum { fft in
                    fft.forwardX(group: 3); fft.forwardX(group: 2); fft.forwardAfterX(group: 0)
                }
                XCTAssertEqual(split, whole, "n = \(n), \(layout)")
                XCTAssertGreaterThan(whole.map(abs).max()!, 0)
            }
        }
    }
}
