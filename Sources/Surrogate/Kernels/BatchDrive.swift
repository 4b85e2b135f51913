import Numerics

/// The extra network inputs e_b(tau) of a batch of surrogate states, each member a run starting at
/// sample `start_b` of trace `trace_b` (docs/surrogate-model.md, "Network input"):
///
///     e_b(tau) = [u~_0(s), u~_0(s + 1), ..., u~_0(s + k - 1), u~_1(s), ..., p~],   s = start_b + tau timeScale / dt,
///
/// s in sample units. Times within 1e-9 samples of a grid time j d_tau read sample j exactly (despite
/// rounding in tau timeScale / dt), or, when tau lies below j d_tau, the value held before it: the
/// convention of the ODE solver, whose last stage of a step ending on a jump runs one float below it.
///
/// Optional noise-aware training (an extension of the paper's noisy-input use, Chen et al., Nat.
/// Commun. 13, 1016 (2022), oscillator section): `inputNoise` sigma adds N(0, sigma^2) (normalised
/// units) to each input sample of each member, held over the sample (zero-order) and redrawn per batch.
public final class BatchDrive {
    public let traces: [NormalisedTrace]
    /// The model's delay embedding: its order k and the layout of the extra inputs.
    public let embedding: DelayEmbedding
    /// Embedding order k.
    public var order: Int { embedding.order }
    public let inputCount: Int
    public let parameterCount: Int
    /// Samples per unit of tau.
    public let samplesPerTimeUnit: Double
    /// One sample in tau, d_tau (the model's `sampleStep`, the factor of every grid time j d_tau).
    public let sampleStep: Double
    public let maxBatch: Int
    public private(set) var batch: Int = 0
    /// Trace index and start sample of each member.
    public private(set) var traceIndex: [Int]
    public private(set) var start: [Int]
    /// Per-member input noise, `noiseSamples x inputCount` per member (sample-major, offset from start).
    var noise: [Double]
    var noiseSamples: Int = 0
    var noiseActive = false
    /// Flat copies of each trace's interpolant and parameters, read by `fill` without touching the
    /// traces' arrays (which would retain and release them for every member of every stage).
    struct TraceView {
        var kind: InterpolationKind, sampleCount: Int
        var values: UnsafeMutablePointer<Double>, second: UnsafeMutablePointer<Double>?, parameters: UnsafeMutablePointer<Double>
    }
    let views: [TraceView]

    deinit {
        for v in views { v.values.deallocate(); v.second?.deallocate(); v.parameters.deallocate() }
    }

    public init(traces: [NormalisedTrace], model: SurrogateModel, maxBatch: Int) {
        views = traces.map { t in
            func copy(_ a: [Double]) -> UnsafeMutablePointer<Double> {
                let p = UnsafeMutablePointer<Double>.allocate(capacity: max(a.count, 1))
                p.initialize(repeating: 0, count: max(a.count, 1))
                if !a.isEmpty { p.update(from: a, count: a.count) }
                return p
            }
            return TraceView(kind: t.inputs.kind, sampleCount: t.inputs.sampleCount, values: copy(t.inputs.values),
                             second: t.inputs.secondDerivatives.isEmpty ? nil : copy(t.inputs.secondDerivatives),
                             parameters: copy(t.parameters))
        }
        self.traces = traces
        embedding = model.embedding
        inputCount = model.inputCount
        parameterCount = model.parameterCount
        samplesPerTimeUnit = model.samplesPerTimeUnit
        sampleStep = model.sampleStep
        self.maxBatch = maxBatch
        traceIndex = [Int](repeating: 0, count: maxBatch)
        start = [Int](repeating: 0, count: maxBatch)
        noise = []
    }

    /// Sets the members: (trace, start sample) pairs, at most `maxBatch`.
    public func setMembers(_ members: [(trace: Int, start: Int)]) {
        precondition(members.count <= maxBatch, "BatchDrive: \(members.count) members above capacity \(maxBatch)")
        batch = members.count
        for (b, m) in members.enumerated() { traceIndex[b] = m.trace; start[b] = m.start }
        noiseActive = false
    }

