import Foundation
import Numerics
import NeuralNet
#if canImport(Dispatch)
import Dispatch
#endif

/// One training iteration's forward solve, loss cotangents and gradient for a minibatch of windows,
/// with the network, the RK4 stages and the adjoint fused into one kernel over lane-major batches
/// (`LaneProducts`): the same mathematics as `SampleGridRK4` over a `TapedNeuralVectorField`
/// (classical RK4 on the sample grid, its exact discrete adjoint or the continuous backsolve adjoint,
/// Chen et al., Nat. Commun. 13, 1016 (2022), Methods; Chen et al., NeurIPS 2018), without any
/// library call, copy or per-window loop in the hot path.
///
/// Vector field (docs/surrogate-model.md): dy_b/dtau = MLP([y_b, e_b(tau)]), the network's hidden
/// layers tanh, relu or identity (softplus and a linear term A y take the unfused path).
///
/// Layout: every layer's activations of one RK4 stage are rows of `lv` lane vectors V (window b at
/// lane b; V is SIMD8<Double> or SIMD4<Double>, SIMD16<Float> or SIMD8<Float>, see `LaneVectorWidth`); rows are padded to even counts with zero weights and biases, so padding neurons stay 0.
/// Lanes beyond the batch repeat the worker's first window and carry zero cotangent. Each stage keeps
/// its network input and layer outputs (the tape), so the discrete adjoint runs the network backward
/// only. Weight gradients are accumulated once per RK4 step (its four stages together) into
/// lane-vector accumulators while the step's data are in cache, and summed across lanes once per
/// iteration.
///
/// Threads: the windows are split into `threads` contiguous groups of whole lane vectors, each
/// run by its own worker (own tape, own accumulators; no sharing inside the iteration), the groups
/// taken by `threads` threads (`DispatchQueue.concurrentPerform`) as they come free; the per-group
/// gradients are added in group order. Results are bit-for-bit reproducible for a given thread count
/// (the lane sums depend on the grouping, so 1 and several threads differ in the last bits).
final class FusedSampleGridRK4<V: SIMD> where V.Scalar: LaneScalar {
    typealias T = V.Scalar
    let widths: [Int]
    let activations: [Activation]
    let stateWidth: Int
    let extraInputCount: Int
    let threads: Int
    /// Padded widths P_l (even).
    let padded: [Int]
    /// Per layer: W_l^T [P_l][P_{l+1}] (forward), W_l [P_{l+1}][P_l] (backward), b_l [P_{l+1}].
    /// Holds the forward, backward and bias layouts.
    let arena: KernelArena
    let forwardWeights: [UnsafeMutablePointer<T>]
    let backwardWeights: [UnsafeMutablePointer<T>]
    let biases: [UnsafeMutablePointer<T>]
    let weightOffsets: [Int]
    let biasOffsets: [Int]
    var workers: [LaneWorker<V>] = []
    /// Extra inputs of every stage slot, [slot][window][m] (Doubles, as `BatchDrive.fill` writes them).
    var stageInputs: [Double] = []
    var failure: String?

    static func supports(mlp: MLP, linearTerm: Matrix?) -> Bool {
        linearTerm == nil && mlp.activations.allSatisfy { $0 == .tanh || $0 == .relu || $0 == .identity }
    }

    init(mlp: MLP, stateWidth n: Int, extraInputCount m: Int, threads: Int) {
        precondition(FusedSampleGridRK4.supports(mlp: mlp, linearTerm: nil) && mlp.inputWidth == n + m && mlp.outputWidth == n)
        widths = mlp.widths
        activations = mlp.activations
        stateWidth = n
        extraInputCount = m
        self.threads = max(1, threads)
        padded = mlp.widths.map { ($0 + 1) / 2 * 2 }
        var fw = [UnsafeMutablePointer<T>](), bw = [UnsafeMutablePointer<T>](), bs = [UnsafeMutablePointer<T>]()
        // One arena for the three layouts (`KernelArena`: placement, and so speed, the same in every run).
        var bytes = 0
        for l in 0..<mlp.layerCount { bytes += 2 * KernelArena.bytes(T.self, count: padded[l] * padded[l + 1]) + KernelArena.bytes(T.self, count: padded[l + 1]) }
        let arena = KernelArena(byteCount: bytes)
        self.arena = arena
        for l in 0..<mlp.layerCount {
            let pIn = padded[l], pOut = padded[l + 1]
            fw.append(arena.take(T.self, count: pIn * pOut)); bw.append(arena.take(T.self, count: pIn * pOut)); bs.append(arena.take(T.self, count: pOut))
        }
        forwardWeights = fw
        backwardWeights = bw
        biases = bs
        weightOffsets = mlp.weightOffsets
        biasOffsets = mlp.biasOffsets
        setParameters(mlp.parameters)
    }


