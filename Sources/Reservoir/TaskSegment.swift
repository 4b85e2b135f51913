/// Shorter copies of the built-in tasks, for running a reference device (a micromagnetic simulation,
/// minutes of CPU per simulated ns) on a segment that both it and a fast device can afford.
///
/// A segment of `n` input samples keeps the task's definition (generator, seed, readout selection) and
/// scales its washout and train/test split in proportion to n / length, with the washout raised to at
/// least n / 10 (a short run needs a relatively longer washout for the same physical settling time) and
/// the test part at least n / 4. The segment's inputs are the first n inputs of the full task only where
/// the task's input does not depend on its length (Mackey-Glass, NARMA10, the capacities, sine/square).
public protocol SegmentableTask: ReservoirTask {
    /// The task shortened to `samples` input samples (time steps).
    /// - Throws: `ReservoirError.insufficientData` if the segment is too short for the task's scoring.
    func segment(samples: Int) throws -> any SegmentableTask
    /// Leading input samples of each sequence that the task discards before scoring (its washout).
    var washoutSamples: Int { get }
}

/// (washout, trainEnd) of a segment of n samples from the full task's (washout, trainEnd, length).
func segmentSplit(samples n: Int, washout: Int, trainEnd: Int, length: Int) -> (washout: Int, trainEnd: Int) {
    let scale = Double(n) / Double(length)
    let w = max(Int((Double(washout) * scale).rounded()), n / 10)
    let e = min(max(Int((Double(trainEnd) * scale).rounded()), w + 2), n - n / 4)
    return (w, e)
}

extension MackeyGlassPrediction: SegmentableTask {
    public var washoutSamples: Int { discard }
    /// Horizons are cut to those with at least n / 8 test rows (H <= n - trainEnd - n / 8).
    public func segment(samples n: Int) throws -> any SegmentableTask {
        let (w, e) = segmentSplit(samples: n, washout: discard, trainEnd: trainEnd, length: length)
        let hMax = min(horizons.upperBound, n - e - max(n / 8, 1))
        guard n >= 40, hMax >= horizons.lowerBound else {
            throw ReservoirError.insufficientData(task: name + " segment", needed: 40, available: n)
        }
        return MackeyGlassPrediction(generator: generator, length: n, discard: w, trainEnd: e,
                                     horizons: horizons.lowerBound...hMax, ridge: ridge)
    }
}

extension NARMA10Emulation: SegmentableTask {
    public var washoutSamples: Int { washout }
    public func segment(samples n: Int) throws -> any SegmentableTask {
        let (w, e) = segmentSplit(samples: n, washout: washout, trainEnd: trainEnd, length: length)
        guard n >= 40 else { throw ReservoirError.insufficientData(task: name + " segment", needed: 40, available: n) }
        return NARMA10Emulation(length: n, washout: max(w, 10), trainEnd: max(e, 12), seed: seed, ridge: ridge)
    }
}

extension SineSquareClassification: SegmentableTask {
    public var washoutSamples: Int { washout }
    /// `samples` is rounded down to whole 8-step periods.
    public func segment(samples n: Int) throws -> any SegmentableTask {
        let p = n / 8
        guard p >= 8 else { throw ReservoirError.insufficientData(task: name + " segment", needed: 64, available: n) }
        let train = min(max(Int((Double(trainPeriods) * Double(p) / Double(periods)).rounded()), 2), p - 2)
        return SineSquareClassification(periods: p, trainPeriods: train, washout: min(washout, 8 * train / 2),
                                        seed: seed, ridge: ridge)
    }
}
