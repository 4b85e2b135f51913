import Foundation

/// One axis of a plot: a data range, a linear or logarithmic scale, and the tick marks a reader sees.
///
/// Linear ticks lie on multiples of a "nice" step 1, 2 or 5 x 10^e chosen so that about `targetTicks`
/// ticks span the range (the 1-2-5 rule of Heckbert, "Nice numbers for graph labels", Graphics Gems I,
/// 1990, p. 61). Logarithmic ticks lie on the decades 10^e inside the range (every second or third decade
/// when the range spans many).
public struct Axis: Sendable, Equatable {
    public enum Scale: String, Sendable, Equatable { case linear, logarithmic }

    /// A tick: its data value and its label.
    public struct Tick: Sendable, Equatable {
        public var value: Double
        public var label: String
    }

    /// The data range shown, lower < upper (both > 0 on a logarithmic axis).
    public let lower: Double
    public let upper: Double
    public let scale: Scale

    /// An axis over [lower, upper]; throws unless the range is finite, non-empty and (log) positive.
    public init(lower: Double, upper: Double, scale: Scale = .linear) throws {
        guard lower.isFinite, upper.isFinite, lower < upper else {
            throw PlotError.invalidRange(lower: lower, upper: upper, detail: "needs finite lower < upper")
        }
        if scale == .logarithmic, lower <= 0 {
            throw PlotError.invalidRange(lower: lower, upper: upper, detail: "a logarithmic axis needs lower > 0")
        }
        self.lower = lower
        self.upper = upper
        self.scale = scale
    }

    /// An axis covering `values` (non-finite values, and non-positive ones on a log axis, ignored). Linear:
    /// widened outward to the nearest ticks of the nice step. Logarithmic: widened to whole decades. A
    /// constant signal gets a range of +-1 % (or +-1 for zero) around its value.
    public static func covering(_ values: [Double], scale: Scale = .linear, targetTicks: Int = 6) throws -> Axis {
        let usable = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }
        guard var lo = usable.min(), var hi = usable.max() else {
            throw PlotError.noData(detail: scale == .linear ? "no finite values" : "no positive finite values for a logarithmic axis")
        }
        switch scale {
        case .linear:
            if lo == hi {
                let pad = lo == 0 ? 1 : abs(lo) * 0.01
                lo -= pad
                hi += pad
            }
            let step = niceStep(span: hi - lo, targetTicks: targetTicks)
            return try Axis(lower: (lo / step).rounded(.down) * step, upper: (hi / step).rounded(.up) * step, scale: .linear)
        case .logarithmic:
            var a = log10(lo).rounded(.down), b = log10(hi).rounded(.up)
            if a == b { a -= 1; b += 1 }
            return try Axis(lower: pow(10, a), upper: pow(10, b), scale: .logarithmic)
        }
    }

    /// The 1-2-5 step giving about `targetTicks` ticks over `span`.
    public static func niceStep(span: Double, targetTicks: Int) -> Double {
        let raw = span / Double(max(1, targetTicks - 1))
        let exponent = log10(raw).rounded(.down)
        let base = pow(10, exponent)
        let mantissa = raw / base
        let nice: Double = mantissa <= 1 ? 1 : mantissa <= 2 ? 2 : mantissa <= 5 ? 5 : 10
        return nice * base
    }

    /// Where `value` lies along the axis: 0 at `lower`, 1 at `upper` (linear in the value or its log10).
    /// Values outside the range give fractions outside [0, 1]; a non-positive value on a log axis gives nil.
    public func fraction(_ value: Double) -> Double? {
        switch scale {
        case .linear:
            return (value - lower) / (upper - lower)
        case .logarithmic:
            guard value > 0 else { return nil }
            return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
    }

    /// Tick marks inside the range, with labels.
    public func ticks(target: Int = 6) -> [Tick] {
        switch scale {
        case .linear:
            let step = Axis.niceStep(span: upper - lower, targetTicks: target)
            let first = (lower / step - 1e-9).rounded(.up), last = (upper / step + 1e-9).rounded(.down)
            guard first <= last else { return [] }
            return stride(from: first, through: last, by: 1).map { k in
                let v = k * step
                return Tick(value: v, label: Axis.label(v == 0 ? 0 : v, step: step))
            }
        case .logarithmic:
            let a = Int((log10(lower) - 1e-9).rounded(.up)), b = Int((log10(upper) + 1e-9).rounded(.down))
            guard a <= b else { return [] }
            let every = max(1, (b - a + target - 1) / target)
            return stride(from: a, through: b, by: every).map { e in Tick(value: pow(10, Double(e)), label: "1e\(e)") }
        }
    }

    /// A linear tick label: as many decimals as the step needs, exponent form for very large or small values.
    static func label(_ value: Double, step: Double) -> String {
        let magnitude = max(abs(value), step)
        if magnitude >= 1e5 || magnitude < 1e-3 {
            let exponent = Int(log10(step).rounded(.down))
            let digits = max(0, Int(log10(magnitude).rounded(.down)) - exponent)
            return compactExponent(String(format: "%.\(digits)e", value))
        }
        let decimals = max(0, -Int(log10(step).rounded(.down)))
        return String(format: "%.\(decimals)f", value)
    }

    /// "2.5e+05" -> "2.5e5", "1.0e-04" -> "1.0e-4".
    static func compactExponent(_ text: String) -> String {
        guard let e = text.firstIndex(of: "e") else { return text }
        var exponent = text[text.index(after: e)...]
        var sign = ""
        if exponent.first == "+" { exponent = exponent.dropFirst() } else if exponent.first == "-" { sign = "-"; exponent = exponent.dropFirst() }
        let digits = exponent.drop(while: { $0 == "0" })
        return String(text[..<e]) + "e" + sign + (digits.isEmpty ? "0" : String(digits))
    }
}
