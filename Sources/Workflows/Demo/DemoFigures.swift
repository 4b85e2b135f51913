import Foundation
import Plot
import TraceIO

/// Demo part (e): the figures (built by the shared panels of Workflows/Figures), each written as SVG by the
/// toolkit's own `LinePlot` and its data as CSV next to it (same name), then redrawn as PNG by scripts/plot.py
/// when python3 with matplotlib is present (`Matplotlib`).
public struct DemoFigures {
    public struct Figure {
        public var name: String
        public var svg: String
        public var csv: String
        public var png: String?
    }

    public var figures: [Figure]
    /// What happened to the PNG step, in words.
    public var pngNote: String

    /// Length of the zoomed window, and how long after the start of the held-out trace it begins,
    /// seconds (clamped to the trace). Early in the trace: the bundled skyrmion reference annihilates its
    /// skyrmion at t = 57.5 ns, 6.5 ns into `test`, an event the surrogate never saw in training.
    public static let zoomSeconds = 2e-9
    public static let zoomStartSeconds = 4e-9

    public static let truthName = "micromagnetic reference (truth)"
    public static let predictionName = "surrogate (free-running)"

    /// The demo's four figures, from the shared panels of `PredictionFigure` and `ReservoirFigure`.
    public static func plots(prediction p: DemoPrediction, reservoir: DemoReservoir?) -> [(String, LinePlot)] {
        let ns = (0..<p.samples).map { (p.t0 + Double($0) * p.sampleInterval) * 1e9 }
        let yLabel = p.outputUnit.isEmpty ? "\(p.outputName) (dimensionless)" : "\(p.outputName) (\(p.outputUnit))"
        var plots = [(String, LinePlot)]()
        let zoomSamples = min(p.samples, max(2, Int((zoomSeconds / p.sampleInterval).rounded()) + 1))
        let start = min(p.samples - zoomSamples, max(0, Int((zoomStartSeconds / p.sampleInterval).rounded())))
        let window = start..<(start + zoomSamples)
        let span = (p.truth.max() ?? 0) - (p.truth.min() ?? 0)
        let first = ns[window.lowerBound], last = ns[window.upperBound - 1]
        let runTime = (first - ns[0])
        plots.append(("prediction-zoom", PredictionFigure.timePanel(
            title: String(format: "Held-out trace '%@', %.3g ns after %.4g ns of free running", p.trace, last - first, runTime),
            time: Array(ns[window]), timeLabel: "t (ns)", valueLabel: yLabel, truth: Array(p.truth[window]), truthName: truthName,
            prediction: Array(p.prediction[window]), predictionName: predictionName, xRange: first...last,
            yRange: PredictionFigure.truthRange(Array(p.truth[window]), Array(p.prediction[window]), scale: span))))
        plots.append(("prediction-full", PredictionFigure.timePanel(
            title: String(format: "Held-out trace '%@': %.4g ns, NRMSE %.3g", p.trace, ns[p.samples - 1] - ns[0] + p.sampleInterval * 1e9, p.metrics.nrmse),
            time: ns, timeLabel: "t (ns)", valueLabel: yLabel, truth: p.truth, truthName: truthName, prediction: p.prediction,
            predictionName: predictionName, yRange: PredictionFigure.truthRange(p.truth, p.prediction, scale: span))))
        let nyquist = 0.5 / p.sampleInterval
        let dominant = p.metrics.truthFrequency ?? nyquist / 4
        let fMax = min(nyquist, max(20e9, 4 * dominant)) * 1e-9
        plots.append(("spectrum", PredictionFigure.powerSpectrumPanel(
            title: { String(format: "Power spectra of '%@' (Welch, %d-sample Hann segments)", p.trace, $0) },
            output: p.outputName, unit: p.outputUnit, sampleInterval: p.sampleInterval, truth: p.truth, truthName: truthName,
            prediction: p.prediction, predictionName: predictionName, maxGHz: fMax)))
        if let r = reservoir {
            let h = { (run: DemoReservoir.Run) in run.perHorizon.indices.map(Double.init) }
            plots.append(("nrmse-horizon", ReservoirFigure.profilePanel(
                title: "Mackey-Glass prediction, N = \(r.nodes) nodes (\(r.points) points)",
                xLabel: "prediction horizon H (Mackey-Glass samples)", yLabel: "test NRMSE (dimensionless)",
                curves: [.init(name: "surrogate reservoir", index: h(r.surrogate), values: r.surrogate.perHorizon, colour: LinePlot.palette[1]),
                         .init(name: "echo state network", index: h(r.esn), values: r.esn.perHorizon, colour: LinePlot.palette[0])])))
        }
        return plots
    }

    /// Writes every figure into `directory` (SVG and CSV, atomically), then PNGs through `plotScript`.
    public static func write(_ plots: [(String, LinePlot)], into directory: String, plotScript: String?,
                      progress: DemoProgress) throws -> DemoFigures {
        var figures = [Figure]()
        for (name, plot) in plots {
            let svg = (directory as NSString).appendingPathComponent(name + ".svg")
            let csv = (directory as NSString).appendingPathComponent(name + ".csv")
            try AtomicFile.write(Data(try plot.svg().utf8), to: svg)
            try AtomicFile.write(Data(plot.csv().utf8), to: csv)
            figures.append(Figure(name: name, svg: svg, csv: csv, png: nil))
        }
        progress.step("figures: \(figures.map { $0.name + ".svg" }.joined(separator: ", ")) in \(directory)")
        guard let script = plotScript else {
            return DemoFigures(figures: figures, pngNote: "skipped (scripts/plot.py not found)")
        }
        guard let python = Matplotlib.pythonWithMatplotlib() else {
            return DemoFigures(figures: figures, pngNote: "skipped (python3 with matplotlib not found; SVGs written)")
        }
        progress.step("PNG copies with \(script) (matplotlib)")
        let status = try Matplotlib(python: python, script: script).run(figures.map(\.csv))
        guard status == 0 else {
            return DemoFigures(figures: figures, pngNote: "failed (\(script) exited with status \(status))")
        }
        for i in figures.indices {
            let png = (directory as NSString).appendingPathComponent(figures[i].name + ".png")
            if FileManager.default.fileExists(atPath: png) { figures[i].png = png }
        }
        return DemoFigures(figures: figures, pngNote: "written by \(script)")
    }

    public var json: JSONValue {
        .object([
            ("png", .string(pngNote)),
            ("files", .array(figures.map { f in
                .object([("name", .string(f.name)), ("svg", .string(f.svg)), ("csv", .string(f.csv)),
                         ("png", f.png.map { .string($0) } ?? .null)])
            })),
        ])
    }
}