    /// Rounds theta (flat, the MLP's order) into the padded layouts.
    func setParameters(_ theta: [Double]) {
        for l in 0..<(widths.count - 1) {
            let nIn = widths[l], nOut = widths[l + 1], pIn = padded[l], pOut = padded[l + 1]
            let f = forwardWeights[l], b = backwardWeights[l], c = biases[l]
            for o in 0..<nOut {
                for i in 0..<nIn {
                    let w = T(theta[weightOffsets[l] + o * nIn + i])
                    f[i * pOut + o] = w
                    b[o * pIn + i] = w
                }
                c[o] = T(theta[biasOffsets[l] + o])
            }
        }
    }

    /// Forward solve of B windows from `y0` ([B][n]), loss on `targets` ([W][B][n]) over the observed
    /// components, gradient by `method`. Writes the states at the samples to `saved` ([W][B][n]) and
    /// dL/dtheta (overwriting) to `gradient`; returns L, the loss of `SurrogateTrainer`.
    /// - Throws: `SurrogateError.nonFinite` if a state stops being finite.
    func lossAndGradient(batch B: Int, grid: FusedGrid, method: GradientMethod, y0: UnsafePointer<Double>,
                         targets: UnsafePointer<Double>, mask: [Bool], fillInputs: (Double, Int, UnsafeMutablePointer<Double>, Int) -> Void,
                         saved: UnsafeMutablePointer<Double>, gradient: UnsafeMutablePointer<Double>) throws -> Double {
        let n = stateWidth, m = extraInputCount, w = grid.samples
        let slots = 4 * grid.steps
        // Extra inputs of every stage (all windows share the stage times).
        if m > 0 {
            if stageInputs.count < slots * B * m { stageInputs = [Double](repeating: 0, count: slots * B * m) }
            stageInputs.withUnsafeMutableBufferPointer { e in
                // Consecutive stages at the same time (stages 2 and 3 of a step; the end of a step and
                // the start of the next, unless a held input offsets the end) share one evaluation.
                var previous = Double.nan
                for slot in 0..<(4 * grid.steps) {
                    let tau = grid.stageTime(step: slot / 4, stage: slot % 4), row = e.baseAddress! + slot * B * m
                    if tau == previous {
                        row.update(from: row - B * m, count: B * m)
                    } else {
                        fillInputs(tau, B, row, m)
                    }
                    previous = tau
                }
            }
        }
        // Workers: contiguous groups of whole lane vectors.
        let lanes = V.scalarCount
        let vectors = (B + lanes - 1) / lanes
        // One group per thread: narrower groups run less efficient register tiles. The groups depend
        // only on the thread count, not on which thread runs them.
        let groups = min(threads, vectors)
        var ranges = [(start: Int, count: Int)]()
        var v0 = 0
        for g in 0..<groups {
            let vCount = vectors / groups + (g < vectors % groups ? 1 : 0)
            let start = v0 * lanes
            ranges.append((start, min(B, (v0 + vCount) * lanes) - start))
            v0 += vCount
        }
        while workers.count < groups { workers.append(LaneWorker(kernel: self)) }
        var observed = 0
        for q in 0..<n where mask[q] { observed += 1 }
        let scale = 2 / Double(B * (w - 1) * observed)
        failure = nil
        stageInputs.withUnsafeBufferPointer { e in
            let job = LaneWorker<V>.Job(batch: B, grid: grid, method: method, y0: y0, targets: targets, mask: mask,
                                        cotangentScale: scale, inputs: e.baseAddress, saved: saved)
            if groups == 1 {
                workers[0].run(job, first: ranges[0].start, count: ranges[0].count)
            } else {
                let ws = workers, queue = GroupQueue(count: groups)
                DispatchQueue.concurrentPerform(iterations: min(threads, groups)) { _ in
                    while let g = queue.next() { ws[g].run(job, first: ranges[g].start, count: ranges[g].count) }
                }
            }
        }
        for g in 0..<groups { if let f = workers[g].failure { throw SurrogateError.nonFinite(f) } }
        // Loss in a fixed order, the order of `WindowLoss` (so every gradient method reports the same loss).
        var sum = 0.0
        for i in 1..<w {
            for b in 0..<B {
                let base = (i * B + b) * n
                for q in 0..<n where mask[q] {
                    let d = saved[base + q] - targets[base + q]
                    sum += d * d
                }
            }
        }
        // Gradient: lane sums of each worker's accumulators, workers added in order.
        for l in 0..<(widths.count - 1) {
            let nIn = widths[l], nOut = widths[l + 1], pIn = padded[l]
            for o in 0..<nOut {
                for i in 0..<nIn {
                    var g = 0.0
                    for k in 0..<groups { g += Double(workers[k].weightAccumulators[l][o * pIn + i].sum()) }
                    gradient[weightOffsets[l] + o * nIn + i] = g
                }
                var g = 0.0
                for k in 0..<groups { g += Double(workers[k].biasAccumulators[l][o].sum()) }
                gradient[biasOffsets[l] + o] = g
            }
        }
        return sum / Double(B * (w - 1) * observed)
    }
}

