/// An SI-prefixed unit for an axis, so that its tick labels read as plain numbers (1.5 ns, not 1.5e-9 s):
/// data in the base unit are multiplied by `scale` before they are plotted, and `unit` goes into the label.
public struct AxisUnit: Sendable, Equatable {
    public var scale: Double
    public var unit: String

    public init(scale: Double, unit: String) {
        self.scale = scale
        self.unit = unit
    }

    /// Seconds shown in the largest of ps, ns, us, ms, s under which `magnitude` (s) is at least 1 (s for 0).
    public static func time(magnitude: Double) -> AxisUnit {
        choose(magnitude, [(1e-12, 1e12, "ps"), (1e-9, 1e9, "ns"), (1e-6, 1e6, "us"), (1e-3, 1e3, "ms"), (1, 1, "s")])
    }

    /// Hertz shown in the largest of Hz, kHz, MHz, GHz, THz under which `magnitude` (Hz) is at least 1.
    public static func frequency(magnitude: Double) -> AxisUnit {
        choose(magnitude, [(1, 1, "Hz"), (1e3, 1e-3, "kHz"), (1e6, 1e-6, "MHz"), (1e9, 1e-9, "GHz"), (1e12, 1e-12, "THz")])
    }

    /// `units`: (size of the unit in the base unit, scale = its inverse written exactly, name), ascending.
    private static func choose(_ magnitude: Double, _ units: [(size: Double, scale: Double, name: String)]) -> AxisUnit {
        let m = abs(magnitude)
        // The base unit (size 1) when the magnitude is zero or not finite.
        guard m.isFinite, m > 0 else { return AxisUnit(scale: 1, unit: units.first { $0.size == 1 }!.name) }
        let chosen = units.last { m >= $0.size } ?? units[0]
        return AxisUnit(scale: chosen.scale, unit: chosen.name)
    }
}

/// "mz (dimensionless)", "deltaKu1 (J/m^3)": a quantity and its unit as an axis label.
func quantityLabel(_ name: String, unit: String) -> String {
    unit.isEmpty ? "\(name) (dimensionless)" : "\(name) (\(unit))"
}
