import Foundation
import Plot
import TestSupport
import XCTest

/// Several line plots in one SVG: each panel drawn in its own group shifted down by the heights above it,
/// with its own clip path, labels and legend; the CSV holds every panel for scripts/plot.py.
final class PanelFigureTests: XCTestCase {
    let top = LinePlot(title: "prediction", xLabel: "t (ns)", yLabel: "mz (dimensionless)",
                       series: [.init(name: "truth", x: [0, 1, 2], y: [0, 1, 0]), .init(name: "prediction", x: [0, 1, 2], y: [0, 0.9, 0.1])])
    let bottom = LinePlot(title: "spectrum", xLabel: "frequency (GHz)", yLabel: "amplitude of mz (dimensionless)",
                          series: [.init(name: "truth", x: [1, 2, 3], y: [1e-3, 1e-1, 1e-2], markers: true)],
                          yScale: .logarithmic, height: 300)

    func testPanelsStackWithTheirOwnAxesLabelsAndClipPaths() throws {
        let svg = try PanelFigure(panels: [top, bottom]).svg()
        let figure = try SVGFigure(data: Data(svg.utf8))
        // Width of the widest panel, heights summed: 440 + 300.
        XCTAssertEqual(figure.width, 760)
        XCTAssertEqual(figure.height, 740)
        XCTAssertEqual(figure.panels.count, 2)
        XCTAssertEqual(figure.panels[0].title, "prediction")
        XCTAssertEqual(figure.panels[0].xLabel, "t (ns)")
        XCTAssertEqual(figure.panels[0].yLabel, "mz (dimensionless)")
        XCTAssertEqual(figure.panels[0].legend, ["truth", "prediction"])
        XCTAssertEqual(figure.panels[0].polylines, 2)
        XCTAssertEqual(figure.panels[1].title, "spectrum")
        XCTAssertEqual(figure.panels[1].xLabel, "frequency (GHz)")
        XCTAssertEqual(figure.panels[1].legend, ["truth"])
        XCTAssertEqual(figure.panels[1].markers, 3)
        for decade in ["1e-3", "1e-2", "1e-1"] { XCTAssertTrue(figure.panels[1].tickLabels.contains(decade), "\(figure.panels[1].tickLabels)") }
        // The second panel starts where the first ends; each clips to its own area.
        XCTAssertTrue(svg.contains("<g transform=\"translate(0 0)\">"))
        XCTAssertTrue(svg.contains("<g transform=\"translate(0 440)\">"))
        XCTAssertTrue(svg.contains("<clipPath id=\"area1\">") && svg.contains("<clipPath id=\"area2\">"))
        XCTAssertTrue(svg.contains("clip-path=\"url(#area2)\""))
    }

    func testSinglePlotSVGIsUnchangedAndCSVFormats() throws {
        // A lone LinePlot draws exactly as before panels existed (clip path "area", no group).
        let alone = try top.svg()
        XCTAssertTrue(alone.contains("<clipPath id=\"area\">"))
        XCTAssertFalse(alone.contains("translate("))
        XCTAssertEqual(PanelFigure(panels: [top]).csv(), top.csv())
        let csv = PanelFigure(panels: [top, bottom]).csv()
        XCTAssertTrue(csv.hasPrefix("# panels: 2\n# panel: 1\n# title: prediction\n"), csv)
        XCTAssertTrue(csv.contains("# panel: 2\n# title: spectrum\n"), csv)
        XCTAssertEqual(csv.components(separatedBy: "series,x,y\n").count, 3)
        XCTAssertThrowsError(try PanelFigure(panels: []).svg()) { XCTAssertEqual($0 as? PlotError, .noData(detail: "a figure needs at least one panel")) }
    }
}