/// Hands out group numbers 0 ..< count to the threads, each once.
final class GroupQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var taken = 0
    let count: Int
    init(count: Int) { self.count = count }
    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard taken < count else { return nil }
        taken += 1
        return taken - 1
    }
}

/// One thread's share of `FusedSampleGridRK4`: a contiguous group of windows, its tape and its
/// gradient accumulators.
///
/// Tape layout, step-major: the four stages of an RK4 step share each row, row r of stage i at
/// `step * stepSize + r * 4 lv + i lv` (lane vectors), rows X_0 (P_0) then every layer's outputs. A
/// stage reads and writes rows with stride 4 lv; the weight gradients of a step are accumulated once
/// over its four stages at once (4 lv contiguous vectors per row), with the cotangents of the step's
/// stages kept in the same layout.
final class LaneWorker<V: SIMD> where V.Scalar: LaneScalar {
    typealias T = V.Scalar
    let widths: [Int], padded: [Int], activations: [Activation]
    let forwardWeights: [UnsafeMutablePointer<T>], backwardWeights: [UnsafeMutablePointer<T>], biases: [UnsafeMutablePointer<T>]
    let stateWidth: Int, extraInputCount: Int, layerCount: Int
    var lv = 0
    var stepCapacity = 0
    var sampleCapacity = 0
    /// Holds the accumulators (`fixedArena`) and the tape, state, step cotangents, saved lanes and loss
    /// cotangents (`arena`, rebuilt by `reserve` when they grow): `KernelArena`.
    var fixedArena: KernelArena
    var arena = KernelArena(byteCount: 64)
    var tape: UnsafeMutablePointer<V>
    var stepSize = 0
    /// Offset of layer l's input rows within a step (X_0 at 0; layer l - 1's outputs at l).
    var layerOffsets: [Int] = []
    /// Per layer, the output cotangents D_l of the current step's four stages (P_{l+1} rows of 4 lv).
    var stepCotangents: [UnsafeMutablePointer<V>] = []
    /// State-sized buffers (nP rows of lv): y, lambda, kbar, ybar, ysum, ...; ky and ka of 4 stages.
    var state: UnsafeMutablePointer<V>
    /// Saved states and their loss cotangents, [W][nP][lv].
    var savedLanes: UnsafeMutablePointer<V>
    var cotangents: UnsafeMutablePointer<V>
    var weightAccumulators: [UnsafeMutablePointer<V>] = []
    var biasAccumulators: [UnsafeMutablePointer<V>] = []
    var failure: String?

