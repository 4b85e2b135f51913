import Foundation
import Plot

/// `spinode predict --plot`: for every predicted trace and output channel three panels, top to bottom:
/// prediction and truth over time, the error prediction - truth over time, and the amplitude spectra of
/// both (`WelchSpectrum.amplitude`, in the channel's unit, log scale). A prediction driven by another
/// trace's inputs (`--input`) has no truth: its panels show the prediction and its spectrum only. The demo's
/// prediction figures are built from the same panels (`timePanel`, `powerSpectrumPanel`, `truthRange`).
public enum PredictionFigure {
    /// Colours of the truth (black) and the prediction (vermilion), in every prediction figure.
    public static let truthColour = LinePlot.palette[6]
    public static let predictionColour = LinePlot.palette[1]

    /// One output channel of one predicted trace, on the uniform grid t_n = t0 + n dt.
    public struct Channel: Sendable {
        public var trace: String
        public var output: String
        /// SI unit of the output ("" for dimensionless).
        public var unit: String
        /// Time of sample 0 and the sample interval, seconds.
        public var t0: Double
        public var sampleInterval: Double
        /// The recorded output (nil when the prediction was driven by another trace's inputs).
        public var truth: [Double]?
        public var prediction: [Double]
        /// NRMSE over samples 1 ... N-1 (`PredictionMetrics`), shown in the title.
        public var nrmse: Double?

        public init(trace: String, output: String, unit: String, t0: Double, sampleInterval: Double, truth: [Double]?,
                    prediction: [Double], nrmse: Double? = nil) {
            self.trace = trace
            self.output = output
            self.unit = unit
            self.t0 = t0
            self.sampleInterval = sampleInterval
            self.truth = truth
            self.prediction = prediction
            self.nrmse = nrmse
        }

        /// Sample times, seconds.
        public var times: [Double] { (0..<prediction.count).map { t0 + Double($0) * sampleInterval } }
    }

    /// The figure: three panels per channel (two without truth), in the order given. Panels with nothing
    /// finite to draw (a prediction that is NaN throughout, a constant signal's spectrum) are left out.
    public static func figure(_ channels: [Channel]) -> PanelFigure {
        var panels = [LinePlot]()
        for c in channels {
            let times = c.times
            let time = AxisUnit.time(magnitude: max(abs(times.first ?? 0), abs(times.last ?? 0)))
            let t = times.map { $0 * time.scale }
            let label = quantityLabel(c.output, unit: c.unit)
            let span = c.truth.map { ($0.max() ?? 0) - ($0.min() ?? 0) } ?? 0
            let title = "'\(c.trace)' \(c.output): free-running prediction" + (c.truth == nil ? "" : " vs truth")
                + (c.nrmse.map { String(format: ", NRMSE %.4g", $0) } ?? "")
            panels.append(timePanel(title: title, time: t, timeLabel: "t (\(time.unit))", valueLabel: label, truth: c.truth,
                                    truthName: "truth", prediction: c.prediction, predictionName: "prediction",
                                    yRange: c.truth.flatMap { truthRange($0, c.prediction, scale: span) }))
            if let truth = c.truth {
                let error = zip(c.prediction, truth).map { $0 - $1 }
                panels.append(LinePlot(title: "'\(c.trace)' \(c.output): error of the prediction",
                                       xLabel: "t (\(time.unit))", yLabel: "prediction - truth (\(c.unit.isEmpty ? "dimensionless" : c.unit))",
                                       series: [.init(name: "prediction - truth", x: t, y: error, colour: predictionColour)],
                                       yRange: span > 0 ? truthRange([0], error, scale: span) : nil))
            }
            panels.append(amplitudeSpectrumPanel(trace: c.trace, output: c.output, unit: c.unit, sampleInterval: c.sampleInterval,
                                                 truth: c.truth, prediction: c.prediction))
        }
        return PanelFigure(panels: panels.filter { (try? $0.frame()) != nil })
    }

    /// Truth and prediction over time (`time` already in the unit of `timeLabel`); truth first, in black.
    public static func timePanel(title: String, time: [Double], timeLabel: String, valueLabel: String, truth: [Double]?,
                                 truthName: String, prediction: [Double], predictionName: String,
                                 xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil) -> LinePlot {
        var series = [LinePlot.Series]()
        if let truth { series.append(.init(name: truthName, x: time, y: truth, colour: truthColour)) }
        series.append(.init(name: predictionName, x: time, y: prediction, colour: predictionColour))
        return LinePlot(title: title, xLabel: timeLabel, yLabel: valueLabel, series: series, xRange: xRange, yRange: yRange)
    }

    /// Peak amplitude spectra (`WelchSpectrum.amplitude`) of truth and prediction from 0 to the Nyquist
    /// frequency 1 / (2 dt), log y; bin 0 (the mean, removed) left out, and a series with no positive
    /// finite value (a diverged prediction) too.
    public static func amplitudeSpectrumPanel(trace: String, output: String, unit: String, sampleInterval dt: Double,
                                              truth: [Double]?, prediction: [Double]) -> LinePlot {
        let nyquist = 0.5 / dt
        let frequency = AxisUnit.frequency(magnitude: nyquist)
        var series = [LinePlot.Series]()
        var segmentLength = 0
        for (name, signal, colour) in [("truth", truth, truthColour), ("prediction", prediction, predictionColour)] {
            guard let signal, signal.allSatisfy(\.isFinite) else { continue }
            let spectrum = WelchSpectrum(signal, sampleInterval: dt)
            segmentLength = spectrum.segmentLength
            let f = spectrum.frequencies.dropFirst().map { $0 * frequency.scale }
            let a = Array(spectrum.amplitude.dropFirst())
            guard a.contains(where: { $0 > 0 && $0.isFinite }) else { continue }
            series.append(.init(name: name, x: Array(f), y: a, colour: colour))
        }
        return LinePlot(title: "'\(trace)' \(output): amplitude spectrum (Welch, \(segmentLength)-sample Hann)",
                        xLabel: "frequency (\(frequency.unit))",
                        yLabel: "amplitude of \(output) (\(unit.isEmpty ? "dimensionless" : unit))",
                        series: series, xRange: 0...(nyquist * frequency.scale), yScale: .logarithmic)
    }

    /// Power spectral densities (`WelchSpectrum.density`, Welch) of truth and prediction in GHz up to
    /// `maxGHz`, log y; bin 0 left out; `title` gets the Welch segment length. The demo's spectrum figure.
    public static func powerSpectrumPanel(title: (Int) -> String, output: String, unit: String, sampleInterval dt: Double,
                                          truth: [Double], truthName: String, prediction: [Double], predictionName: String,
                                          maxGHz: Double) -> LinePlot {
        let truthSpectrum = WelchSpectrum(truth, sampleInterval: dt)
        let predictedSpectrum = WelchSpectrum(prediction, sampleInterval: dt)
        let squared = unit.isEmpty ? "1/Hz" : "\(unit)^2/Hz"
        let ghz = Array(truthSpectrum.frequencies.dropFirst().map { $0 * 1e-9 })
        return LinePlot(
            title: title(truthSpectrum.segmentLength), xLabel: "frequency (GHz)", yLabel: "power spectral density of \(output) (\(squared))",
            series: [.init(name: truthName, x: ghz, y: Array(truthSpectrum.density.dropFirst()), colour: truthColour),
                     .init(name: predictionName, x: ghz, y: Array(predictedSpectrum.density.dropFirst()), colour: predictionColour)],
            xRange: 0...maxGHz, yScale: .logarithmic)
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
}
