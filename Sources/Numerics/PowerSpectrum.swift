import CFFTW

/// The one-sided power spectrum of a real signal, by FFTW's real-to-complex transform
/// (Frigo and Johnson, Proc. IEEE 93, 216 (2005)).
///
/// For x_0..x_{N-1}, X_k = sum_n x_n e^{-2 pi i k n / N} (FFTW's unnormalised forward sign
/// convention), and the result is |X_k|^2 for k = 0 ... N/2 (floor). Bin k is the frequency
/// k / (N dt) for sample interval dt.
///
/// Plans are made with FFTW_ESTIMATE for each call (no measurement, so results do not depend on
/// timing). Planning holds `FFTWPlanner`'s lock (FFTW's planner is not thread-safe), so any thread may call.
public enum PowerSpectrum {
    /// |X_k|^2, k = 0 ... N/2, of `signal` (empty for an empty signal).
    public static func oneSided(_ signal: [Double]) -> [Double] {
        let n = signal.count
        guard n > 0 else { return [] }
        let bins = n / 2 + 1
        let input = fftw_alloc_real(n)!
        let output = fftw_alloc_complex(bins)!
        defer { fftw_free(input); fftw_free(output) }
        // FFTW_ESTIMATE = 1 << 6 (fftw3.h); planning with it leaves the input untouched.
        let plan = FFTWPlanner.withLock { fftw_plan_dft_r2c_1d(Int32(n), input, output, UInt32(1 << 6)) }
        defer { FFTWPlanner.withLock { fftw_destroy_plan(plan) } }
        signal.withUnsafeBufferPointer { input.update(from: $0.baseAddress!, count: n) }
        fftw_execute(plan)
        var power = [Double](repeating: 0, count: bins)
        let pairs = UnsafeMutableRawPointer(output).assumingMemoryBound(to: Double.self)
        for k in 0..<bins {
            let re = pairs[2 * k], im = pairs[2 * k + 1]
            power[k] = re * re + im * im
        }
        return power
    }

    /// The frequency (Hz, for `sampleInterval` in seconds) of the strongest non-zero bin of the
    /// mean-removed signal, with the bin spacing 1 / (N dt) as its resolution. Nil for fewer than
    /// 2 samples or a constant signal.
    public static func dominantFrequency(_ signal: [Double], sampleInterval dt: Double)
        -> (frequency: Double, resolution: Double)? {
        let n = signal.count
        guard n >= 2, dt > 0 else { return nil }
        let mean = signal.reduce(0, +) / Double(n)
        let power = oneSided(signal.map { $0 - mean })
        var best = 0, bestPower = 0.0
        for k in 1..<power.count where power[k] > bestPower { best = k; bestPower = power[k] }
        guard best > 0 else { return nil }
        let resolution = 1 / (Double(n) * dt)
        return (Double(best) * resolution, resolution)
    }
}