    init(kernel: FusedSampleGridRK4<V>) {
        widths = kernel.widths; padded = kernel.padded; activations = kernel.activations
        forwardWeights = kernel.forwardWeights; backwardWeights = kernel.backwardWeights; biases = kernel.biases
        stateWidth = kernel.stateWidth; extraInputCount = kernel.extraInputCount; layerCount = kernel.widths.count - 1
        let p = padded
        var bytes = 0
        for l in 0..<(p.count - 1) { bytes += KernelArena.bytes(V.self, count: p[l] * p[l + 1]) + KernelArena.bytes(V.self, count: p[l + 1]) }
        fixedArena = KernelArena(byteCount: bytes)
        for l in 0..<(p.count - 1) {
            weightAccumulators.append(fixedArena.take(V.self, count: p[l] * p[l + 1]))
            biasAccumulators.append(fixedArena.take(V.self, count: p[l + 1]))
        }
        tape = arena.take(V.self, count: 1)
        state = tape; savedLanes = tape; cotangents = tape
    }

    struct Job {
        var batch: Int, grid: FusedGrid, method: GradientMethod
        var y0: UnsafePointer<Double>, targets: UnsafePointer<Double>, mask: [Bool]
        var cotangentScale: Double
        var inputs: UnsafePointer<Double>?
        var saved: UnsafeMutablePointer<Double>
    }

    var nP: Int { padded[layerCount] }

    private func reserve(lv: Int, steps: Int, samples: Int) {
        let p = padded
        guard lv != self.lv || steps > stepCapacity || samples > sampleCapacity else { return }
        if lv != self.lv { stepCapacity = 0; sampleCapacity = 0 }
        let ld = 4 * lv
        var offsets = [0], rows = p[0]
        for l in 1..<p.count { offsets.append(rows * ld); rows += p[l] }
        layerOffsets = offsets
        stepSize = rows * ld
        stepCapacity = max(steps, stepCapacity, 1)
        sampleCapacity = max(samples, sampleCapacity)
        var bytes = KernelArena.bytes(V.self, count: stepSize * stepCapacity) + KernelArena.bytes(V.self, count: 16 * nP * lv)
            + 2 * KernelArena.bytes(V.self, count: sampleCapacity * nP * lv)
        for l in 0..<layerCount { bytes += KernelArena.bytes(V.self, count: p[l + 1] * ld) }
        arena = KernelArena(byteCount: bytes)
        tape = arena.take(V.self, count: stepSize * stepCapacity)
        state = arena.take(V.self, count: 16 * nP * lv)
        stepCotangents = (0..<layerCount).map { arena.take(V.self, count: p[$0 + 1] * ld) }
        savedLanes = arena.take(V.self, count: sampleCapacity * nP * lv)
        cotangents = arena.take(V.self, count: sampleCapacity * nP * lv)
        self.lv = lv
    }

    /// Row 0 of stage slot s (= 4 step + stage); rows have stride 4 lv.
    @inline(__always) func slot(_ s: Int) -> UnsafeMutablePointer<V> { tape + (s >> 2) * stepSize + (s & 3) * lv }

    @inline(__always) func scalars(_ p: UnsafeMutablePointer<V>) -> UnsafeMutablePointer<T> {
        UnsafeMutableRawPointer(p).assumingMemoryBound(to: T.self)
    }

    /// Forward, cotangents and backward of windows first ..< first + count.
    func run(_ job: Job, first: Int, count: Int) {
        failure = nil
        let lanes = V.scalarCount
        let lv = (count + lanes - 1) / lanes
        let g = job.grid
        reserve(lv: lv, steps: g.steps, samples: g.samples)
        let p = padded
        for l in 0..<(p.count - 1) {
            weightAccumulators[l].update(repeating: V(), count: p[l] * p[l + 1])
            biasAccumulators[l].update(repeating: V(), count: p[l + 1])
        }
        fillStageInputs(job, first: first, count: count)
        guard forward(job, first: first, count: count) else { return }
        writeSavedAndCotangents(job, first: first, count: count)
        switch job.method {
        case .discreteAdjoint: discreteBackward(job)
        case .continuousAdjoint: continuousBackward(job)
        }
    }

    /// Writes each slot's extra-input rows (rows n ..< n + m of X_0); spare lanes repeat window `first`.
    func fillStageInputs(_ job: Job, first: Int, count: Int) {
        let n = stateWidth, m = extraInputCount
        guard m > 0, let e = job.inputs else { return }
        let lanes = lv * V.scalarCount, rowStride = 4 * lanes, B = job.batch
        for s in 0..<(4 * job.grid.steps) {
            let x = scalars(slot(s)), es = e + s * B * m
            for j in 0..<m {
                let row = x + (n + j) * rowStride
                for b in 0..<lanes {
                    row[b] = T(es[(first + (b < count ? b : 0)) * m + j])
                }
            }
        }
    }

