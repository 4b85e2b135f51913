import Foundation
import Plot
import Surrogate
import Workflows
import XCTest

/// `TrainingFigure`: loss per iteration and validation NRMSE per validation, log y, the best one marked.
final class TrainingFigureTests: XCTestCase {
    func testLossAndValidationPanels() throws {
        var loss = TrainingFigure.LossHistory()
        for i in 1...10 { loss.record(iteration: i, loss: 1 / Double(i)) }
        let validation = [ValidationRecord(iteration: 0, nrmse: 1.2, loss: nil), ValidationRecord(iteration: 5, nrmse: 0.3, loss: 0.2),
                          ValidationRecord(iteration: 10, nrmse: 0.4, loss: 0.1)]
        let figure = TrainingFigure.figure(loss: loss, validation: validation, bestIteration: 5, title: "run")
        XCTAssertEqual(figure.panels.count, 2)
        XCTAssertEqual(figure.panels[0].series[0].x, (1...10).map(Double.init))
        XCTAssertEqual(figure.panels[0].yScale, .logarithmic)
        XCTAssertEqual(figure.panels[0].xLabel, "iteration")
        XCTAssertEqual(figure.panels[1].yScale, .logarithmic)
        XCTAssertEqual(figure.panels[1].series.map(\.name), ["validation NRMSE", "best (iteration 5, the model written)"])
        XCTAssertEqual(figure.panels[1].series[1].y, [0.3])
        XCTAssertNoThrow(try figure.svg())
    }

    func testNoValidationOrAllDivergedLeavesTheLossAlone() throws {
        var loss = TrainingFigure.LossHistory()
        loss.record(iteration: 1, loss: 0.5)
        loss.record(iteration: 2, loss: .infinity)
        XCTAssertEqual(TrainingFigure.figure(loss: loss, validation: [], bestIteration: nil, title: "run").panels.count, 1)
        let diverged = [ValidationRecord(iteration: 2, nrmse: .infinity, loss: 0.5)]
        let figure = TrainingFigure.figure(loss: loss, validation: diverged, bestIteration: 2, title: "run")
        XCTAssertEqual(figure.panels.map(\.title), ["run: training loss"])
        XCTAssertNoThrow(try figure.svg())
    }
}
