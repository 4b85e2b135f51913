import Foundation

/// A line plot as data: titled axes with units, one or more named series, optional fixed axis ranges and
/// logarithmic scales. `svg()` draws it as a standalone SVG 1.1 document (axes, ticks, grid, labels,
/// legend) that any browser or image viewer opens; `csv()` writes the same data for other plotting tools
/// (scripts/plot.py redraws it with matplotlib).
public struct LinePlot: Sendable {
    /// One curve: y(x), drawn as a polyline through the points in order; non-finite points break the line.
    public struct Series: Sendable {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        /// Stroke colour (any SVG colour); nil takes the next colour of `LinePlot.palette`.
        public var colour: String?
        public var dashed: Bool
        /// Draw a marker at every point (for short series such as a metric per horizon).
        public var markers: Bool

        public init(name: String, x: [Double], y: [Double], colour: String? = nil, dashed: Bool = false, markers: Bool = false) {
            self.name = name
            self.x = x
            self.y = y
            self.colour = colour
            self.dashed = dashed
            self.markers = markers
        }
    }

    public var title: String
    /// Axis labels, with units, e.g. "t (ns)", "power spectral density (arb. units)".
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Shown ranges; nil: from the data (widened to nice ticks).
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var xScale: Axis.Scale
    public var yScale: Axis.Scale
    /// Size of the whole figure in SVG user units (pixels).
    public var width: Double
    public var height: Double

    /// Colour cycle (colour-blind-safe palette of Wong, Nat. Methods 8, 441 (2011)).
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

    /// Margins around the plotting area: room for the title, tick labels and axis labels.
    public static let margins = (left: 84.0, right: 24.0, top: 44.0, bottom: 60.0)

