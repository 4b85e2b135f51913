import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An SVG figure written by the Plot module (`LinePlot.svg()`, `PanelFigure.svg()`), read back with
/// Foundation's XMLParser (libxml2; a malformed document throws) into what a test checks: per panel its
/// title (bold text), axis labels (the x label at font size 14, the y label rotated), legend entries
/// (start-anchored text), tick labels and the curves drawn (polylines, marker circles).
public struct SVGFigure {
    public struct Panel: Equatable {
        public var title = ""
        public var xLabel = ""
        public var yLabel = ""
        public var legend: [String] = []
        public var tickLabels: [String] = []
        public var polylines = 0
        public var markers = 0
    }

    public var width: Double
    public var height: Double
    public var panels: [Panel]

    public struct MalformedSVG: Error, CustomStringConvertible {
        public var description: String
    }

    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw MalformedSVG(description: "\(path): cannot read") }
        try self.init(data: data, name: path)
    }

    public init(data: Data, name: String = "SVG") throws {
        let parser = XMLParser(data: data)
        let reader = Reader()
        parser.delegate = reader
        guard parser.parse(), let root = reader.root else {
            throw MalformedSVG(description: "\(name): not well-formed XML: \(String(describing: parser.parserError))")
        }
        guard root.name == "svg", let w = root.attributes["width"].flatMap(Double.init),
              let h = root.attributes["height"].flatMap(Double.init) else {
            throw MalformedSVG(description: "\(name): root element \(root.name) without numeric width and height")
        }
        width = w
        height = h
        panels = reader.panels
    }

    /// Collects elements into panels: a `<g transform="translate(...)">` starts a panel (a single plot has none).
    final class Reader: NSObject, XMLParserDelegate {
        var root: (name: String, attributes: [String: String])?
        var panels: [Panel] = []
        private var textAttributes: [String: String] = [:]
        private var text = ""
        private var inText = false

        private func current() -> Int {
            if panels.isEmpty { panels.append(Panel()) }
            return panels.count - 1
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if root == nil { root = (name, attributes) }
            switch name {
            case "g" where attributes["transform"]?.hasPrefix("translate") == true:
                if let last = panels.last, last == Panel() { break }
                panels.append(Panel())
            case "polyline": panels[current()].polylines += 1
            case "circle": panels[current()].markers += 1
            case "text":
                inText = true
                text = ""
                textAttributes = attributes
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { text += string } }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            guard name == "text" else { return }
            inText = false
            let i = current()
            if textAttributes["font-weight"] == "bold" {
                panels[i].title = text
            } else if textAttributes["transform"]?.hasPrefix("rotate") == true {
                panels[i].yLabel = text
            } else if textAttributes["font-size"] == "14" {
                panels[i].xLabel = text
            } else if textAttributes["text-anchor"] == "start" {
                panels[i].legend.append(text)
            } else {
                panels[i].tickLabels.append(text)
            }
        }
    }
}
