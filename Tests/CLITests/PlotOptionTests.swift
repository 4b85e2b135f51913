import Foundation
import TestSupport
import XCTest

/// `--plot FILE.svg` of predict, fit, reservoir and simulate on tiny inputs: the SVG parses as XML and holds
/// the documented panels (Sources/Workflows/Figures), each with its axis labels (SI units), title and one
/// legend entry per series; the figure file is claimed like every output before any work.
final class PlotOptionTests: XCTestCase {
    func testPredictPlotShowsPredictionErrorAndSpectrumOfEachChannel() throws {
        let dir = try makeTemporaryDirectory(self)
        let (traces, model) = try importAndFitTinyModel(into: dir)
        let svg = dir + "/prediction.svg"
        let r = try jsonObject(try runSpinode(["predict", model, traces, "--out", dir + "/p.h5", "--plot", svg, "--json"]).stdout)
        XCTAssertEqual(r["plot"] as? String, svg)
        let metrics = try XCTUnwrap(((r["predictions"] as? [[String: Any]])?.first?["metrics"] as? [[String: Any]])?.first)
        let nrmse = try number(metrics["nrmse"])
        let figure = try SVGFigure(contentsOf: svg)
        // One output channel (x, in V): three panels of the default 760 x 440 stacked.
        XCTAssertEqual(figure.panels.count, 3)
        XCTAssertEqual(figure.width, 760)
        XCTAssertEqual(figure.height, 3 * 440)
        let (time, error, spectrum) = (figure.panels[0], figure.panels[1], figure.panels[2])
        XCTAssertEqual(time.title, "'osc' x: free-running prediction vs truth, NRMSE " + String(format: "%.4g", nrmse))
        // 300 samples of 0.1 ns: 0 ... 29.9 ns.
        XCTAssertEqual(time.xLabel, "t (ns)")
        XCTAssertEqual(time.yLabel, "x (V)")
        XCTAssertEqual(time.legend, ["truth", "prediction"])
        XCTAssertGreaterThanOrEqual(time.polylines, 2)
        XCTAssertEqual(Array(time.tickLabels.prefix(4)), ["0", "10", "20", "30"])   // x ticks come first
        XCTAssertEqual(error.xLabel, "t (ns)")
        XCTAssertEqual(error.yLabel, "prediction - truth (V)")
        XCTAssertEqual(error.legend, ["prediction - truth"])
        // Nyquist frequency 1 / (2 x 0.1 ns) = 5 GHz; amplitudes on a log axis (decade ticks "1eN").
        XCTAssertEqual(spectrum.xLabel, "frequency (GHz)")
        XCTAssertEqual(spectrum.yLabel, "amplitude of x (V)")
        XCTAssertEqual(spectrum.legend, ["truth", "prediction"])
        XCTAssertTrue(spectrum.tickLabels.contains("5"), "\(spectrum.tickLabels)")
        XCTAssertTrue(spectrum.tickLabels.contains { $0.hasPrefix("1e") }, "\(spectrum.tickLabels)")
        XCTAssertEqual(spectrum.title, "'osc' x: amplitude spectrum (Welch, 256-sample Hann)")
    }

