import Foundation
import Plot
import Workflows
import XCTest

/// `SimulationFigure`: recorded averages and drives against time in ns, one panel per unit.
final class SimulationFigureTests: XCTestCase {
    func testOnePanelPerUnit() throws {
        let t = [0, 1e-11, 2e-11]
        let figure = SimulationFigure.figure(
            title: "film", times: t,
            outputs: [.init(name: "mx", unit: "", values: [1, 0.9, 0.8]), .init(name: "my", unit: "", values: [0, 0.1, 0.2]),
                      .init(name: "E_total", unit: "J", values: [1e-18, 2e-18, 3e-18])],
            drives: [.init(name: "B_z", unit: "T", values: [0, 0.01, 0])])
        XCTAssertEqual(figure.panels.map(\.title), ["film: recorded averages (dimensionless)", "film: recorded averages (J)", "film: drives"])
        XCTAssertEqual(figure.panels[0].series.map(\.name), ["<mx>", "<my>"])
        XCTAssertEqual(figure.panels[0].yLabel, "<mx>, <my> (dimensionless)")
        XCTAssertEqual(figure.panels[0].series[0].x, [0, 0.01, 0.02])
        XCTAssertEqual(figure.panels[2].yLabel, "B_z (T)")
        XCTAssertTrue(figure.panels.allSatisfy { $0.xLabel == "t (ns)" })
    }
}
