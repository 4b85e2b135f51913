import Foundation

extension RawTrace {
    /// Largest relative difference |dt_trace - dt_model| / dt_model accepted between a trace's sample
    /// interval and a model's (or a drive's and a trace's). The surrogate steps sample by sample, so a
    /// difference r shifts the time grids apart by r N intervals over N samples: 1e-6 is 0.02 of an
    /// interval over a 20,000-sample test trace, below what the RK4 step resolves, while two imports
    /// of parts of one table (times printed to 7 digits) differ by about 1e-7.
    public static let sampleIntervalTolerance = 1e-6

    /// This trace on `model`'s sampling interval, with the relative difference of the two, when that
    /// is within `sampleIntervalTolerance`.
    /// - Throws: `SurrogateError.invalidTrace` stating both intervals and how to resample.
    public func conformingSampleInterval(to model: SurrogateModel) throws -> (trace: RawTrace, relativeDifference: Double) {
        let difference = (sampleInterval - model.sampleInterval) / model.sampleInterval
        guard abs(difference) <= RawTrace.sampleIntervalTolerance else {
            throw SurrogateError.invalidTrace(
                "trace '\(name)' is sampled every \(sampleInterval) s, the model every \(model.sampleInterval) s "
                + "(relative difference \(String(format: "%.2g", difference)), tolerance \(RawTrace.sampleIntervalTolerance)): "
                + "resample the table onto the model's interval with 'spinode import ... --resample \(model.sampleInterval)'")
        }
        var copy = self
        copy.sampleInterval = model.sampleInterval
        return (copy, difference)
    }
}