    /// One network evaluation at slot s: X_0 rows already written; every layer's output to the tape.
    @inline(__always) func network(slot s: Int) {
        let base = slot(s), ld = 4 * lv
        for l in 0..<layerCount {
            let out = base + layerOffsets[l + 1]
            LaneProducts<V>.product(K: widths[l], R: padded[l + 1], a: forwardWeights[l], lda: padded[l + 1],
                                    x: base + layerOffsets[l], ldx: ld, lv: lv, out: out, ldo: ld)
            LaneProducts<V>.biasActivation(R: widths[l + 1], lv: lv, out: out, ld: ld, bias: biases[l], activations[l])   // padding rows stay 0
        }
    }

    /// Reverse pass through the network at slot s for the output cotangent `cot` (nP rows of lv):
    /// keeps every layer's D_l in the step's cotangent rows (for `accumulateStep`) and writes the
    /// state cotangent (rows 0 ..< nP; rows n ..< nP are not meaningful) to `stateCotangent`.
    @inline(__always) func networkBackward(slot s: Int, cotangent cot: UnsafePointer<V>, stateCotangent: UnsafeMutablePointer<V>) {
        let L = layerCount, p = padded, ld = 4 * lv, lv = self.lv
        let base = slot(s), stage = (s & 3) * lv
        var d = stepCotangents[L - 1] + stage
        let hOut = base + layerOffsets[L]
        for r in 0..<p[L] {
            let dr = d + r * ld, cr = cot + r * lv, hr = hOut + r * ld
            switch activations[L - 1] {
            case .tanh: for v in 0..<lv { let h = hr[v]; dr[v] = cr[v] * (V(repeating: 1) - h * h) }
            case .relu: for v in 0..<lv { dr[v] = cr[v].replacing(with: 0, where: hr[v] .<= 0) }
            default: for v in 0..<lv { dr[v] = cr[v] }
            }
        }
        for l in stride(from: L - 1, through: 0, by: -1) {
            if l > 0 {
                let next = stepCotangents[l - 1] + stage
                let h = base + layerOffsets[l]
                if activations[l - 1] == .tanh {
                    LaneProducts<V>.product(K: widths[l + 1], R: p[l], a: backwardWeights[l], lda: p[l], x: d, ldx: ld, lv: lv,
                                            out: next, ldo: ld, tanhDerivative: h, ldh: ld)
                } else {
                    LaneProducts<V>.product(K: widths[l + 1], R: p[l], a: backwardWeights[l], lda: p[l], x: d, ldx: ld, lv: lv,
                                            out: next, ldo: ld)
                    LaneProducts<V>.multiplyDerivative(R: widths[l], lv: lv, g: next, ldg: ld, h: h, ldh: ld, activations[l - 1])
                }
                d = next
            } else {
                LaneProducts<V>.product(K: widths[1], R: nP, a: backwardWeights[0], lda: p[0], x: d, ldx: ld, lv: lv,
                                        out: stateCotangent, ldo: lv)
            }
        }
    }

    /// dW_l += sum over the step's four stages and the lanes of D_l X_l^T; db_l += D_l.
    @inline(__always) func accumulateStep(_ step: Int) {
        let ld = 4 * lv, base = tape + step * stepSize
        for l in 0..<layerCount {
            LaneProducts<V>.accumulateOuter(O: padded[l + 1], I: (widths[l] + 1) / 2 * 2, d: stepCotangents[l],
                                            x: base + layerOffsets[l], lv: ld, acc: weightAccumulators[l], ldAcc: padded[l],
                                            bacc: biasAccumulators[l])
        }
    }

