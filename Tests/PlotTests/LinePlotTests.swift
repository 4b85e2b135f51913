import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Plot
import XCTest

/// The SVG line-plot writer: the document is well-formed XML (parsed back with Foundation's XMLParser,
/// libxml2), data points land on the pixels the axis mapping prescribes, text is escaped, and the CSV
/// form reads back bit for bit.
final class LinePlotTests: XCTestCase {
    /// Elements and attributes of an XML document, in document order; fails on malformed XML.
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String])] = []
        var texts: [String] = []
        private var current = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elements.append((name, attributes))
            current = ""
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "text" { texts.append(current) }
            current = ""
        }
    }

    func parse(_ svg: String, file: StaticString = #filePath, line: UInt = #line) throws -> Collector {
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        XCTAssertTrue(parser.parse(), "malformed SVG: \(String(describing: parser.parserError))", file: file, line: line)
        return collector
    }

    /// Pixel pairs of a polyline's points attribute.
    func points(_ attribute: String?) -> [[Double]] {
        (attribute ?? "").split(separator: " ").map { $0.split(separator: ",").map { Double($0)! } }
    }

    func testPointsMapToPixelsOfTheAxisRanges() throws {
        // Default 760 x 440 figure with margins left 84, right 24, top 44, bottom 60: the area is
        // x in [84, 736], y in [44, 380]. x range 0 ... 10, y range -1 ... 1:
        // (0, -1) -> (84, 380), (5, 0) -> (84 + 652 / 2, 44 + 336 / 2) = (410, 212), (10, 1) -> (736, 44),
        // (2.5, 0.5) -> (84 + 163, 44 + 84) = (247, 128).
        let plot = LinePlot(title: "mapping", xLabel: "t (ns)", yLabel: "mz",
                            series: [.init(name: "a", x: [0, 5, 10, 2.5], y: [-1, 0, 1, 0.5])],
                            xRange: 0...10, yRange: -1...1)
        let frame = try plot.frame()
        XCTAssertEqual(frame.left, 84); XCTAssertEqual(frame.top, 44)
        XCTAssertEqual(frame.width, 652); XCTAssertEqual(frame.height, 336)
        let p = try XCTUnwrap(frame.pixel(x: 5, y: 0))
        XCTAssertEqual(p.x, 410, accuracy: 1e-12); XCTAssertEqual(p.y, 212, accuracy: 1e-12)
        let doc = try parse(try plot.svg())
        XCTAssertEqual(doc.elements.first?.name, "svg")
        XCTAssertEqual(doc.elements.first?.attributes["viewBox"], "0 0 760 440")
        let lines = doc.elements.filter { $0.name == "polyline" }
        XCTAssertEqual(lines.count, 1)
        XCTAssertEqual(points(lines[0].attributes["points"]), [[84, 380], [410, 212], [736, 44], [247, 128]])
    }

    func testLogarithmicAxisMapsDecades() throws {
        // y from 1e-3 to 1e1 (4 decades over 336 px): 1e-1 is half way (y = 212), 1e-2 a quarter up (y = 296).
        let plot = LinePlot(title: "log", xLabel: "f (GHz)", yLabel: "power", series: [.init(name: "p", x: [0, 1], y: [1e-1, 1e-2])],
                            xRange: 0...1, yRange: 1e-3...1e1, yScale: .logarithmic)
        let doc = try parse(try plot.svg())
        let line = try XCTUnwrap(doc.elements.first { $0.name == "polyline" })
        XCTAssertEqual(points(line.attributes["points"]), [[84, 212], [736, 296]])
        // Ticks on the five decades, labelled 1e-3 ... 1e1.
        for label in ["1e-3", "1e-2", "1e-1", "1e0", "1e1"] { XCTAssertTrue(doc.texts.contains(label), "no tick \(label): \(doc.texts)") }
        // A non-positive value cannot be placed on a log axis: it breaks the line.
        let broken = LinePlot(title: "log", xLabel: "x", yLabel: "y",
                              series: [.init(name: "p", x: [0, 0.25, 0.5, 0.75, 1], y: [1, 0.1, 0, 0.1, 1])],
                              xRange: 0...1, yRange: 1e-3...1e1, yScale: .logarithmic)
        XCTAssertEqual(try parse(try broken.svg()).elements.filter { $0.name == "polyline" }.count, 2)
    }

    func testTicksLabelsLegendAndEscaping() throws {
        // Auto range of mz in [0.593, 0.647]: nice step 0.02 (span 0.054 / 5 = 0.0108 -> 2e-2), widened to
        // [0.58, 0.66]; ticks 0.58, 0.60, 0.62, 0.64, 0.66.
        let title = "prediction <vs> truth & \"quotes\""
        let plot = LinePlot(title: title, xLabel: "t (ns)", yLabel: "mz",
                            series: [.init(name: "truth", x: [0, 1, 2], y: [0.593, 0.62, 0.647]),
                                     .init(name: "surrogate", x: [0, 1, 2], y: [0.6, 0.61, 0.64], dashed: true)])
        let frame = try plot.frame()
        XCTAssertEqual(frame.y.lower, 0.58, accuracy: 1e-12)
        XCTAssertEqual(frame.y.upper, 0.66, accuracy: 1e-12)
        XCTAssertEqual(frame.y.ticks().map(\.label), ["0.58", "0.60", "0.62", "0.64", "0.66"])
        let doc = try parse(try plot.svg())
        XCTAssertTrue(doc.texts.contains(title), "title not read back: \(doc.texts)")
        XCTAssertTrue(doc.texts.contains("truth") && doc.texts.contains("surrogate"), "legend: \(doc.texts)")
        XCTAssertTrue(doc.texts.contains("t (ns)") && doc.texts.contains("mz"))
        XCTAssertEqual(doc.elements.filter { $0.name == "polyline" }.count, 2)
        XCTAssertEqual(doc.elements.filter { $0.name == "polyline" }[1].attributes["stroke-dasharray"], "6 4")
    }

    func testDecimationKeepsEnvelope() throws {
        // 20,000 samples of a sine with one spike, over 652 columns: at most 4 points per column survive,
        // and the global extremes (the spike) with the end points are among them.
        var pts = [(x: Double, y: Double)]()
        for i in 0..<20_000 {
            let t = Double(i)
            pts.append((x: 84 + 652 * t / 20_000, y: 212 + 100 * sin(t / 300)))
        }
        pts[12_345].y = 10
        let reduced = PolylineDecimation.reduce(pts)
        XCTAssertLessThanOrEqual(reduced.count, 4 * 653)
        XCTAssertTrue(reduced.contains { $0.x == pts[12_345].x && $0.y == 10 })
        XCTAssertEqual(reduced.first?.x, pts.first?.x)
        XCTAssertEqual(reduced.last?.x, pts.last?.x)
        let ys = reduced.map { $0.y }, xs = reduced.map { $0.x }, all = pts.map { $0.y }
        XCTAssertEqual(ys.min(), all.min())
        XCTAssertEqual(ys.max(), all.max())
        XCTAssertEqual(xs, xs.sorted())  // order kept
    }

    func testCSVReadsBackBitForBit() throws {
        let x = (0..<50).map { Double($0) * 5e-12 }, y = x.map { 0.62 + 1e-3 * sin($0 * 2.5e10) + 1e-17 }
        let plot = LinePlot(title: "t", xLabel: "t (s)", yLabel: "mz", series: [.init(name: "truth, mz", x: x, y: y)],
                            xRange: 0...1e-10, yScale: .linear)
        let lines = plot.csv().split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains("# xrange: 0.0 1e-10"))
        let header = try XCTUnwrap(lines.firstIndex(of: "series,x,y"))
        let rows = lines[(header + 1)...]
        XCTAssertEqual(rows.count, 50)
        for (i, row) in rows.enumerated() {
            XCTAssertTrue(row.hasPrefix("\"truth, mz\","))
            let fields = row.dropFirst("\"truth, mz\",".count).split(separator: ",")
            XCTAssertEqual(Double(String(fields[0]))!.bitPattern, x[i].bitPattern)
            XCTAssertEqual(Double(String(fields[1]))!.bitPattern, y[i].bitPattern)
        }
    }

    func testBadRangesAndSeriesAreErrors() {
        XCTAssertThrowsError(try Axis(lower: 1, upper: 1))
        XCTAssertThrowsError(try Axis(lower: 0, upper: 1, scale: .logarithmic))
        XCTAssertThrowsError(try LinePlot(title: "", xLabel: "", yLabel: "", series: [.init(name: "s", x: [1, 2], y: [1])]).svg()) {
            XCTAssertEqual($0 as? PlotError, .lengthMismatch(series: "s", x: 2, y: 1))
        }
        XCTAssertThrowsError(try LinePlot(title: "", xLabel: "", yLabel: "", series: [.init(name: "s", x: [.nan], y: [1])]).svg())
    }
}
