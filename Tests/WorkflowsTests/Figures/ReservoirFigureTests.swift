import Foundation
import Plot
import Reservoir
import Workflows
import XCTest

/// `ReservoirFigure`: a profile against its own index (the horizons), labelled per profile; the test set of
/// a task without a profile.
final class ReservoirFigureTests: XCTestCase {
    func testHorizonProfileUsesTheHorizons() throws {
        let result = ReservoirResult(task: "mackey-glass", source: "esn", nodes: 20, metrics: ["nrmse_h1": 0.01],
                                     profiles: ["nrmse_per_horizon": [0.01, 0.05, 0.2], "horizons": [1, 10, 40]],
                                     ridgeLambdas: [1e-6], trainSamples: 100, testSamples: 50)
        let figure = ReservoirFigure.figure(result: result, comparison: nil)
        XCTAssertEqual(figure.panels.count, 1)
        let p = figure.panels[0]
        XCTAssertEqual(p.title, "mackey-glass, N = 20 nodes: nrmse_h1 0.01")
        XCTAssertEqual(p.series.map(\.name), ["esn"])
        XCTAssertEqual(p.xLabel, "prediction horizon H (task input samples)")
        XCTAssertEqual(p.yLabel, "test NRMSE (dimensionless)")
        XCTAssertEqual(p.series.map(\.x), [[1, 10, 40]])
        XCTAssertEqual(p.series.map(\.markers), [true])
    }

    func testCapacityAndTestSeries() throws {
        let capacity = ReservoirResult(task: "memory-capacity", source: "esn", nodes: 4, metrics: ["capacity": 1.5],
                                       profiles: ["capacity_per_delay": [1, 0.4, 0.1]], ridgeLambdas: [0], trainSamples: 10, testSamples: 10)
        let c = ReservoirFigure.figure(result: capacity, comparison: nil).panels[0]
        XCTAssertEqual(c.xLabel, "delay k (task input samples)")
        XCTAssertEqual(c.yLabel, "capacity r^2 (dimensionless)")
        XCTAssertEqual(c.series[0].x, [0, 1, 2])
        var narma = ReservoirResult(task: "narma10", source: "esn", nodes: 4, metrics: ["nrmse": 0.3], ridgeLambdas: [0],
                                    trainSamples: 10, testSamples: 3)
        narma.testSeries = ["test_target": [0.1, 0.2, 0.3], "test_prediction": [0.1, 0.25, 0.28]]
        let n = ReservoirFigure.figure(result: narma, comparison: nil).panels[0]
        XCTAssertEqual(n.series.map(\.name), ["target", "esn readout"])
        XCTAssertEqual(n.series[1].y, [0.1, 0.25, 0.28])
        XCTAssertEqual(n.xLabel, "test step n (task input samples)")
        // The test series are for figures only: the JSON of a result is unchanged.
        XCTAssertFalse(try JSONOutput.string(narma).contains("test_target"))
        XCTAssertFalse(try JSONOutput.string(narma).contains("test_prediction"))
    }
}
