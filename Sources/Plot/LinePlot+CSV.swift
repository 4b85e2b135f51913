import Foundation

extension LinePlot {
    /// The plot's data and settings as CSV text for other plotting tools (scripts/plot.py):
    ///
    ///     # title: <title>
    ///     # xlabel: <x label>            # ylabel: <y label>
    ///     # xscale: linear|logarithmic   # yscale: ...
    ///     # xrange: <lower> <upper>      # yrange: ... (only when fixed)
    ///     # style: <name>,<colour>,solid|dashed,line|markers      one per series
    ///     series,x,y
    ///     <name>,<x>,<y>                 one row per point, series after series
    ///
    /// Numbers in Swift's shortest round-trip form (they read back bit for bit); names with commas or quotes
    /// are quoted as RFC 4180 says. Every point is written (no decimation).
    public func csv() -> String {
        var text = "# title: \(title)\n# xlabel: \(xLabel)\n# ylabel: \(yLabel)\n"
        text += "# xscale: \(xScale.rawValue)\n# yscale: \(yScale.rawValue)\n"
        if let r = xRange { text += "# xrange: \(r.lowerBound) \(r.upperBound)\n" }
        if let r = yRange { text += "# yrange: \(r.lowerBound) \(r.upperBound)\n" }
        func field(_ name: String) -> String {
            name.contains(",") || name.contains("\"") ? "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : name
        }
        for (i, s) in series.enumerated() {
            let colour = s.colour ?? LinePlot.palette[i % LinePlot.palette.count]
            text += "# style: \(field(s.name)),\(colour),\(s.dashed ? "dashed" : "solid"),\(s.markers ? "markers" : "line")\n"
        }
        text += "series,x,y\n"
        for s in series {
            let name = field(s.name)
            for i in 0..<min(s.x.count, s.y.count) { text += "\(name),\(s.x[i]),\(s.y[i])\n" }
        }
        return text
    }
}
