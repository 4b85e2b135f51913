import Foundation
import Plot
import TraceIO

/// Demo part (e): the figures, each written as SVG by the toolkit's own `LinePlot` and its data as CSV
/// next to it (same name), then redrawn as PNG by scripts/plot.py when python3 with matplotlib is present.
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

    public static func plots(prediction p: DemoPrediction, reservoir: DemoReservoir?) -> [(String, LinePlot)] {
        let ns = (0..<p.samples).map { (p.t0 + Double($0) * p.sampleInterval) * 1e9 }
        let yLabel = p.outputUnit.isEmpty ? "\(p.outputName) (dimensionless)" : "\(p.outputName) (\(p.outputUnit))"
        let truth = LinePlot.Series(name: "micromagnetic reference (truth)", x: ns, y: p.truth, colour: LinePlot.palette[6])
        let predicted = LinePlot.Series(name: "surrogate (free-running)", x: ns, y: p.prediction, colour: LinePlot.palette[1])
        var plots = [(String, LinePlot)]()
        let zoomSamples = min(p.samples, max(2, Int((zoomSeconds / p.sampleInterval).rounded()) + 1))
        let start = min(p.samples - zoomSamples, max(0, Int((zoomStartSeconds / p.sampleInterval).rounded())))
        let window = start..<(start + zoomSamples)
        let span = (p.truth.max() ?? 0) - (p.truth.min() ?? 0)
        let first = ns[window.lowerBound], last = ns[window.upperBound - 1]
        let runTime = (first - ns[0])
        func zoomed(_ s: LinePlot.Series) -> LinePlot.Series {
            var z = s
            z.x = Array(s.x[window])
            z.y = Array(s.y[window])
            return z
        }
        plots.append(("prediction-zoom", LinePlot(
            title: String(format: "Held-out trace '%@', %.3g ns after %.4g ns of free running", p.trace, last - first, runTime),
            xLabel: "t (ns)", yLabel: yLabel, series: [zoomed(truth), zoomed(predicted)], xRange: first...last,
            yRange: truthRange(Array(p.truth[window]), Array(p.prediction[window]), scale: span))))
        plots.append(("prediction-full", LinePlot(
            title: String(format: "Held-out trace '%@': %.4g ns, NRMSE %.3g", p.trace, ns[p.samples - 1] - ns[0] + p.sampleInterval * 1e9, p.metrics.nrmse),
            xLabel: "t (ns)", yLabel: yLabel, series: [truth, predicted], yRange: truthRange(p.truth, p.prediction, scale: span))))
        let truthSpectrum = WelchSpectrum(p.truth, sampleInterval: p.sampleInterval)
        let predictedSpectrum = WelchSpectrum(p.prediction, sampleInterval: p.sampleInterval)
        let nyquist = 0.5 / p.sampleInterval
        let dominant = p.metrics.truthFrequency ?? nyquist / 4
        let fMax = min(nyquist, max(20e9, 4 * dominant)) * 1e-9
        let squared = p.outputUnit.isEmpty ? "1/Hz" : "\(p.outputUnit)^2/Hz"
        // Bin 0 (the mean, removed) is left out.
        let ghz = Array(truthSpectrum.frequencies.dropFirst().map { $0 * 1e-9 })
        plots.append(("spectrum", LinePlot(
            title: String(format: "Power spectra of '%@' (Welch, %d-sample Hann segments)", p.trace, truthSpectrum.segmentLength),
            xLabel: "frequency (GHz)", yLabel: "power spectral density of \(p.outputName) (\(squared))",
            series: [.init(name: "micromagnetic reference (truth)", x: ghz, y: Array(truthSpectrum.density.dropFirst()), colour: LinePlot.palette[6]),
                     .init(name: "surrogate (free-running)", x: ghz, y: Array(predictedSpectrum.density.dropFirst()), colour: LinePlot.palette[1])],
            xRange: 0...fMax, yScale: .logarithmic)))
        if let r = reservoir {
            let h = { (run: DemoReservoir.Run) in run.perHorizon.indices.map(Double.init) }
            plots.append(("nrmse-horizon", LinePlot(
                title: "Mackey-Glass prediction, N = \(r.nodes) nodes (\(r.points) points)",
                xLabel: "prediction horizon H (Mackey-Glass samples)", yLabel: "test NRMSE (dimensionless)",
                series: [.init(name: "surrogate reservoir", x: h(r.surrogate), y: r.surrogate.perHorizon, colour: LinePlot.palette[1], markers: true),
                         .init(name: "echo state network", x: h(r.esn), y: r.esn.perHorizon, colour: LinePlot.palette[0], markers: true)])))
        }
        return plots
    }

    /// A y range for truth and prediction: nil (fitted to both) unless the prediction is not finite or strays
    /// beyond the truth's range by more than twice `scale` (the whole trace's truth span): a diverging run. Then
    /// the truth's range widened by `scale` on each side, so the truth stays readable and the runaway prediction
    /// is clipped. A prediction that is merely wrong stays in view.
    public static func truthRange(_ truth: [Double], _ prediction: [Double], scale: Double) -> ClosedRange<Double>? {
        guard let lo = truth.min(), let hi = truth.max(), scale > 0 else { return nil }
        let finite = prediction.filter(\.isFinite)
        if finite.count == prediction.count, let pLo = finite.min(), let pHi = finite.max(),
           pLo >= lo - 2 * scale, pHi <= hi + 2 * scale {
            return nil
        }
        return (lo - scale)...(hi + scale)
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
        guard let python = DemoFigures.pythonWithMatplotlib() else {
            return DemoFigures(figures: figures, pngNote: "skipped (python3 with matplotlib not found; SVGs written)")
        }
        progress.step("PNG copies with \(script) (matplotlib)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + figures.map(\.csv)
        process.standardOutput = FileHandle.standardError
        process.standardError = FileHandle.standardError
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return DemoFigures(figures: figures, pngNote: "failed (\(script) exited with status \(process.terminationStatus))")
        }
        for i in figures.indices {
            let png = (directory as NSString).appendingPathComponent(figures[i].name + ".png")
            if FileManager.default.fileExists(atPath: png) { figures[i].png = png }
        }
        return DemoFigures(figures: figures, pngNote: "written by \(script)")
    }

    /// python3 on PATH (or $SPINODE_PYTHON) that imports matplotlib, or nil.
    public static func pythonWithMatplotlib() -> String? {
        let environment = ProcessInfo.processInfo.environment
        var candidates = [String]()
        if let chosen = environment["SPINODE_PYTHON"] { candidates.append(chosen) }
        candidates += (environment["PATH"] ?? "/usr/bin").split(separator: ":").map { $0 + "/python3" }
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: candidate)
            probe.arguments = ["-c", "import matplotlib"]
            probe.standardOutput = FileHandle.nullDevice
            probe.standardError = FileHandle.nullDevice
            probe.standardInput = FileHandle.nullDevice
            guard (try? probe.run()) != nil else { continue }
            probe.waitUntilExit()
            if probe.terminationStatus == 0 { return candidate }
        }
        return nil
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
