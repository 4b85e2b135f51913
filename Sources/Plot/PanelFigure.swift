import Foundation

/// Several line plots stacked top to bottom in one figure, each panel with its own axes, labels and legend
/// (a prediction over time, its error and its spectrum; a training loss and a validation NRMSE). `svg()`
/// draws them into one SVG document, each panel in a group shifted down by the heights above it; `csv()`
/// writes every panel's data for scripts/plot.py, which redraws the figure as matplotlib subplots.
public struct PanelFigure: Sendable {
    public var panels: [LinePlot]

    public init(panels: [LinePlot]) {
        self.panels = panels
    }

    /// Width of the figure (the widest panel) and height (the panels' heights summed), SVG user units.
    public var width: Double { panels.map(\.width).max() ?? 0 }
    public var height: Double { panels.reduce(0) { $0 + $1.height } }

    /// The figure as one standalone SVG document. Throws `PlotError.noData` for a figure without panels,
    /// and any panel's own error.
    public func svg() throws -> String {
        guard !panels.isEmpty else { throw PlotError.noData(detail: "a figure needs at least one panel") }
        var out = SVGMarkup(width: width, height: height)
        var top = 0.0
        for (i, panel) in panels.enumerated() {
            out.beginGroup(translateX: 0, y: top)
            try panel.draw(into: &out, clipID: "area\(i + 1)")
            out.endGroup()
            top += panel.height
        }
        return out.finished()
    }

    /// The panels' data as one CSV text: a single panel exactly as `LinePlot.csv()`; several as
    ///
    ///     # panels: <count>
    ///     # panel: 1
    ///     <LinePlot.csv() of panel 1>
    ///     # panel: 2
    ///     ...
    public func csv() -> String {
        if panels.count == 1 { return panels[0].csv() }
        var text = "# panels: \(panels.count)\n"
        for (i, panel) in panels.enumerated() { text += "# panel: \(i + 1)\n" + panel.csv() }
        return text
    }
}
