/// How a sampled input is read between its samples (docs/surrogate-model.md, "Inputs between samples").
///
/// - `zoh`: zero-order hold, u(s) = u_i for s in [i, i + 1): right-continuous, each sample a jump.
/// - `linear`: u(s) = (i + 1 - s) u_i + (s - i) u_{i+1}.
/// - `cubic`: the natural cubic spline through the samples (the paper's choice, Chen et al.,
///   Nat. Commun. 13, 1016 (2022), Methods: torchcubicspline natural cubic spline of the input).
public enum InterpolationKind: String, CaseIterable, Sendable, Codable {
    case zoh
    case linear
    case cubic
}

/// A multi-channel signal sampled on a uniform grid, evaluated at any time between its samples.
///
/// Time is measured in **sample units** s (sample i sits at s = i; s = t / dt for sample interval dt
/// in seconds), so the same interpolant serves any time scale; the caller converts. Outside
/// [0, sampleCount - 1] the signal is held at its end values (no extrapolation).
///
/// Cubic spline (uniform spacing h = 1): on [i, i + 1] with a = i + 1 - s, b = s - i,
///   S(s) = a u_i + b u_{i+1} + [(a^3 - a) M_i + (b^3 - b) M_{i+1}] / 6,
/// where the second derivatives M solve M_{i-1} + 4 M_i + M_{i+1} = 6 (u_{i+1} - 2 u_i + u_{i-1}),
/// i = 1..n-2, with M_0 and M_{n-1} given (natural spline: both 0). Solved by the Thomas algorithm
/// (Press et al., Numerical Recipes, 3rd ed., sections 2.4 and 3.3). S is C^2, interpolates every sample,
/// and reproduces any cubic polynomial exactly when M_0 and M_{n-1} are that cubic's second derivatives.
///
/// Samples are stored sample-major: `values[i * channelCount + j]` is channel j at sample i.
public struct InputInterpolation: Sendable, Equatable {
    public let kind: InterpolationKind
    public let sampleCount: Int
    public let channelCount: Int
    /// The samples, sample-major.
    public let values: [Double]
    /// Spline second derivatives d^2u/ds^2 at the samples (per sample unit squared), sample-major;
    /// empty unless `kind == .cubic`.
    public let secondDerivatives: [Double]

    /// An interpolant through `values` (sample-major, `sampleCount * channelCount` entries).
    ///
    /// For `cubic`, `endSecondDerivatives` sets (M_0, M_{n-1}) per channel; nil is the natural spline (0, 0).
    public init(kind: InterpolationKind, sampleCount: Int, channelCount: Int, values: [Double],
                endSecondDerivatives: (start: [Double], end: [Double])? = nil) throws {
        guard sampleCount >= 1 || channelCount == 0 else {
            throw SurrogateError.invalidTrace("input interpolation needs at least one sample, got \(sampleCount)")
        }
        guard channelCount >= 0, values.count == sampleCount * channelCount else {
            throw SurrogateError.invalidTrace(
                "input interpolation: \(values.count) values do not fill \(sampleCount) samples x \(channelCount) channels")
        }
        if let ends = endSecondDerivatives, ends.start.count != channelCount || ends.end.count != channelCount {
            throw SurrogateError.invalidOption(
                "spline end second derivatives need \(channelCount) values at each end, got \(ends.start.count) and \(ends.end.count)")
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw SurrogateError.nonFinite(
                "input sample \(bad / max(channelCount, 1)), channel \(bad % max(channelCount, 1)) is \(values[bad])")
        }
        self.kind = kind
        self.sampleCount = sampleCount
        self.channelCount = channelCount
        self.values = values
        if kind == .cubic {
            secondDerivatives = InputInterpolation.splineSecondDerivatives(
                values: values, sampleCount: sampleCount, channelCount: channelCount,
                start: endSecondDerivatives?.start, end: endSecondDerivatives?.end)
        } else {
            secondDerivatives = []
        }
    }