    func testPlotFileIsRefusedBeforeAnyWork() throws {
        let dir = try makeTemporaryDirectory(self)
        let (traces, model) = try importAndFitTinyModel(into: dir)
        let out = dir + "/p.h5"
        func refused(_ plot: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
            let r = try runProcess(try spinode(), ["predict", model, traces, "--out", out, "--plot", plot])
            XCTAssertNotEqual(r.status, 0, file: file, line: line)
            XCTAssertTrue(r.stderr.contains(expected), r.stderr, file: file, line: line)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "prediction written although --plot was refused", file: file, line: line)
        }
        try FileManager.default.createDirectory(atPath: dir + "/folder.svg", withIntermediateDirectories: false)
        try refused(dir + "/folder.svg", "--plot '\(dir)/folder.svg': is a directory")
        try refused(dir + "/figure.pdf", "the figure's format is its extension: .svg (drawn by spinode) or .png")
        try FileManager.default.createSymbolicLink(atPath: dir + "/input.svg", withDestinationPath: traces)
        try refused(dir + "/input.svg", "is the same file as the input '\(traces)'")
        try refused(dir + "/missing/figure.svg", "does not exist")
        // PNG: drawn by matplotlib when python3 has it, else refused up front naming what is missing.
        let png = dir + "/figure.png"
        if python(with: ["matplotlib"]) == nil {
            try refused(png, "a PNG is drawn by matplotlib, but python3 with matplotlib")
        } else {
            try runSpinode(["predict", model, traces, "--out", out, "--plot", png])
            let bytes = try XCTUnwrap(FileManager.default.contents(atPath: png))
            XCTAssertEqual(Array(bytes.prefix(4)), [0x89, 0x50, 0x4E, 0x47])   // PNG signature
        }
    }

    func testFitPlotShowsLossAndValidationAgainstIteration() throws {
        let dir = try makeTemporaryDirectory(self)
        let traces = try importOscillator(DrivenOscillator(samples: 300), into: dir)
        let svg = dir + "/training.svg"
        let fit = try jsonObject(try runSpinode(["fit", traces, "--out", dir + "/m.h5", "--iterations", "4", "--validate-every", "2",
                                                 "--hidden", "8", "--seed", "1", "--plot", svg, "--json"]).stdout)
        XCTAssertEqual(fit["plot"] as? String, svg)
        let validations = try XCTUnwrap(fit["validation"] as? [[String: Any]])
        let best = try XCTUnwrap(fit["best_iteration"] as? Int)
        let figure = try SVGFigure(contentsOf: svg)
        XCTAssertEqual(figure.panels.count, 2)
        let (loss, validation) = (figure.panels[0], figure.panels[1])
        XCTAssertEqual(loss.title, "spinode fit traces.h5: training loss")
        XCTAssertEqual(loss.xLabel, "iteration")
        XCTAssertEqual(loss.yLabel, "loss (MSE, normalised units, dimensionless)")
        XCTAssertEqual(loss.legend, ["minibatch loss"])
        XCTAssertEqual(loss.polylines, 1)
        XCTAssertTrue(loss.tickLabels.contains { $0.hasPrefix("1e") }, "log y axis: \(loss.tickLabels)")
        XCTAssertEqual(validation.yLabel, "validation NRMSE (dimensionless)")
        XCTAssertEqual(validation.legend, ["validation NRMSE", "best (iteration \(best), the model written)"])
        // Validations at iterations 0 (baseline), 2 and 4, one marker each, and the best one marked again.
        XCTAssertEqual(validations.map { $0["iteration"] as? Int }, [0, 2, 4])
        XCTAssertEqual(validation.markers, validations.count + 1)
    }

    func testReservoirPlotShowsNRMSEPerHorizonAndBothDevicesWithCompare() throws {
        let dir = try makeTemporaryDirectory(self)
        let svg = dir + "/horizon.svg"
        let output = try runSpinode(["reservoir", "mackey-glass", "--device", "esn", "--nodes", "20", "--seed", "1", "--plot", svg]).stdout
        XCTAssertTrue(output.contains("figure: \(svg)"), output)
        let figure = try SVGFigure(contentsOf: svg)
        XCTAssertEqual(figure.panels.count, 1)
        let panel = figure.panels[0]
        XCTAssertEqual(panel.xLabel, "prediction horizon H (task input samples)")
        XCTAssertEqual(panel.yLabel, "test NRMSE (dimensionless)")
        XCTAssertEqual(panel.legend.count, 1)
        XCTAssertEqual(panel.markers, 80)   // H = 0 ... 79
        XCTAssertTrue(panel.title.hasPrefix("mackey-glass, N = 20 nodes: "), panel.title)

        let compared = dir + "/compare.svg"
        let r = try jsonObject(try runSpinode(["reservoir", "mackey-glass", "--device", "auto-oscillator", "--compare", "auto-oscillator",
                                               "--compare-samples", "120", "--nodes", "8", "--plot", compared, "--json"]).stdout)
        let profile = try XCTUnwrap((r["comparison"] as? [String: Any])?["device_profile"] as? [Double])
        let both = try SVGFigure(contentsOf: compared)
        XCTAssertEqual(both.panels.count, 2)
        XCTAssertEqual(both.panels[0].markers, 80)
        XCTAssertEqual(both.panels[1].legend.count, 2)
        XCTAssertEqual(both.panels[1].legend[0], "auto-oscillator (reference)")
        XCTAssertEqual(both.panels[1].markers, 2 * profile.count)
        XCTAssertEqual(both.panels[1].title, "compared on the first 120 task samples (1920 ns)")   // 120 x 8 nodes x 2 x 1 ns
    }

    func testReservoirPlotOfATaskWithoutProfileShowsTheTestSet() throws {
        let dir = try makeTemporaryDirectory(self)
        let svg = dir + "/narma.svg"
        try runSpinode(["reservoir", "narma10", "--device", "esn", "--nodes", "20", "--seed", "1", "--plot", svg])
        let panel = try XCTUnwrap(try SVGFigure(contentsOf: svg).panels.first)
        XCTAssertEqual(panel.xLabel, "test step n (task input samples)")
        XCTAssertEqual(panel.yLabel, "narma10 output (dimensionless)")
        XCTAssertEqual(panel.legend.count, 2)
        XCTAssertEqual(panel.legend[0], "target")
        XCTAssertTrue(panel.legend[1].hasSuffix(" readout"), panel.legend[1])
    }

    func testSimulatePlotShowsAveragesAndDrivesAgainstTime() throws {
        let dir = try makeTemporaryDirectory(self)
        let spec = dir + "/film.toml"
        try TinyFilmSpec.text(relax: false, duration: "0.2e-9").write(toFile: spec, atomically: true, encoding: .utf8)
        let svg = dir + "/film.svg"
        let summary = try jsonObject(try runSpinode(["simulate", spec, "--out", dir + "/film.h5", "--plot", svg, "--json", "--quiet"]).stdout)
        XCTAssertEqual(summary["plot"] as? String, svg)
        let inputs = try XCTUnwrap(summary["inputs"] as? [String])
        // The carrier drive publishes the field deltaBz (T) and its dimensionless amplitude a: one panel per unit.
        XCTAssertEqual(inputs, ["deltaBz", "a"])
        let figure = try SVGFigure(contentsOf: svg)
        XCTAssertEqual(figure.panels.count, 3)
        let averages = figure.panels[0]
        XCTAssertEqual(averages.title, "tiny film: recorded averages")
        XCTAssertEqual(averages.xLabel, "t (ns)")
        XCTAssertEqual(averages.legend, ["<mx>", "<my>", "<mz>"])
        XCTAssertEqual(averages.yLabel, "<mx>, <my>, <mz> (dimensionless)")
        XCTAssertEqual(averages.polylines, 3)
        XCTAssertEqual(Array(averages.tickLabels.prefix(5)), ["0.00", "0.05", "0.10", "0.15", "0.20"])   // 0 ... 0.2 ns
        XCTAssertEqual(figure.panels[1].title, "tiny film: drives (T)")
        XCTAssertEqual(figure.panels[1].legend, ["deltaBz"])
        XCTAssertEqual(figure.panels[1].yLabel, "deltaBz (T)")
        XCTAssertEqual(figure.panels[2].legend, ["a"])
        XCTAssertEqual(figure.panels[2].yLabel, "a (dimensionless)")
        XCTAssertTrue(figure.panels.allSatisfy { $0.xLabel == "t (ns)" })
    }
}
