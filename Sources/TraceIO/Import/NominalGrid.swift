import Foundation

/// The uniform grid t_i = t0 + i dt behind recorded sample times that miss it by a little.
///
/// mumax3 writes a table row at its first solver step at or after each multiple of the autosave
/// period (`tableautosave(dt)`), so the recorded times lag the multiples by up to one solver step
/// (up to 0.5 % of a 5 ps period in the paper's runs), and tables print times with a few
/// significant digits (about 1e-7 dt). The samples belong to the grid; storing the grid instead of
/// the printed times lets the surrogate, which needs uniform sampling, use them.
///
/// The fit: dt is the least-squares slope of t_i against i, replaced by the decimal with fewest
/// significant digits that lies within the slope's uncertainty (the autosave period as the user
/// typed it, e.g. 5e-12 s, so that two parts of one table get the same dt); t0 is the first time.
/// `largestDeviation` = max_i |t_i - (t0 + i dt)| / dt says how well the grid fits: a drift of
/// the interval shows as a large deviation in the middle or at the end.
public struct NominalGrid: Equatable, Sendable {
    /// Time of sample 0, seconds (the first recorded time).
    public var t0: Double
    /// Sampling interval, seconds.
    public var dt: Double
    /// max_i |t_i - (t0 + i dt)| / dt, a fraction of dt.
    public var largestDeviation: Double
    /// The index i of the sample with the largest deviation.
    public var worstSample: Int

    /// The grid that fits `times` (finite, strictly increasing, at least 2).
    public init(fitting times: [Double]) {
        precondition(times.count >= 2, "NominalGrid needs at least two times")
        let n = times.count
        let first = times[0]
        // Least squares on tau_i = t_i - t_0 against the centred index (i - (n-1)/2).
        let centre = Double(n - 1) / 2
        var meanTau = 0.0
        for t in times { meanTau += t - first }
        meanTau /= Double(n)
        var sxy = 0.0, sxx = 0.0
        for (i, t) in times.enumerated() {
            let x = Double(i) - centre
            sxy += x * (t - first - meanTau)
            sxx += x * x
        }
        let slope = sxy / sxx
        var largestResidual = 0.0
        for (i, t) in times.enumerated() {
            largestResidual = max(largestResidual, abs(t - first - meanTau - (Double(i) - centre) * slope))
        }
        // The slope of n samples each off by at most J is off by at most about 3 J / n (least squares
        // over a uniform index); 4 J / (n - 1) leaves room.
        let uncertainty = 4 * largestResidual / Double(n - 1) + 4 * slope.ulp
        var snapped = slope
        for digits in 1...15 {
            let candidate = Double(String(format: "%.\(digits - 1)e", slope)) ?? slope
            if candidate > 0, abs(candidate - slope) <= uncertainty {
                snapped = candidate
                break
            }
        }
        let plain = NominalGrid.deviations(times, dt: slope)
        let round = NominalGrid.deviations(times, dt: snapped)
        // The short decimal is kept unless it fits clearly worse than the slope itself.
        let (dt, fit) = round.largest <= 1.5 * plain.largest + 1e-9 ? (snapped, round) : (slope, plain)
        self.t0 = first
        self.dt = dt
        self.largestDeviation = fit.largest
        self.worstSample = fit.worst
    }

    private static func deviations(_ times: [Double], dt: Double) -> (largest: Double, worst: Int) {
        var worst = 0, largest = 0.0
        for (i, t) in times.enumerated() {
            let deviation = abs(t - (times[0] + Double(i) * dt)) / dt
            if deviation > largest { largest = deviation; worst = i }
        }
        return (largest, worst)
    }

    /// Time of sample i, seconds.
    public func time(_ i: Int) -> Double { t0 + Double(i) * dt }
}
