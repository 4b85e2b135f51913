import Foundation
import Plot
import SafeIO
import TestSupport
import Workflows
import XCTest

/// `FigureFile`: the format from the extension, the file claimed as an output named by --plot, the SVG
/// written atomically and readable.
final class FigureFileTests: XCTestCase {
    func testFormatTargetAndAtomicSVG() throws {
        XCTAssertEqual(try FigureFile(path: "a/b.SVG").format, .svg)
        XCTAssertEqual(try FigureFile(path: "b.png").format, .png)
        XCTAssertThrowsError(try FigureFile(path: "b.pdf")) {
            XCTAssertEqual("\($0)", "--plot 'b.pdf': the figure's format is its extension: .svg (drawn by spinode) or .png (needs python3 with matplotlib)")
        }
        let dir = try makeTemporaryDirectory(self)
        let file = try FigureFile(path: dir + "/f.svg")
        XCTAssertEqual(file.target, OutputTarget(dir + "/f.svg", option: "--plot"))
        XCTAssertNil(try file.checkRenderer())
        let plot = LinePlot(title: "t", xLabel: "t (ns)", yLabel: "mz (dimensionless)", series: [.init(name: "mz", x: [0, 1], y: [0, 1])])
        try file.write(PanelFigure(panels: [plot, plot]))
        let figure = try SVGFigure(contentsOf: dir + "/f.svg")
        XCTAssertEqual(figure.panels.count, 2)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["f.svg"])   // no temporary left
        // Nothing finite to draw: one line naming the file.
        let empty = PanelFigure(panels: [LinePlot(title: "t", xLabel: "x", yLabel: "y", series: [.init(name: "nan", x: [0], y: [.nan])])])
        XCTAssertThrowsError(try file.write(empty)) { XCTAssertTrue("\($0)".hasPrefix("cannot draw '\(dir)/f.svg': plot: "), "\($0)") }
    }
}