    /// Forward RK4 over the grid, taping every stage; saves the state at each sample.
    func forward(_ job: Job, first: Int, count: Int) -> Bool {
        let n = stateWidth, g = job.grid, nP = self.nP, lv = self.lv, ld = 4 * lv
        let lanes = lv * V.scalarCount
        let y = state
        let ys = scalars(y)
        for q in 0..<n {
            for b in 0..<lanes { ys[q * lanes + b] = T(job.y0[(first + (b < count ? b : 0)) * n + q]) }
        }
        savedLanes.update(from: y, count: nP * lv)
        let hv = V(repeating: T(g.h)), halfv = V(repeating: T(0.5 * g.h)), two = V(repeating: 2), six = V(repeating: 6)
        let L = layerCount
        for step in 0..<g.steps {
            let s0 = 4 * step
            // Stage inputs: Y_1 = y, Y_2 = y + h/2 k_1, Y_3 = y + h/2 k_2, Y_4 = y + h k_3.
            let X1 = slot(s0)
            for q in 0..<n { (X1 + q * ld).update(from: y + q * lv, count: lv) }
            network(slot: s0)
            for i in 1..<4 {
                let kPrev = slot(s0 + i - 1) + layerOffsets[L]
                let Y = slot(s0 + i)
                let c = i == 3 ? hv : halfv
                for q in 0..<n {
                    let yr = y + q * lv, kr = kPrev + q * ld, Yr = Y + q * ld
                    for v in 0..<lv { Yr[v] = yr[v] + c * kr[v] }
                }
                network(slot: s0 + i)
            }
            let k1 = slot(s0) + layerOffsets[L], k2 = slot(s0 + 1) + layerOffsets[L]
            let k3 = slot(s0 + 2) + layerOffsets[L], k4 = slot(s0 + 3) + layerOffsets[L]
            for q in 0..<n {
                let yr = y + q * lv, o = q * ld
                for v in 0..<lv { yr[v] = yr[v] + hv * (k1[o + v] + two * k2[o + v] + two * k3[o + v] + k4[o + v]) / six }
            }
            var check = T(0)
            for q in 0..<n { for b in 0..<count { check += ys[q * lanes + b] } }
            if !check.isFinite {
                failure = "state left the finite range at tau = \(g.time(step: step) + g.h) (RK4 step \(step + 1) of \(g.steps))"
                return false
            }
            if (step + 1) % g.stepsPerSample == 0 {
                (savedLanes + ((step + 1) / g.stepsPerSample) * nP * lv).update(from: y, count: nP * lv)
            }
        }
        return true
    }

    /// Saved states to the job's [W][B][n] Doubles; loss cotangents 2 (y - target) / count on the
    /// observed components of samples 1 ..< W (sample 0 carries none; spare lanes none).
    func writeSavedAndCotangents(_ job: Job, first: Int, count: Int) {
        let n = stateWidth, w = job.grid.samples, nP = self.nP, B = job.batch
        let lanes = lv * V.scalarCount
        cotangents.update(repeating: V(), count: w * nP * lv)
        let sv = scalars(savedLanes), cv = scalars(cotangents)
        for i in 0..<w {
            for b in 0..<count {
                for q in 0..<n {
                    let value = Double(sv[(i * nP + q) * lanes + b])
                    let index = (i * B + first + b) * n + q
                    job.saved[index] = value
                    if i > 0 && job.mask[q] {
                        cv[(i * nP + q) * lanes + b] = T(job.cotangentScale * (value - job.targets[index]))
                    }
                }
            }
        }
    }

    /// The discrete adjoint (`SampleGridRK4.backward`) on the tape.
    func discreteBackward(_ job: Job) {
        let n = stateWidth, g = job.grid, nP = self.nP, lv = self.lv, size = nP * lv, used = n * lv
        let h = g.h
        let lambda = state + size, kbar = state + 2 * size, ybar = state + 3 * size, ysum = state + 4 * size
        kbar.update(repeating: V(), count: size)
        lambda.update(from: cotangents + (g.samples - 1) * size, count: size)
        for step in stride(from: g.steps - 1, through: 0, by: -1) {
            ysum.update(repeating: V(), count: size)
            for i in stride(from: 3, through: 0, by: -1) {
                let weight = V(repeating: T((i == 0 || i == 3) ? h / 6 : h / 3))
                if i < 3 {
                    let c = V(repeating: T(i == 2 ? h : 0.5 * h))
                    for e in 0..<used { kbar[e] = weight * lambda[e] + c * ybar[e] }
                } else {
                    for e in 0..<used { kbar[e] = weight * lambda[e] }
                }
                networkBackward(slot: 4 * step + i, cotangent: kbar, stateCotangent: ybar)
                for e in 0..<used { ysum[e] += ybar[e] }
            }
            accumulateStep(step)
            for e in 0..<used { lambda[e] += ysum[e] }
            if step % g.stepsPerSample == 0 {
                let c = cotangents + (step / g.stepsPerSample) * size
                for e in 0..<used { lambda[e] += c[e] }
            }
        }
    }

