import Numerics
import NeuralNet
import ODE

/// Free-running prediction: from the true embedded state at a start sample, integrate the surrogate
/// with no further access to the truth (docs/surrogate-model.md, "Prediction"; the paper's test,
/// Chen et al., Nat. Commun. 13, 1016 (2022), Fig. 2).
///
/// A segment of L samples starting at sample s_0 of a trace runs from tau = 0 to (L - k) d_tau,
/// saving the state at every sample. The predicted normalised series is y_{c k}(j d_tau) for
/// j = 0 ... L - k, then the remaining delays y_{c k + d}((L - k) d_tau), d = 1 ... k - 1, of the last
/// state for the last k - 1 samples. Sample 0 equals the truth by construction (it is part of the
/// initial state); samples 1 ... L - 1 are predictions.
///
/// Segments of equal length run together as one batch (one network pass per stage for all of them).
public struct FreeRunPrediction {
    public let model: SurrogateModel
    public let solver: SurrogateSolver

    /// Whether the fused SIMD kernel may serve eligible models (see `usesFusedKernel`); false forces the
    /// general path (for checks).
    public var allowsFusedKernel = true

    /// Which delay of the embedded state the predicted series reads.
    public enum Readout: Sendable {
        /// x(t_j) = y_{c 0}(t_j), the first delay (the paper's; the last k - 1 samples from the last
        /// state's other delays). It looks ahead: the state at t_j was integrated with the network
        /// reading u(t), ..., u(t + (k - 1) dt), so x(t_j) depends on inputs up to sample j + k - 2
        /// under `zoh`, k - 1 samples later than the physical output at t_j can (u_{j-1}, held over
        /// [t_{j-1}, t_j), is the last one). Harmless for offline prediction of a recorded trace.
        case firstDelay
        /// x(t_j) = y_{c, k-1}(t_{j-k+1}), the last delay of the state k - 1 samples earlier (samples
        /// 0 ... k - 2 from the initial state). Under `zoh` it depends on inputs u_0 ... u_{j-1} only,
        /// like the device: the readout for driving the surrogate as a causal device (a reservoir,
        /// where a look-ahead would leak the next task input into the node states).
        case lastDelay
    }

    /// The delay the series reads (default `.firstDelay`, the paper's).
    public var readout: Readout = .firstDelay

    /// The network's arithmetic (default Float64). `.float32` runs the fused kernel's network in Float32
    /// (`FastRK4Kernel` with `precision: .float32`; state and RK4 stages stay Float64) and needs a model
    /// and solver the fused kernel serves (`usesFusedKernel`); otherwise prediction throws.
    public var precision: TrainingPrecision = .float64

    public init(model: SurrogateModel, solver: SurrogateSolver = .paper) {
        self.model = model
        self.solver = solver
    }

