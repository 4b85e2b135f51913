import Foundation
import Plot
import Workflows
import XCTest

/// `PredictionFigure`: three panels per channel (time, error, spectrum), two without truth; a diverged
/// prediction keeps the truth readable and drops out of the spectrum.
final class PredictionFigureTests: XCTestCase {
    /// 512 samples of 5 ps of a 10 GHz oscillation in A/m, and a prediction slightly off.
    func channel(truth: Bool = true, prediction: [Double]? = nil) -> PredictionFigure.Channel {
        let dt = 5e-12
        let t = (0..<512).map { Double($0) * dt }
        let x = t.map { 2e3 * sin(2 * Double.pi * 1e10 * $0) }
        return .init(trace: "test", output: "mx", unit: "A/m", t0: 1e-9, sampleInterval: dt, truth: truth ? x : nil,
                     prediction: prediction ?? x.map { 1.05 * $0 }, nrmse: 0.05)
    }

    func testPanelsOfOneChannel() throws {
        let figure = PredictionFigure.figure([channel()])
        XCTAssertEqual(figure.panels.count, 3)
        let (time, error, spectrum) = (figure.panels[0], figure.panels[1], figure.panels[2])
        XCTAssertEqual(time.title, "'test' mx: free-running prediction vs truth, NRMSE 0.05")
        // t from 1 ns to 1 + 511 x 5 ps = 3.555 ns: nanoseconds.
        XCTAssertEqual(time.xLabel, "t (ns)")
        XCTAssertEqual(time.series.first?.x.first ?? 0, 1, accuracy: 1e-12)
        XCTAssertEqual(time.series.first?.x.last ?? 0, 3.555, accuracy: 1e-12)
        XCTAssertEqual(time.yLabel, "mx (A/m)")
        XCTAssertEqual(time.series.map(\.name), ["truth", "prediction"])
        XCTAssertNil(time.yRange)
        XCTAssertEqual(error.yLabel, "prediction - truth (A/m)")
        let e = try XCTUnwrap(error.series.first)
        XCTAssertEqual(e.y[100], 0.05 * channel().truth![100], accuracy: 1e-9)
        // Nyquist 100 GHz; amplitude of the 10 GHz line (bin 10e9 x 256 x 5e-12 = 12.8: between bins, so
        // below 2e3 but of that order) on a log axis.
        XCTAssertEqual(spectrum.xLabel, "frequency (GHz)")
        XCTAssertEqual(spectrum.xRange, 0...100)
        XCTAssertEqual(spectrum.yScale, .logarithmic)
        XCTAssertEqual(spectrum.yLabel, "amplitude of mx (A/m)")
        let peak = try XCTUnwrap(spectrum.series[0].y.max())
        XCTAssertGreaterThan(peak, 1e3)
        XCTAssertLessThan(peak, 2e3)
        XCTAssertNoThrow(try figure.svg())
    }

    func testWithoutTruthAndDiverged() throws {
        let driven = PredictionFigure.figure([channel(truth: false)])
        XCTAssertEqual(driven.panels.count, 2)
        XCTAssertEqual(driven.panels[0].series.map(\.name), ["prediction"])
        XCTAssertEqual(driven.panels[0].title, "'test' mx: free-running prediction, NRMSE 0.05")
        XCTAssertEqual(driven.panels[1].series.map(\.name), ["prediction"])
        // A prediction that ran away to NaN: the time panel is clipped to the truth's range widened by its
        // span (+-2e3 -> -6e3 ... 6e3), and the spectrum shows the truth alone.
        var runaway = channel().truth!.map { 1.1 * $0 }
        for i in 300..<512 { runaway[i] = .nan }
        let diverged = PredictionFigure.figure([channel(prediction: runaway)])
        XCTAssertEqual(diverged.panels.count, 3)
        let range = try XCTUnwrap(diverged.panels[0].yRange)
        XCTAssertEqual(range.lowerBound, -6e3, accuracy: 1)
        XCTAssertEqual(range.upperBound, 6e3, accuracy: 1)
        XCTAssertEqual(diverged.panels[2].series.map(\.name), ["truth"])
        XCTAssertNoThrow(try diverged.svg())
    }
}