    /// The continuous adjoint (`SampleGridRK4.continuousBackward`): backsolve of y, a and the
    /// parameter cotangent with the forward's RK4 steps. Backward stage i of step s re-evaluates the
    /// network in forward slot 4 s + 3 - i (the slot of the same time, whose input rows hold the
    /// extra inputs already), so the tape is reused.
    func continuousBackward(_ job: Job) {
        let n = stateWidth, g = job.grid, nP = self.nP, lv = self.lv, size = nP * lv, used = n * lv, ld = 4 * lv
        let h = g.h
        let L = layerCount
        let y = state + size, a = state + 2 * size, as_ = state + 3 * size, scaled = state + 4 * size, temp = state + 5 * size
        let ky = state + 6 * size, ka = state + 10 * size
        scaled.update(repeating: V(), count: size)
        y.update(from: savedLanes + (g.samples - 1) * size, count: size)
        a.update(from: cotangents + (g.samples - 1) * size, count: size)
        let hv = V(repeating: T(h)), halfv = V(repeating: T(0.5 * h)), two = V(repeating: 2), six = V(repeating: 6)
        for step in stride(from: g.steps - 1, through: 0, by: -1) {
            for i in 0..<4 {
                let s = 4 * step + 3 - i
                let ys = slot(s)
                if i == 0 {
                    for q in 0..<n { (ys + q * ld).update(from: y + q * lv, count: lv) }
                    as_.update(from: a, count: used)
                } else {
                    let f = i == 3 ? hv : halfv
                    let kyPrev = ky + (i - 1) * size, kaPrev = ka + (i - 1) * size
                    for q in 0..<n {
                        let yr = ys + q * ld
                        for v in 0..<lv { yr[v] = y[q * lv + v] + f * kyPrev[q * lv + v] }
                    }
                    for e in 0..<used { as_[e] = a[e] + f * kaPrev[e] }
                }
                network(slot: s)
                let out = ys + layerOffsets[L], kyi = ky + i * size, kai = ka + i * size
                for q in 0..<n { for v in 0..<lv { kyi[q * lv + v] = -out[q * ld + v] } }
                let w = T((i == 0 || i == 3) ? h / 6 : h / 3), wv = V(repeating: w)
                for e in 0..<used { scaled[e] = wv * as_[e] }
                networkBackward(slot: s, cotangent: scaled, stateCotangent: temp)
                for e in 0..<used { kai[e] = temp[e] / wv }
            }
            accumulateStep(step)
            for e in 0..<used {
                y[e] += hv * (ky[e] + two * ky[size + e] + two * ky[2 * size + e] + ky[3 * size + e]) / six
                a[e] += hv * (ka[e] + two * ka[size + e] + two * ka[2 * size + e] + ka[3 * size + e]) / six
            }
            if step % g.stepsPerSample == 0 {
                let c = cotangents + (step / g.stepsPerSample) * size
                for e in 0..<used { a[e] += c[e] }
            }
        }
    }
}

/// The grid of a `FusedSampleGridRK4` run: RK4 steps of h = sampleStep / m from t0 = 0, `samples` samples.
struct FusedGrid {
    var samples: Int, stepsPerSample: Int, sampleStep: Double, endOffset: Double
    var steps: Int { (samples - 1) * stepsPerSample }
    var h: Double { sampleStep / Double(stepsPerSample) }
    /// Start time of step `step` (as `SampleGridRK4.time(step:)`).
    func time(step: Int) -> Double {
        Double(step / stepsPerSample) * sampleStep + Double(step % stepsPerSample) * h
    }
    /// Time of forward stage `i` of step `step` (as `SampleGridRK4.forward`).
    func stageTime(step: Int, stage i: Int) -> Double {
        let t = time(step: step), h = self.h
        switch i {
        case 0: return t
        case 3: return t + h - endOffset
        default: return t + 0.5 * h
        }
    }
}