    /// The ODE solver for this model's sample step.
    static func odeSolver(_ solver: SurrogateSolver, sampleStep: Double) -> ODESolver {
        switch solver {
        case .fixedRK4(let m):
            return ODESolver(method: .rk4, stepping: .fixed(step: sampleStep / Double(m)))
        case .adaptiveDormandPrince(let r, let a):
            return ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: r, atol: a))
        case .adaptiveTsitouras(let r, let a):
            return ODESolver(method: .tsitouras54, stepping: .adaptive(rtol: r, atol: a))
        }
    }

    /// Free-running prediction over each whole trace from its true initial embedded state, in the
    /// traces' units (SI): sample-major, n_out channels, one entry per sample (sample 0 is the truth).
    public func predict(_ traces: [RawTrace]) throws -> [[Double]] {
        let normalised = try traces.map { try $0.normalised(for: model) }
        var series = try normalisedSeries(traces: normalised, segments: normalised.indices.map { ($0, 0, normalised[$0].sampleCount) })
        for i in series.indices { model.normalisation.denormaliseOutputs(&series[i]) }
        return series
    }

    /// Predicted normalised series (sample-major, n_out channels, `length` samples each) of the
    /// segments (trace index into `traces`, start sample, length in samples >= k + 1).
    public func normalisedSeries(traces: [NormalisedTrace], segments: [(trace: Int, start: Int, length: Int)]) throws -> [[Double]] {
        let embedding = model.embedding, k = embedding.order, n = model.stateDimension, nOut = embedding.outputCount
        if precision == .float32 && !usesFusedKernel {
            throw SurrogateError.invalidOption(
                "Float32 prediction needs the fused kernel: RK4 with one step per sample, zoh input interpolation and at most one input channel (this model: \(model.interpolation.rawValue) interpolation, \(model.inputCount) input channel(s))")
        }
        var results = [[Double]](repeating: [], count: segments.count)
        // Group segments by length; each group is one batched solve.
        var groups = [Int: [Int]]()
        for (i, s) in segments.enumerated() {
            guard s.trace >= 0 && s.trace < traces.count else {
                throw SurrogateError.invalidOption("segment \(i): trace index \(s.trace) out of range")
            }
            guard s.length >= k + 1, s.start >= 0, s.start + s.length <= traces[s.trace].sampleCount else {
                throw SurrogateError.invalidTrace(
                    "trace '\(traces[s.trace].name)': segment of \(s.length) samples from \(s.start) does not fit \(traces[s.trace].sampleCount) samples with k = \(k)")
            }
            groups[s.length, default: []].append(i)
        }
        let kernel = SampleGridRK4()
        for length in groups.keys.sorted() {
            let members = groups[length]!
            let batch = members.count
            let drive = BatchDrive(traces: traces, model: model, maxBatch: batch)
            drive.setMembers(members.map { (segments[$0].trace, segments[$0].start) })
            let field = try makeField(batch: batch, drive: drive)
            var y0 = [Double](repeating: 0, count: batch * n)
            y0.withUnsafeMutableBufferPointer { p in
                for (b, i) in members.enumerated() {
                    traces[segments[i].trace].embeddedState(model.embedding, start: segments[i].start, into: p.baseAddress! + b * n)
                }
            }
            let steps = length - k
            var states = [Double](repeating: 0, count: (steps + 1) * batch * n)
            if usesFusedKernel {
                try fusedIntegrate(traces: traces, segments: members.map { segments[$0] }, y0: y0, steps: steps, states: &states)
            } else {
            try y0.withUnsafeBufferPointer { y0p in
                try states.withUnsafeMutableBufferPointer { sp in
                    try integrate(field, drive: drive, y0: y0p.baseAddress!, samples: steps + 1, saved: sp.baseAddress!, kernel: kernel)
                }
            }
            }
            for (b, i) in members.enumerated() {
                var series = [Double](repeating: 0, count: length * nOut)
                switch readout {
                case .firstDelay:
                    for j in 0...steps {
                        let base = j * batch * n + b * n
                        for c in 0..<nOut { series[j * nOut + c] = states[base + embedding.stateIndex(channel: c, delay: 0)] }
                    }
                    if k > 1 {
                        let base = steps * batch * n + b * n
                        for d in 1..<k { for c in 0..<nOut { series[(steps + d) * nOut + c] = states[base + embedding.stateIndex(channel: c, delay: d)] } }
                    }
                case .lastDelay:
                    for d in 0..<(k - 1) { for c in 0..<nOut { series[d * nOut + c] = states[b * n + embedding.stateIndex(channel: c, delay: d)] } }
                    for m in 0...steps {
                        let base = m * batch * n + b * n
                        for c in 0..<nOut { series[(m + k - 1) * nOut + c] = states[base + embedding.stateIndex(channel: c, delay: k - 1)] }
                    }
                }
                results[i] = series
            }
        }
        return results
    }

    /// Whether the fused SIMD kernel (`FastRK4Kernel`) serves this model and solver: one classical RK4
    /// step per sample with a zero-order-hold drive of at most one input channel (whose delayed samples
    /// are consecutive in memory), where every stage of step j sees u~_j, ..., u~_{j+k-1}, the same
    /// convention as the general path. It is the faster of the two for long traces.
    public var usesFusedKernel: Bool {
        if allowsFusedKernel, case .fixedRK4(1) = solver, model.interpolation == .zoh, model.inputCount <= 1 { return true }
        return false
    }

    /// The fused path: states after every step of each segment into `states` ([j x batch x n]).
    func fusedIntegrate(traces: [NormalisedTrace], segments: [(trace: Int, start: Int, length: Int)], y0: [Double],
                        steps: Int, states: inout [Double]) throws {
        let n = model.stateDimension, batch = segments.count, k = model.embedding.order
        let nIn = model.inputCount, nPar = model.parameterCount
        let kernel: FastRK4Kernel
        do {
            kernel = try FastRK4Kernel(mlp: model.mlp, stateWidth: n,
                                       sequenceInputCount: model.embedding.extraInputCount(inputCount: nIn, parameterCount: 0),
                                       constantInputCount: nPar,
                                       linearTerm: model.linearTerm, maxThreads: 1, precision: precision)
        } catch {
            throw SurrogateError.invalidModel("\(error)")
        }
        let length = steps + k
        var inputs = [Double](repeating: 0, count: max(1, batch * length * nIn))
        var constants = [Double](repeating: 0, count: max(1, batch * nPar))
        for (b, s) in segments.enumerated() {
            let trace = traces[s.trace]
            for i in 0..<(length * nIn) { inputs[b * length * nIn + i] = trace.inputs.values[s.start * nIn + i] }
            for q in 0..<nPar { constants[b * nPar + q] = trace.parameters[q] }
        }
        var state = y0
        var trajectory = [Double](repeating: 0, count: max(1, batch * steps * n))
        inputs.withUnsafeBufferPointer { ip in
            constants.withUnsafeBufferPointer { cp in
                state.withUnsafeMutableBufferPointer { sp in
                    trajectory.withUnsafeMutableBufferPointer { tp in
                        kernel.integrate(batch: batch, steps: steps, stepSize: model.sampleStep, state: sp.baseAddress!,
                                         inputs: nIn > 0 ? FastRK4Kernel.SequenceInputs(base: ip.baseAddress!, memberStride: length,
                                                                                          stepStride: 1, inputStride: 1) : nil,
                                         constants: nPar > 0 ? cp.baseAddress! : nil,
                                         trajectory: tp.baseAddress!, trajectoryMemberStride: steps * n, threads: 1)
                    }
                }
            }
        }
        for b in 0..<batch {
            for q in 0..<n { states[b * n + q] = y0[b * n + q] }
            for j in 1...max(steps, 1) where j <= steps {
                for q in 0..<n { states[(j * batch + b) * n + q] = trajectory[b * steps * n + (j - 1) * n + q] }
            }
        }
        if let bad = states.firstIndex(where: { !$0.isFinite }) {
            throw SurrogateError.nonFinite("free-running prediction left the finite range at sample \(bad / (batch * n))")
        }
    }

    /// Integrates `samples - 1` sample steps from y0 with the chosen solver, saving every sample.
    func integrate(_ field: NeuralVectorField, drive: BatchDrive, y0: UnsafePointer<Double>, samples: Int,
                   saved: UnsafeMutablePointer<Double>, kernel: SampleGridRK4) throws {
        let dTau = model.sampleStep
        switch solver {
        case .fixedRK4(let m):
            try kernel.forward(field, y0: y0, t0: 0, sampleStep: dTau, samples: samples, stepsPerSample: m, stageEndOffset: drive.stageEndOffset,
                               keepStages: false, saved: saved)
        case .adaptiveDormandPrince, .adaptiveTsitouras:
            let ode = FreeRunPrediction.odeSolver(solver, sampleStep: dTau)
            let saveAt = (0..<samples).map { Double($0) * dTau }
            let tEnd = saveAt[samples - 1]
            let n = field.dimension
            do {
                let solution = try ode.solve(field, y0: Array(UnsafeBufferPointer(start: y0, count: n)), t0: 0, t1: tEnd,
                                             saveAt: saveAt, jumpTimes: drive.jumpTimes(until: tEnd))
                solution.states.withUnsafeBufferPointer { saved.update(from: $0.baseAddress!, count: samples * n) }
            } catch {
                throw SurrogateError.nonFinite("free-running prediction failed: \(error)")
            }
        }
    }

    /// The model's vector field over a batch, its extra inputs supplied by `drive`.
    func makeField(batch: Int, drive: BatchDrive) throws -> NeuralVectorField {
        do {
            return try NeuralVectorField(
                mlp: model.mlp, stateWidth: model.stateDimension, extraInputCount: model.extraInputCount,
                batch: batch, maxBatch: batch, linearTerm: model.linearTerm,
                extraInputs: model.extraInputCount > 0 ? { tau, count, e, stride in
                    drive.fill(tau: tau, batch: count, e: e, stride: stride)
                } : nil)
        } catch {
            throw SurrogateError.invalidModel("\(error)")
        }
    }
}
