import Foundation

/// A minimal SVG 1.1 writer: the few elements a line plot needs, with attribute values escaped as XML
/// requires (W3C XML 1.0, section 2.4: &, <, > and quotes) and coordinates rounded to 0.01 px.
struct SVGMarkup {
    private var body: String
    private let width: Double, height: Double

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
        body = ""
    }

    static func escape(_ text: String) -> String {
        var s = ""
        s.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": s += "&amp;"
            case "<": s += "&lt;"
            case ">": s += "&gt;"
            case "\"": s += "&quot;"
            case "'": s += "&apos;"
            default: s.append(c)
            }
        }
        return s
    }

    static func number(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        if r == r.rounded() && abs(r) < 1e15 { return String(Int(r)) }
        return String(format: "%.2f", r)
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String?, stroke: String?, opacity: Double = 1) {
        let n = SVGMarkup.number
        body += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"\(fill ?? "none")\""
            + (stroke.map { " stroke=\"\($0)\" stroke-width=\"1\"" } ?? "") + (opacity < 1 ? " fill-opacity=\"\(opacity)\"" : "") + "/>\n"
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double, dashed: Bool = false) {
        let n = SVGMarkup.number
        body += "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\""
            + (dashed ? " stroke-dasharray=\"6 4\"" : "") + "/>\n"
    }

    mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double, dashed: Bool) {
        let n = SVGMarkup.number
        body += "<polyline fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\" stroke-linejoin=\"round\""
            + (dashed ? " stroke-dasharray=\"6 4\"" : "") + " points=\""
        body += points.map { n($0.x) + "," + n($0.y) }.joined(separator: " ")
        body += "\"/>\n"
    }

    mutating func circle(cx: Double, cy: Double, r: Double, fill: String) {
        let n = SVGMarkup.number
        body += "<circle cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"\(n(r))\" fill=\"\(fill)\"/>\n"
    }

    mutating func text(_ content: String, x: Double, y: Double, anchor: String, size: Double, bold: Bool = false, rotate: Double? = nil) {
        let n = SVGMarkup.number
        body += "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\" font-size=\"\(n(size))\""
            + (bold ? " font-weight=\"bold\"" : "")
            + (rotate.map { " transform=\"rotate(\(n($0)) \(n(x)) \(n(y)))\"" } ?? "")
            + ">" + SVGMarkup.escape(content) + "</text>\n"
    }

    mutating func beginClip(id: String, x: Double, y: Double, width: Double, height: Double) {
        let n = SVGMarkup.number
        body += "<clipPath id=\"\(id)\"><rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\"/></clipPath>\n"
        body += "<g clip-path=\"url(#\(id))\">\n"
    }

    mutating func endClip() { body += "</g>\n" }

    /// Starts a group whose contents are shifted by (dx, dy): a panel of a `PanelFigure`.
    mutating func beginGroup(translateX dx: Double, y dy: Double) {
        body += "<g transform=\"translate(\(SVGMarkup.number(dx)) \(SVGMarkup.number(dy)))\">\n"
    }

    mutating func endGroup() { body += "</g>\n" }

    func finished() -> String {
        let n = SVGMarkup.number
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(n(width))\" height=\"\(n(height))\" "
            + "viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
            + body + "</svg>\n"
    }
}
