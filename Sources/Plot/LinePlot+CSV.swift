import Foundation

extension LinePlot {
    /// The plot's data and settings as CSV text for other plotting tools (scripts/plot.py):
    ///
    ///     # title: <title>
    ///     # xlabel: <x label>            # ylabel: <y label>
    ///     # xscale: linear|logarithmic   # yscale: ...
    ///     # xrange: <lower> <upper>      # yrange: ... (only when fixed)
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
        text += "series,x,y\n"
        for s in series {
            let name = s.name.contains(",") || s.name.contains("\"") ? "\"" + s.name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s.name
            for i in 0..<min(s.x.count, s.y.count) { text += "\(name),\(s.x[i]),\(s.y[i])\n" }
        }
        return text
    }
}
