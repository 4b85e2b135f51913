import Devices
import Foundation
import Plot

/// `spinode simulate --plot`: the recorded averages (<mx>, <my>, <mz>, and any other recorded quantity)
/// and the drives against time in ns, one panel per unit (quantities sharing a unit share a panel), the
/// recorded outputs first, then the drives.
public enum SimulationFigure {
    /// A named channel in its SI unit ("" for dimensionless).
    public struct Channel: Sendable {
        public var name: String
        public var unit: String
        public var values: [Double]

        public init(name: String, unit: String, values: [Double]) {
            self.name = name
            self.unit = unit
            self.values = values
        }
    }

    /// The figure of a run of a simulation spec (`SimulationRunner`), titled `title`.
    public static func figure(_ r: SimulationResult, title: String) -> PanelFigure {
        figure(title: title, times: r.times,
               outputs: r.outputNames.indices.map { j in Channel(name: r.outputNames[j], unit: r.outputUnits[j], values: r.outputs.map { $0[j] }) },
               drives: r.inputNames.indices.map { j in Channel(name: r.inputNames[j], unit: r.inputUnits[j], values: r.inputs.map { $0[j] }) })
    }

    /// The figure of a run titled `title`, sampled at `times` (seconds).
    public static func figure(title: String, times: [Double], outputs: [Channel], drives: [Channel]) -> PanelFigure {
        let ns = times.map { $0 * 1e9 }
        var panels = [LinePlot]()
        for (group, kind) in [(outputs, "recorded averages"), (drives, "drives")] {
            var units = [String]()
            for c in group where !units.contains(c.unit) { units.append(c.unit) }
            for unit in units {
                let members = group.filter { $0.unit == unit }
                let names = members.map { kind == "recorded averages" ? "<\($0.name)>" : $0.name }
                panels.append(LinePlot(
                    title: "\(title): \(kind)" + (units.count > 1 ? " (\(unit.isEmpty ? "dimensionless" : unit))" : ""),
                    xLabel: "t (ns)", yLabel: names.joined(separator: ", ") + " (\(unit.isEmpty ? "dimensionless" : unit))",
                    series: zip(members, names).enumerated().map { i, pair in
                        .init(name: pair.1, x: ns, y: pair.0.values, colour: LinePlot.palette[i % LinePlot.palette.count])
                    }))
            }
        }
        return PanelFigure(panels: panels.filter { (try? $0.frame()) != nil })
    }
}