    public init(title: String, xLabel: String, yLabel: String, series: [Series] = [], xRange: ClosedRange<Double>? = nil,
                yRange: ClosedRange<Double>? = nil, xScale: Axis.Scale = .linear, yScale: Axis.Scale = .linear,
                width: Double = 760, height: Double = 440) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.xRange = xRange
        self.yRange = yRange
        self.xScale = xScale
        self.yScale = yScale
        self.width = width
        self.height = height
    }

    /// The plotting area and axes this plot is drawn with. Auto ranges cover the points of every series
    /// whose other coordinate lies inside a fixed range (so a zoomed x range gets a y range fitted to the
    /// zoomed data).
    public func frame() throws -> PlotFrame {
        for s in series where s.x.count != s.y.count {
            throw PlotError.lengthMismatch(series: s.name, x: s.x.count, y: s.y.count)
        }
        func inside(_ v: Double, _ range: ClosedRange<Double>?) -> Bool { range.map { $0.contains(v) } ?? true }
        let xAxis: Axis
        if let r = xRange {
            xAxis = try Axis(lower: r.lowerBound, upper: r.upperBound, scale: xScale)
        } else {
            xAxis = try Axis.covering(series.flatMap { s in s.x.indices.filter { inside(s.y[$0], yRange) }.map { s.x[$0] } },
                                      scale: xScale)
        }
        let yAxis: Axis
        if let r = yRange {
            yAxis = try Axis(lower: r.lowerBound, upper: r.upperBound, scale: yScale)
        } else {
            yAxis = try Axis.covering(series.flatMap { s in s.x.indices.filter { inside(s.x[$0], xRange) }.map { s.y[$0] } },
                                      scale: yScale)
        }
        let m = LinePlot.margins
        return PlotFrame(x: xAxis, y: yAxis, left: m.left, top: m.top, width: width - m.left - m.right,
                         height: height - m.top - m.bottom)
    }

    /// The plot as a standalone SVG document (UTF-8 text).
    public func svg() throws -> String {
        var out = SVGMarkup(width: width, height: height)
        try draw(into: &out, clipID: "area")
        return out.finished()
    }

    /// Draws the plot (background, grid, ticks, curves, frame, labels, legend) into `out` in its own user
    /// coordinates, the curves clipped by a clip path named `clipID` (unique within the document).
    func draw(into out: inout SVGMarkup, clipID: String) throws {
        let f = try frame()
        out.rect(x: 0, y: 0, width: width, height: height, fill: "white", stroke: nil)
        // Grid and ticks.
        let xTicks = f.x.ticks(), yTicks = f.y.ticks()
        let bottom = f.top + f.height, right = f.left + f.width
        for t in xTicks {
            guard let p = f.pixel(x: t.value, y: f.y.lower) else { continue }
            out.line(x1: p.x, y1: f.top, x2: p.x, y2: bottom, stroke: "#e3e3e3", width: 1)
            out.line(x1: p.x, y1: bottom, x2: p.x, y2: bottom + 5, stroke: "black", width: 1)
            out.text(t.label, x: p.x, y: bottom + 20, anchor: "middle", size: 12)
        }
        for t in yTicks {
            guard let p = f.pixel(x: f.x.lower, y: t.value) else { continue }
            out.line(x1: f.left, y1: p.y, x2: right, y2: p.y, stroke: "#e3e3e3", width: 1)
            out.line(x1: f.left - 5, y1: p.y, x2: f.left, y2: p.y, stroke: "black", width: 1)
            out.text(t.label, x: f.left - 8, y: p.y + 4, anchor: "end", size: 12)
        }
        // Curves, clipped to the plotting area.
        out.beginClip(id: clipID, x: f.left, y: f.top, width: f.width, height: f.height)
        var drawn = [(x: Double, y: Double)]()
        for (i, s) in series.enumerated() {
            let colour = s.colour ?? LinePlot.palette[i % LinePlot.palette.count]
            var segment = [(x: Double, y: Double)]()
            var all = [(x: Double, y: Double)]()
            func flush() {
                if segment.count >= 2 {
                    let reduced = PolylineDecimation.reduce(segment)
                    out.polyline(reduced, stroke: colour, width: 1.5, dashed: s.dashed)
                    drawn += reduced
                }
                segment.removeAll(keepingCapacity: true)
            }
            // Points beyond the x range are left out, except the neighbours of visible ones, which carry the
            // line to the edge of the area (the clip path cuts it there).
            let pixels = s.x.indices.map { f.pixel(x: s.x[$0], y: s.y[$0]) }
            func visible(_ j: Int) -> Bool {
                guard j >= 0 && j < pixels.count, let p = pixels[j] else { return false }
                return p.x >= f.left - 0.5 && p.x <= right + 0.5
            }
            for j in pixels.indices {
                if let p = pixels[j], visible(j) || visible(j - 1) || visible(j + 1) {
                    segment.append(p)
                    if visible(j) { all.append(p) }
                } else {
                    flush()
                }
            }
            flush()
            if s.markers { for p in all { out.circle(cx: p.x, cy: p.y, r: 2.5, fill: colour) }; drawn += all }
        }
        out.endClip()
        // Frame, labels, title.
        out.rect(x: f.left, y: f.top, width: f.width, height: f.height, fill: nil, stroke: "black")
        out.text(xLabel, x: f.left + f.width / 2, y: height - 14, anchor: "middle", size: 14)
        out.text(yLabel, x: 20, y: f.top + f.height / 2, anchor: "middle", size: 14, rotate: -90)
        out.text(title, x: width / 2, y: 26, anchor: "middle", size: 16, bold: true)
        // Legend inside the area.
        if !series.isEmpty {
            let rowHeight = 18.0
            let longest = series.map { $0.name.count }.max() ?? 0
            let boxWidth = 44 + 7.2 * Double(longest), boxHeight = 8 + rowHeight * Double(series.count)
            // The corner of the area where the box hides the fewest drawn points.
            let corners = [(right - boxWidth - 8, f.top + 8), (f.left + 8, f.top + 8),
                           (right - boxWidth - 8, bottom - boxHeight - 8), (f.left + 8, bottom - boxHeight - 8)]
            let hidden = corners.map { c in
                drawn.filter { $0.x >= c.0 && $0.x <= c.0 + boxWidth && $0.y >= c.1 && $0.y <= c.1 + boxHeight }.count
            }
            let (x0, y0) = corners[hidden.firstIndex(of: hidden.min()!)!]
            out.rect(x: x0, y: y0, width: boxWidth, height: boxHeight, fill: "white", stroke: "#999999", opacity: 0.9)
            for (i, s) in series.enumerated() {
                let colour = s.colour ?? LinePlot.palette[i % LinePlot.palette.count]
                let y = y0 + 4 + rowHeight * (Double(i) + 0.5)
                out.line(x1: x0 + 8, y1: y, x2: x0 + 32, y2: y, stroke: colour, width: 2, dashed: s.dashed)
                out.text(s.name, x: x0 + 38, y: y + 4, anchor: "start", size: 12)
            }
        }
    }
}
