import Foundation
import Plot
import Reservoir

/// `spinode reservoir --plot`: the task's figure of merit as a function of its index, for the whole task on
/// --device, and with --compare a second panel with both devices on the compared segment:
///
/// - mackey-glass: test NRMSE vs prediction horizon H (`nrmse_per_horizon`);
/// - memory-capacity, parity-capacity: r^2 vs delay k (`capacity_per_delay`);
/// - a custom task: test NRMSE per output (`nrmse_per_output`);
/// - narma10, sine-square (no profile): the test set step by step, target and readout output
///   (`ReservoirResult.testSeries`: NARMA10's y(n+1); the sine/square label and the predicted class).
///
/// The demo's NRMSE-vs-horizon figure is `horizonPanel`.
public enum ReservoirFigure {
    /// One curve of a profile panel: a device's values against the task's index.
    public struct Curve: Sendable {
        public var name: String
        public var index: [Double]
        public var values: [Double]
        public var colour: String

        public init(name: String, index: [Double], values: [Double], colour: String) {
            self.name = name
            self.index = index
            self.values = values
            self.colour = colour
        }
    }

    /// Axis labels of each known profile: (index label, value label).
    static let profileLabels: [String: (x: String, y: String)] = [
        "nrmse_per_horizon": ("prediction horizon H (task input samples)", "test NRMSE (dimensionless)"),
        "capacity_per_delay": ("delay k (task input samples)", "capacity r^2 (dimensionless)"),
        "nrmse_per_output": ("output index", "test NRMSE (dimensionless)"),
    ]

    /// The figure for `result` (the whole task) and, with --compare, `comparison` (the segment).
    public static func figure(result: ReservoirResult, comparison: DeviceComparison?) -> PanelFigure {
        var panels = [LinePlot]()
        // The devices' names go in the legends: titles stay short enough for the figure's width.
        let title = "\(result.task), N = \(result.nodes) nodes"
        if let panel = panel(title: title + metricsText(result.metrics),
                             curves: [(result.source, result, PredictionFigure.predictionColour)]) {
            panels.append(panel)
        }
        if let c = comparison, let device = c.deviceResult, let reference = c.referenceResult,
           let panel = panel(title: "compared on the first \(c.taskSamples) task samples (\(String(format: "%.4g", c.simulatedSeconds * 1e9)) ns)",
                             curves: [(c.reference + " (reference)", reference, PredictionFigure.truthColour),
                                      (device.source, device, PredictionFigure.predictionColour)]) {
            panels.append(panel)
        }
        return PanelFigure(panels: panels.filter { (try? $0.frame()) != nil })
    }

    /// A profile panel (markers) when the results have a profile, else a test-series panel (lines); nil when
    /// they have neither.
    static func panel(title: String, curves: [(name: String, result: ReservoirResult, colour: String)]) -> LinePlot? {
        guard let first = curves.first?.result else { return nil }
        if let key = first.profiles.keys.sorted().first(where: { $0 != "horizons" }) {
            let labels = profileLabels[key] ?? ("index", key.replacingOccurrences(of: "_", with: " ") + " (dimensionless)")
            return profilePanel(title: title, xLabel: labels.x, yLabel: labels.y, curves: curves.compactMap { c in
                guard let values = c.result.profiles[key] else { return nil }
                let index = c.result.profiles["horizons"].flatMap { $0.count == values.count ? $0 : nil }
                    ?? values.indices.map(Double.init)
                return Curve(name: c.name, index: index, values: values, colour: c.colour)
            })
        }
        guard first.testSeries["test_target"] != nil else { return nil }
        let classes = first.task == "sine-square"
        var series = [LinePlot.Series]()
        if let target = first.testSeries["test_target"] {
            series.append(.init(name: classes ? "label" : "target", x: target.indices.map(Double.init), y: target,
                                colour: PredictionFigure.truthColour))
        }
        for c in curves {
            guard let p = c.result.testSeries["test_prediction"] else { continue }
            series.append(.init(name: "\(c.name) readout", x: p.indices.map(Double.init), y: p, colour: c.colour,
                                dashed: c.colour == PredictionFigure.truthColour))
        }
        return LinePlot(title: title, xLabel: "test step n (task input samples)",
                        yLabel: classes ? "class (0 sine, 1 square)" : "\(first.task) output (dimensionless)", series: series)
    }

    /// Values against an index, with a marker per point (the demo's NRMSE-vs-horizon figure, too).
    public static func profilePanel(title: String, xLabel: String, yLabel: String, curves: [Curve]) -> LinePlot {
        LinePlot(title: title, xLabel: xLabel, yLabel: yLabel,
                 series: curves.map { .init(name: $0.name, x: $0.index, y: $0.values, colour: $0.colour, markers: true) })
    }

    /// ": nrmse 0.123, nrmse_train 0.1" for the title (at most two metrics, sorted by name).
    static func metricsText(_ metrics: [String: Double]) -> String {
        let shown = metrics.sorted { $0.key < $1.key }.prefix(2)
        return shown.isEmpty ? "" : ": " + shown.map { "\($0.key) \(String(format: "%.4g", $0.value))" }.joined(separator: ", ")
    }
}
