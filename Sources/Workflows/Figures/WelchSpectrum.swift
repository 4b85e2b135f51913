import Foundation
import Numerics

/// One-sided power spectral density by Welch's method (Welch, IEEE Trans. Audio Electroacoust. 15, 70
/// (1967)): the mean-removed signal is cut into segments of L samples overlapping by L/2, each multiplied by
/// the periodic Hann window w_n = (1 - cos(2 pi n / L)) / 2, transformed (`PowerSpectrum.oneSided`, FFTW), and
/// the periodograms averaged:
///
///     P_k = c_k |X_k|^2 / (f_s sum_n w_n^2),  c_k = 2 for 0 < k < L/2, 1 for k = 0 and k = L/2,
///
/// f_s = 1 / dt. Units: (signal unit)^2 / Hz, so sum_k P_k / (L dt) approximates the signal's variance
/// (Parseval). Bin k is at f_k = k / (L dt). Averaging trades resolution (1 / (L dt)) for a smooth,
/// readable curve; the dominant frequencies in the metrics come from the full-length periodogram.
///
/// `amplitude` is the same average read as a linear (amplitude) spectrum in the signal's own unit,
/// A_k = c'_k sqrt(<|X_k|^2>) / sum_n w_n with c'_k = 2 for 0 < k < L/2 and 1 at k = 0 and k = L/2, so
/// that a sinusoid a cos(2 pi f_k t) centred on bin k reads A_k = a (Heinzel, Ruediger and Schilling,
/// "Spectrum and spectral density estimation by the DFT", MPI Hannover (2002), section 9, scaled to peak
/// amplitude).
public struct WelchSpectrum {
    public var frequencies: [Double]
    /// One-sided power spectral density, (signal unit)^2 / Hz.
    public var density: [Double]
    /// Peak amplitude per bin, signal unit.
    public var amplitude: [Double]
    public var segmentLength: Int
    public var segments: Int

    /// L = the largest power of two <= min(`maxSegment`, N) (at least 2 samples needed).
    public init(_ signal: [Double], sampleInterval dt: Double, maxSegment: Int = 2048) {
        let n = signal.count
        var length = 2
        while length * 2 <= min(maxSegment, n) { length *= 2 }
        guard n >= 2 else {
            frequencies = []; density = []; amplitude = []; segmentLength = 0; segments = 0
            return
        }
        let mean = signal.reduce(0, +) / Double(n)
        let window = (0..<length).map { 0.5 * (1 - cos(2 * Double.pi * Double($0) / Double(length))) }
        let windowPower = window.reduce(0) { $0 + $1 * $1 }
        let bins = length / 2 + 1
        var sum = [Double](repeating: 0, count: bins)
        var count = 0
        var start = 0
        var segment = [Double](repeating: 0, count: length)
        while start + length <= n {
            for i in 0..<length { segment[i] = (signal[start + i] - mean) * window[i] }
            let power = PowerSpectrum.oneSided(segment)
            for k in 0..<bins { sum[k] += power[k] }
            count += 1
            start += length / 2
        }
        let scale = dt / (windowPower * Double(count))
        density = (0..<bins).map { k in sum[k] * scale * (k == 0 || k == length / 2 ? 1 : 2) }
        let windowSum = window.reduce(0, +)
        amplitude = (0..<bins).map { k in (sum[k] / Double(count)).squareRoot() / windowSum * (k == 0 || k == length / 2 ? 1 : 2) }
        frequencies = (0..<bins).map { Double($0) / (Double(length) * dt) }
        segmentLength = length
        segments = count
    }
}