    /// Solves the tridiagonal spline system (diagonal 4, off-diagonals 1) for every channel.
    static func splineSecondDerivatives(values: [Double], sampleCount n: Int, channelCount m: Int,
                                        start: [Double]?, end: [Double]?) -> [Double] {
        var second = [Double](repeating: 0, count: n * m)
        guard n >= 1 else { return second }
        for j in 0..<m {
            second[j] = start?[j] ?? 0
            second[(n - 1) * m + j] = end?[j] ?? 0
        }
        guard n >= 3 else { return second }
        let interior = n - 2
        var cPrime = [Double](repeating: 0, count: interior)
        var dPrime = [Double](repeating: 0, count: interior)
        for j in 0..<m {
            // Forward sweep over rows r = 0..interior-1 (unknown M_{r+1}).
            for r in 0..<interior {
                let i = r + 1
                var rhs = 6 * (values[(i + 1) * m + j] - 2 * values[i * m + j] + values[(i - 1) * m + j])
                if r == 0 { rhs -= second[j] }
                if r == interior - 1 { rhs -= second[(n - 1) * m + j] }
                if r == 0 {
                    cPrime[0] = 1.0 / 4.0
                    dPrime[0] = rhs / 4.0
                } else {
                    let denominator = 4 - cPrime[r - 1]
                    cPrime[r] = 1 / denominator
                    dPrime[r] = (rhs - dPrime[r - 1]) / denominator
                }
            }
            // Back substitution.
            var next = dPrime[interior - 1]
            second[(interior) * m + j] = next
            if interior >= 2 {
                for r in stride(from: interior - 2, through: 0, by: -1) {
                    next = dPrime[r] - cPrime[r] * next
                    second[(r + 1) * m + j] = next
                }
            }
        }
        return second
    }

    /// Channel `channel` at time s (sample units).
    @inlinable
    public func value(at s: Double, channel: Int) -> Double {
        values.withUnsafeBufferPointer { v in
            secondDerivatives.withUnsafeBufferPointer { m in
                InputInterpolation.evaluate(kind: kind, n: sampleCount, channels: channelCount, values: v.baseAddress!,
                                            second: m.baseAddress, at: s, channel: channel)
            }
        }
    }

    /// Writes every channel at time s (sample units) into `out[0..<channelCount]`.
    /// - Complexity: O(channelCount), no allocation.
    @inlinable
    public func evaluate(at s: Double, into out: UnsafeMutablePointer<Double>) {
        values.withUnsafeBufferPointer { v in
            secondDerivatives.withUnsafeBufferPointer { m in
                for j in 0..<channelCount {
                    out[j] = InputInterpolation.evaluate(kind: kind, n: sampleCount, channels: channelCount,
                                                         values: v.baseAddress!, second: m.baseAddress, at: s, channel: j)
                }
            }
        }
    }

    /// The interpolant over raw buffers (the hot-loop form).
    @inlinable
    public static func evaluate(kind: InterpolationKind, n: Int, channels m: Int, values: UnsafePointer<Double>,
                                second: UnsafePointer<Double>?, at s: Double, channel j: Int) -> Double {
        if n == 1 || !(s > 0) { return values[j] }
        let last = Double(n - 1)
        if s >= last { return values[(n - 1) * m + j] }
        let i = Int(s)              // floor, s in (0, n - 1)
        let b = s - Double(i)
        switch kind {
        case .zoh:
            return values[i * m + j]
        case .linear:
            return (1 - b) * values[i * m + j] + b * values[(i + 1) * m + j]
        case .cubic:
            let a = 1 - b
            let m0 = second![i * m + j], m1 = second![(i + 1) * m + j]
            return a * values[i * m + j] + b * values[(i + 1) * m + j]
                + ((a * a * a - a) * m0 + (b * b * b - b) * m1) / 6
        }
    }

    /// d^2u/ds^2 of channel `channel` at s (sample units): piecewise linear between the spline's M_i
    /// for `cubic`, 0 for `linear` and `zoh` (away from the samples).
    public func secondDerivative(at s: Double, channel j: Int) -> Double {
        guard kind == .cubic, sampleCount >= 2 else { return 0 }
        let t = min(max(s, 0), Double(sampleCount - 1))
        let i = min(Int(t), sampleCount - 2)
        let b = t - Double(i)
        return (1 - b) * secondDerivatives[i * channelCount + j] + b * secondDerivatives[(i + 1) * channelCount + j]
    }

    /// Times (sample units) where the signal jumps and an adaptive solver must stop: every interior
    /// sample s = 1, ..., sampleCount - 1 for `zoh`, none for the continuous interpolants.
    public func jumpTimes(from start: Double = 0, to end: Double = .infinity) -> [Double] {
        guard kind == .zoh, sampleCount >= 2 else { return [] }
        let first = max(1, Int((start).rounded(.down)) + 1)
        let lastIndex = min(sampleCount - 1, end.isFinite ? Int(end.rounded(.up)) - 1 : sampleCount - 1)
        guard first <= lastIndex else { return [] }
        return (first...lastIndex).map(Double.init)
    }
}