    /// Draws fresh input noise of standard deviation `sigma` (normalised units) for every member over
    /// `samples` samples from its start (0 or sigma 0 switches noise off).
    public func drawInputNoise(sigma: Double, samples: Int, using rng: inout SeededRandom) {
        guard sigma > 0, samples > 0, inputCount > 0 else { noiseActive = false; return }
        noiseSamples = samples
        let needed = maxBatch * samples * inputCount
        if noise.count < needed { noise = [Double](repeating: 0, count: needed) }
        for i in 0..<(batch * samples * inputCount) { noise[i] = sigma * rng.normal() }
        noiseActive = true
    }

    /// Keeps members `range` (and their input noise) as members 0 ..< range.count: the share of one
    /// process of a data-parallel fit, after the whole minibatch and its noise were drawn.
    public func keepMembers(_ range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= batch, "BatchDrive: members \(range) outside 0..<\(batch)")
        let block = noiseSamples * inputCount
        for (b, source) in range.enumerated() {
            traceIndex[b] = traceIndex[source]; start[b] = start[source]
            if noiseActive && b != source { for i in 0..<block { noise[b * block + i] = noise[source * block + i] } }
        }
        batch = range.count
    }

    /// Writes e_b(tau) for members 0..<batch to `e[b * stride ..< b * stride + extra]`. No allocation.
    public func fill(tau: Double, batch count: Int, e: UnsafeMutablePointer<Double>, stride: Int) {
        let k = embedding.order
        for b in 0..<count {
            let trace = views[traceIndex[b]]
            // Position in samples; within 1e-9 of sample j it is j, read as the left limit (the held
            // value of sample j - 1) when tau lies below the grid time j d_tau, as the ODE solver's
            // stage at the end of a step onto a jump does (it evaluates one float below the jump).
            let x = tau * samplesPerTimeUnit
            let j = x.rounded()
            var s = Double(start[b]) + x
            var heldBefore = false
            if abs(x - j) <= 1e-9 {
                s = Double(start[b]) + j
                heldBefore = tau < j * sampleStep
            }
            // For a zero-order hold the left limit is any point inside the previous interval.
            let sRead = (heldBefore && trace.kind == .zoh) ? s - 0.5 : s
            let row = e + b * stride
            if inputCount > 0 {
                for j in 0..<inputCount {
                    for d in 0..<k {
                        row[embedding.extraInputIndex(channel: j, delay: d)] = InputInterpolation.evaluate(
                            kind: trace.kind, n: trace.sampleCount, channels: inputCount,
                            values: trace.values, second: trace.second.map { UnsafePointer($0) }, at: sRead + Double(d), channel: j)
                    }
                }
                if noiseActive {
                    let base = b * noiseSamples * inputCount
                    for d in 0..<k {
                        let i = min(max(Int((sRead + Double(d)).rounded(.down)) - start[b], 0), noiseSamples - 1)
                        for j in 0..<inputCount { row[embedding.extraInputIndex(channel: j, delay: d)] += noise[base + i * inputCount + j] }
                    }
                }
            }
            for q in 0..<parameterCount { row[embedding.parameterIndex(q, inputCount: inputCount)] = trace.parameters[q] }
        }
    }

    /// The offset (tau) of the last RK4 stage before a step end for this drive: 1e-6 of a sample for a
    /// zero-order hold (so the stage reads the held value, see `SampleGridRK4`), 0 otherwise.
    public var stageEndOffset: Double {
        guard let first = traces.first, first.inputs.kind == .zoh, inputCount > 0 else { return 0 }
        return 1e-6 / samplesPerTimeUnit
    }

    /// Jump times (tau) of the batch's inputs in (0, tauEnd) for a zero-order hold: every time a
    /// member's s crosses a whole sample, tau = j d_tau, j = 1, 2, ..., computed as `Double(j) * sampleStep`
    /// exactly as the save times and the fixed-step grid are (all members start on whole samples, so
    /// they share these times). Empty for continuous interpolants.
    public func jumpTimes(until tauEnd: Double) -> [Double] {
        guard let first = traces.first, first.inputs.kind == .zoh, inputCount > 0 else { return [] }
        var out = [Double]()
        var j = 1
        while Double(j) * sampleStep < tauEnd * (1 - 1e-12) {
            out.append(Double(j) * sampleStep)
            j += 1
        }
        return out
    }
}
