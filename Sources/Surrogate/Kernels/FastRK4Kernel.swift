import Numerics
import NeuralNet
import ODE
#if canImport(Dispatch)
import Dispatch
#endif

/// A fused, allocation-free classical RK4 integrator for the surrogate's small neural vector field
/// dy/dtau = MLP([y, e]) + A y (Chen et al., Nat. Commun. 13, 1016 (2022): fixed-step RK4 on the
/// sample grid), with the extra network inputs e held constant over each step (zero-order hold: the
/// delayed input samples u~(t), u~(t + dt_s), ... and the static parameters; docs/surrogate-model.md).
///
/// One step from tau to tau + h (Kutta 1901; Hairer, Norsett and Wanner, Solving ODEs I, II.1):
///
///     k1 = f(y), k2 = f(y + h/2 k1), k3 = f(y + h/2 k2), k4 = f(y + h k3),
///     y <- y + h/6 (k1 + 2 k2 + 2 k3 + k4),
///
/// all four stages seeing the same e (the step's input sample, as a ZOH solver with a jump at every
/// sample time does).
///
/// Why a separate kernel: at the paper's size (4-50-50-2) one evaluation is ~5,600 flops, so library
/// call overhead, generic layer loops and scalar libm tanh dominate. Here the whole step runs over
/// 64-byte-aligned SIMD8<Double> buffers:
/// - "wide" layers (output width > 8) keep the weights transposed, W^T as [in][out padded to a
///   multiple of 64], and accumulate 8 output vectors (64 neurons) per chunk with broadcast inputs:
///   one member at a time with two partial sums per output vector (16 independent FMA chains), or
///   two members at once sharing every weight load (the batched path);
/// - "narrow" layers (output width <= 8, e.g. the final Linear(50 -> 2)) keep W row-major with rows
///   padded to a multiple of 8 and take SIMD dot products;
/// - tanh is `VectorTanh` (relative error below 1e-15).
/// The register blocking follows `LaneVectorWidth`: the 16 accumulators of a wide chunk are 16
/// AVX-512 registers but 32 AVX2 registers (a SIMD8<Double> is two there, and AVX2 has 16), so the
/// 256-bit variant keeps one accumulator per output vector (one member: 7 or 2 x 4 vectors; two
/// members: pairs of output vectors), which fits without spills. The two variants sum a member's
/// products in different orders (even and odd inputs apart, or in one chain) and agree to rounding.
/// Padding weights and biases are zero, so padded neurons stay exactly 0 and change nothing.
///
/// Batches: members are independent, so they are integrated in pairs over the whole run, and the
/// pairs are shared among `threads` threads (Dispatch) with no synchronisation inside the run.
///
/// The kernel copies the MLP's parameters at construction (`update(from:)` refreshes them).
///
/// With `precision: .float32` the network runs in `Float32Network` (the same layouts in 16-Float
/// vectors, `RationalTanh`); the RK4 registers, stage arguments and combination stay Float64 as above.
///
/// Why not dgemm: at this size a batched `NeuralVectorField` with a plain RK4 loop over OpenBLAS is
/// slower than this kernel on one thread (`spinode bench surrogate-rk4` measures both), so the batched
/// surrogate uses this kernel. Tests hold it to the ODE module's RK4 tableau to round-off.
public final class FastRK4Kernel {
    /// State components per member, n.
    public let stateWidth: Int
    /// Extra inputs per member that change every step (read from the strided input view), m_s.
    public let sequenceInputCount: Int
    /// Extra inputs per member fixed over a run (static parameters), m_c.
    public let constantInputCount: Int
    /// Largest number of threads `integrate` may use.
    public let maxThreads: Int
    public let widths: [Int]
    public let activations: [Activation]
    /// The register width the accumulators are blocked for (`automatic` resolved).
    public let laneVectorWidth: LaneVectorWidth
    /// The network's arithmetic: Float64, or Float32 (`Float32Network`; the state and the RK4 stages stay Float64).
    public let precision: TrainingPrecision
    /// The Float32 network (nil in Float64).
    let float32Network: Float32Network?

    @usableFromInline struct Layer {
        var nIn: Int, nOut: Int
        var wide: Bool
        /// Wide: number of 64-neuron chunks; narrow: vectors per padded input row.
        var chunks: Int
        var inVectors: Int
        var outVectors: Int
        var weights: UnsafeMutablePointer<SIMD8<Double>>
        var weightVectors: Int
        var bias: UnsafeMutablePointer<SIMD8<Double>>
        var biasVectors: Int
        var activation: Activation
    }

    @usableFromInline let layers: [Layer]
    /// A (n x n row-major) or empty.
    @usableFromInline let linear: [Double]
    /// Doubles per activation buffer (largest padded width).
    @usableFromInline let bufferLength: Int
    /// Per thread, per member slot (2): buffers[layer 0 input ... layer L output].
    @usableFromInline let scratch: [[[UnsafeMutablePointer<SIMD8<Double>>]]]
    /// Per thread: the RK4 registers of a pair of members (12 n Doubles: y, stage, k1 ... k4, 2 x n each).
    let registers: [UnsafeMutablePointer<Double>]
    /// Holds the weights, `scratch` and `registers` (`KernelArena`).
    let arena: KernelArena

    /// - Parameters:
    ///   - laneVectorWidth: register blocking (default: this build's, `LaneVectorWidth.native`).
    ///   - precision: the network's arithmetic (default Float64). In Float32 each stage argument is rounded
    ///     to Float32 and the network's output widened; the RK4 combination stays Float64.
    /// - Throws: `NeuralNetError.shape` if the MLP does not map n + m_s + m_c inputs to n outputs, or A is not n x n.
    public init(mlp: MLP, stateWidth n: Int, sequenceInputCount ms: Int, constantInputCount mc: Int = 0,
                linearTerm: Matrix? = nil, maxThreads: Int = 2, laneVectorWidth: LaneVectorWidth = .automatic,
                precision: TrainingPrecision = .float64) throws {
        guard mlp.inputWidth == n + ms + mc, mlp.outputWidth == n else {
            throw NeuralNetError.shape("FastRK4Kernel with state width \(n), \(ms) + \(mc) extra inputs needs an MLP \(n + ms + mc) -> \(n), got \(mlp.widths)")
        }
        if let a = linearTerm, a.rows != n || a.columns != n {
            throw NeuralNetError.shape("FastRK4Kernel linear term must be \(n) x \(n), got \(a.rows) x \(a.columns)")
        }
        stateWidth = n
        sequenceInputCount = ms
        constantInputCount = mc
        self.maxThreads = max(1, maxThreads)
        self.laneVectorWidth = laneVectorWidth.resolved
        self.precision = precision
        float32Network = precision == .float32
            ? Float32Network(mlp: mlp, threads: max(1, maxThreads), slots: 2, laneVectorWidth: laneVectorWidth) : nil
        widths = mlp.widths
        activations = mlp.activations
        linear = linearTerm?.storage ?? []
        // Shapes first, then one arena for the weights, the activation buffers and the RK4 registers.
        var shapes = [(nIn: Int, nOut: Int, wide: Bool, chunks: Int, inVectors: Int, weightVectors: Int, biasVectors: Int)]()
        var longest = ((mlp.inputWidth + 7) / 8) * 8
        for l in 0..<mlp.layerCount {
            let nIn = mlp.widths[l], nOut = mlp.widths[l + 1]
            let wide = nOut > 8
            let inVectors = (nIn + 7) / 8
            let chunks = wide ? (nOut + 63) / 64 : 0
            shapes.append((nIn, nOut, wide, chunks, inVectors, wide ? chunks * nIn * 8 : nOut * inVectors, wide ? chunks * 8 : 1))
            longest = max(longest, wide ? chunks * 64 : 8)
        }
        let threadCount = self.maxThreads, bufferCount = threadCount * 2 * (shapes.count + 1)
        var bytes = bufferCount * KernelArena.bytes(SIMD8<Double>.self, count: longest / 8)
            + threadCount * KernelArena.bytes(Double.self, count: 12 * n)
        for sh in shapes {
            bytes += KernelArena.bytes(SIMD8<Double>.self, count: sh.weightVectors) + KernelArena.bytes(SIMD8<Double>.self, count: sh.biasVectors)
        }
        let arena = KernelArena(byteCount: bytes)
        self.arena = arena
        var ls = [Layer]()
        for (l, sh) in shapes.enumerated() {
            ls.append(Layer(nIn: sh.nIn, nOut: sh.nOut, wide: sh.wide, chunks: sh.chunks, inVectors: sh.inVectors,
                            outVectors: (sh.nOut + 7) / 8, weights: arena.take(SIMD8<Double>.self, count: sh.weightVectors),
                            weightVectors: sh.weightVectors, bias: arena.take(SIMD8<Double>.self, count: sh.biasVectors),
                            biasVectors: sh.biasVectors, activation: mlp.activations[l]))
        }
        layers = ls
        bufferLength = longest
        scratch = (0..<threadCount).map { _ in
            (0..<2).map { _ in (0...shapes.count).map { _ in arena.take(SIMD8<Double>.self, count: longest / 8) } }
        }
        registers = (0..<threadCount).map { _ in arena.take(Double.self, count: 12 * n) }
        update(from: mlp)
    }

    /// Copies the parameters of `mlp` (same widths and activations) into the kernel's layouts.
    public func update(from mlp: MLP) {
        precondition(mlp.widths == widths && mlp.activations == activations, "FastRK4Kernel.update: network shape changed")
        float32Network?.update(from: mlp)
        mlp.parameters.withUnsafeBufferPointer { theta in
            for (l, layer) in layers.enumerated() {
                let w = theta.baseAddress! + mlp.weightOffsets[l], b = theta.baseAddress! + mlp.biasOffsets[l]
                KernelLayout.write(weights: w, bias: b, nIn: layer.nIn, nOut: layer.nOut, wide: layer.wide, chunks: layer.chunks,
                                   rowLength: layer.inVectors * 8, biasLanes: 8,
                                   into: UnsafeMutableRawPointer(layer.weights).assumingMemoryBound(to: Double.self),
                                   biasInto: UnsafeMutableRawPointer(layer.bias).assumingMemoryBound(to: Double.self))
            }
        }
    }

    /// Which four-stage, fourth-order Runge-Kutta method a step uses (Kutta, Z. Math. Phys. 46, 435
    /// (1901); Hairer, Norsett and Wanner, Solving ODEs I, Table II.1.1).
    public enum Rule: String, Sendable, CaseIterable {
        /// The classical RK4: stages y, y + h/2 k1, y + h/2 k2, y + h k3; y + h/6 (k1 + 2 k2 + 2 k3 + k4).
        case classical
        /// Kutta's 3/8 rule, torchdiffeq's `method='rk4'` (the solver of the paper's code): stages
        /// y, y + h/3 k1, y + h (k2 - k1/3), y + h (k1 - k2 + k3); y + h/8 (k1 + 3 (k2 + k3) + k4).
        case threeEighths
    }

    /// Where the per-step inputs live: input j of member b at step s is
    /// `base[b * memberStride + s * stepStride + j * inputStride]`. For the delay-embedded drive of
    /// order k (inputs u~(t_s), ..., u~(t_{s+k-1})) over one array per member, stepStride = inputStride = 1.
    public struct SequenceInputs {
        public var base: UnsafePointer<Double>
        public var memberStride: Int
        public var stepStride: Int
        public var inputStride: Int
        public init(base: UnsafePointer<Double>, memberStride: Int, stepStride: Int, inputStride: Int) {
            self.base = base; self.memberStride = memberStride; self.stepStride = stepStride; self.inputStride = inputStride
        }
    }

    /// Integrates `batch` members for `steps` RK4 steps of size h (normalised time).
    ///
    /// - Parameters:
    ///   - state: batch x n, member b at `state[b n ..< (b + 1) n]`; initial state in, final state out.
    ///   - inputs: the per-step extra inputs (ignored when `sequenceInputCount` is 0).
    ///   - constants: batch x m_c static inputs (nil when `constantInputCount` is 0).
    ///   - trajectory: if given, the state after step s of member b goes to
    ///     `trajectory[b * trajectoryMemberStride + s * n ..< ... + n]`.
    ///   - threads: threads to share the members (<= maxThreads; 1 for a batch of 1).
    ///   - rule: the classical RK4 (default) or Kutta's 3/8 rule.
    /// - Complexity: 4 steps batch evaluations of the MLP; no allocation inside the run.
    public func integrate(batch: Int, steps: Int, stepSize h: Double, state: UnsafeMutablePointer<Double>,
                          inputs: SequenceInputs?, constants: UnsafePointer<Double>? = nil,
                          trajectory: UnsafeMutablePointer<Double>? = nil, trajectoryMemberStride: Int = 0,
                          threads: Int = 1, rule: Rule = .classical) {
        precondition(sequenceInputCount == 0 || inputs != nil, "FastRK4Kernel: \(sequenceInputCount) sequence inputs but none given")
        precondition(constantInputCount == 0 || constants != nil, "FastRK4Kernel: \(constantInputCount) constant inputs but none given")
        let groups = (batch + 1) / 2
        let t = max(1, min(threads, maxThreads, groups))
        if t == 1 {
            for g in 0..<groups { runGroup(g, batch: batch, steps: steps, h: h, state: state, inputs: inputs, constants: constants,
                                           trajectory: trajectory, trajectoryMemberStride: trajectoryMemberStride, thread: 0, rule: rule) }
            return
        }
        // Thread k takes groups k, k + t, ... (each group is two members for the whole run).
        let statePtr = UnsafeMutableSendablePointer(state), traj = trajectory.map(UnsafeMutableSendablePointer.init)
        let cons = constants.map { UnsafeMutableSendablePointer(UnsafeMutablePointer(mutating: $0)) }
        let box = SendableBox(self), inBox = SendableBox(inputs)
        DispatchQueue.concurrentPerform(iterations: t) { k in
            var g = k
            while g < groups {
                box.value.runGroup(g, batch: batch, steps: steps, h: h, state: statePtr.pointer, inputs: inBox.value,
                                   constants: cons.map { UnsafePointer($0.pointer) },
                                   trajectory: traj?.pointer, trajectoryMemberStride: trajectoryMemberStride, thread: k, rule: rule)
                g += t
            }
        }
    }

    /// Members 2g and 2g + 1 (if it exists) through all steps.
    @usableFromInline
    func runGroup(_ g: Int, batch: Int, steps: Int, h: Double, state: UnsafeMutablePointer<Double>,
                  inputs: SequenceInputs?, constants: UnsafePointer<Double>?,
                  trajectory: UnsafeMutablePointer<Double>?, trajectoryMemberStride: Int, thread: Int, rule: Rule) {
        let n = stateWidth, ms = sequenceInputCount, mc = constantInputCount
        let members = min(2, batch - 2 * g)
        let slots = scratch[thread]
        let in0 = UnsafeMutableRawPointer(slots[0][0]).assumingMemoryBound(to: Double.self)
        let in1 = UnsafeMutableRawPointer(slots[1][0]).assumingMemoryBound(to: Double.self)
        let net32 = float32Network
        let f0 = net32?.input(thread: thread, slot: 0), f1 = net32?.input(thread: thread, slot: 1)
        /// Network input j of member r (of the pair) = v, in the network's precision.
        @inline(__always) func put(_ r: Int, _ j: Int, _ v: Double) {
            if let f0, let f1 { (r == 0 ? f0 : f1)[j] = Float(v) } else { (r == 0 ? in0 : in1)[j] = v }
        }
        let b0 = 2 * g
        // Constant inputs once; the padding after n + m stays zero.
        for r in 0..<members {
            for j in 0..<mc { put(r, n + ms + j, constants![(b0 + r) * mc + j]) }
        }
        // RK4 registers of the (up to) 2 members (the thread's block of the arena); the loops over n are
        // tiny next to the network.
        do {
            let y = registers[thread]             // 2 x n current states
            let stage = y + 2 * n                 // 2 x n stage argument
            let k1 = y + 4 * n, k2 = y + 6 * n, k3 = y + 8 * n, k4 = y + 10 * n   // 2 x n stage derivatives
            for r in 0..<members { for j in 0..<n { y[r * n + j] = state[(b0 + r) * n + j] } }
            let classical = rule == .classical
            let half = 0.5 * h, third = h / 3
            let sixth = h / 6, eighth = h * 0.125
            for s in 0..<steps {
                if let inp = inputs, ms > 0 {
                    for r in 0..<members {
                        let src = inp.base + (b0 + r) * inp.memberStride + s * inp.stepStride
                        for j in 0..<ms { put(r, n + j, src[j * inp.inputStride]) }
                    }
                }
                for st in 0..<4 {
                    for r in 0..<members {
                        for j in 0..<n {
                            let i = r * n + j
                            let a: Double
                            switch st {
                            case 0: a = y[i]
                            case 1: a = classical ? y[i] + half * k1[i] : y[i] + third * k1[i]
                            case 2: a = classical ? y[i] + half * k2[i] : y[i] + h * (k2[i] - k1[i] / 3)
                            default: a = classical ? y[i] + h * k3[i] : y[i] + h * (k1[i] - k2[i] + k3[i])
                            }
                            stage[i] = a
                            put(r, j, a)
                        }
                    }
                    if let net32 {
                        for r in 0..<members { net32.evaluate(thread: thread, slot: r) }
                    } else {
                        evaluateNetwork(members: members, slots: slots)
                    }
                    let kOut = st == 0 ? k1 : st == 1 ? k2 : st == 2 ? k3 : k4
                    for r in 0..<members {
                        let out = UnsafeMutableRawPointer(slots[r][layers.count]).assumingMemoryBound(to: Double.self)
                        let out32 = net32?.output(thread: thread, slot: r)
                        for j in 0..<n {
                            var f = out32.map { Double($0[j]) } ?? out[j]
                            if !linear.isEmpty {
                                for q in 0..<n { f += linear[j * n + q] * stage[r * n + q] }
                            }
                            kOut[r * n + j] = f
                        }
                    }
                }
                if classical {
                    for i in 0..<(members * n) { y[i] += sixth * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) }
                } else {
                    for i in 0..<(members * n) { y[i] += (k1[i] + 3 * (k2[i] + k3[i]) + k4[i]) * eighth }
                }
                if let tr = trajectory {
                    for r in 0..<members {
                        for j in 0..<n { tr[(b0 + r) * trajectoryMemberStride + s * n + j] = y[r * n + j] }
                    }
                }
            }
            for r in 0..<members { for j in 0..<n { state[(b0 + r) * n + j] = y[r * n + j] } }
        }
    }

    /// The MLP on the input buffers of `members` (1 or 2) slots; outputs in buffer L of each slot.
    @usableFromInline
    func evaluateNetwork(members: Int, slots: [[UnsafeMutablePointer<SIMD8<Double>>]]) {
        let s0 = slots[0], s1 = slots[1]
        let narrowRegisters = laneVectorWidth == .bits256
        for (l, layer) in layers.enumerated() {
            let x0 = UnsafeRawPointer(s0[l]).assumingMemoryBound(to: Double.self)
            let x1 = UnsafeRawPointer(s1[l]).assumingMemoryBound(to: Double.self)
            let o0 = s0[l + 1], o1 = s1[l + 1]
            if layer.wide {
                for c in 0..<layer.chunks {
                    let w = UnsafePointer(layer.weights + c * layer.nIn * 8), b = UnsafePointer(layer.bias + c * 8)
                    // The eighth vector of the last chunk is skipped when it holds only padding (e.g. 50 neurons).
                    let eighth = layer.outVectors - c * 8 >= 8
                    switch (members, narrowRegisters) {
                    case (2, false):
                        FastRK4Kernel.wideChunk2(nIn: layer.nIn, eighth: eighth, w: w, b: b, x0: x0, x1: x1, out0: o0 + c * 8, out1: o1 + c * 8)
                    case (2, true):
                        for v in stride(from: 0, to: eighth ? 8 : 7, by: 2) {
                            FastRK4Kernel.wideChunk2Pair(nIn: layer.nIn, second: v + 1 < (eighth ? 8 : 7), w: w + v, b: b + v,
                                                         x0: x0, x1: x1, out0: o0 + c * 8 + v, out1: o1 + c * 8 + v)
                        }
                        if !eighth { o0[c * 8 + 7] = b[7]; o1[c * 8 + 7] = b[7] }
                    case (_, false):
                        FastRK4Kernel.wideChunk1(nIn: layer.nIn, eighth: eighth, w: w, b: b, x: x0, out: o0 + c * 8)
                    default:
                        if eighth {
                            FastRK4Kernel.wideChunk1Four(nIn: layer.nIn, w: w, b: b, x: x0, out: o0 + c * 8)
                            FastRK4Kernel.wideChunk1Four(nIn: layer.nIn, w: w + 4, b: b + 4, x: x0, out: o0 + c * 8 + 4)
                        } else {
                            FastRK4Kernel.wideChunk1Seven(nIn: layer.nIn, w: w, b: b, x: x0, out: o0 + c * 8)
                        }
                    }
                }
            } else {
                FastRK4Kernel.narrow(layer, x: UnsafeRawPointer(s0[l]).assumingMemoryBound(to: SIMD8<Double>.self), out: o0)
                if members == 2 {
                    FastRK4Kernel.narrow(layer, x: UnsafeRawPointer(s1[l]).assumingMemoryBound(to: SIMD8<Double>.self), out: o1)
                }
            }
            FastRK4Kernel.activate(layer.activation, o0, vectors: layer.outVectors)
            if members == 2 { FastRK4Kernel.activate(layer.activation, o1, vectors: layer.outVectors) }
        }
    }

    @inline(__always) @usableFromInline
    static func activate(_ a: Activation, _ p: UnsafeMutablePointer<SIMD8<Double>>, vectors: Int) {
        switch a {
        case .tanh: for v in 0..<vectors { p[v] = VectorTanh.tanh(p[v]) }
        case .identity: break
        case .relu: for v in 0..<vectors { p[v] = p[v].replacing(with: 0, where: p[v] .< 0) }
        case .softplus:
            for v in 0..<vectors { var z = p[v]; for j in 0..<8 { z[j] = Activation.softplus.value(z[j]) }; p[v] = z }
        }
    }

    /// out[0..<8] = b[0..<8] + sum_i x[i] w[i][0..<8] for one member: 8 output vectors (64 neurons),
    /// even and odd i in separate accumulators (16 independent FMA chains). With `eighth` false the
    /// eighth vector is left at its bias (all padding: its weights and bias are zero).
    @inline(__always) @usableFromInline
    static func wideChunk1(nIn: Int, eighth: Bool, w: UnsafePointer<SIMD8<Double>>, b: UnsafePointer<SIMD8<Double>>,
                           x: UnsafePointer<Double>, out: UnsafeMutablePointer<SIMD8<Double>>) {
        var a0 = b[0], a1 = b[1], a2 = b[2], a3 = b[3], a4 = b[4], a5 = b[5], a6 = b[6], a7 = b[7]
        var c0 = SIMD8<Double>(), c1 = SIMD8<Double>(), c2 = SIMD8<Double>(), c3 = SIMD8<Double>()
        var c4 = SIMD8<Double>(), c5 = SIMD8<Double>(), c6 = SIMD8<Double>(), c7 = SIMD8<Double>()
        var i = 0
        while i + 1 < nIn {
            let p = w + i * 8, xe = SIMD8<Double>(repeating: x[i]), xo = SIMD8<Double>(repeating: x[i + 1])
            a0 = a0.addingProduct(p[0], xe); a1 = a1.addingProduct(p[1], xe)
            a2 = a2.addingProduct(p[2], xe); a3 = a3.addingProduct(p[3], xe)
            a4 = a4.addingProduct(p[4], xe); a5 = a5.addingProduct(p[5], xe)
            a6 = a6.addingProduct(p[6], xe)
            c0 = c0.addingProduct(p[8], xo); c1 = c1.addingProduct(p[9], xo)
            c2 = c2.addingProduct(p[10], xo); c3 = c3.addingProduct(p[11], xo)
            c4 = c4.addingProduct(p[12], xo); c5 = c5.addingProduct(p[13], xo)
            c6 = c6.addingProduct(p[14], xo)
            if eighth { a7 = a7.addingProduct(p[7], xe); c7 = c7.addingProduct(p[15], xo) }
            i += 2
        }
        if i < nIn {
            let p = w + i * 8, xe = SIMD8<Double>(repeating: x[i])
            a0 = a0.addingProduct(p[0], xe); a1 = a1.addingProduct(p[1], xe)
            a2 = a2.addingProduct(p[2], xe); a3 = a3.addingProduct(p[3], xe)
            a4 = a4.addingProduct(p[4], xe); a5 = a5.addingProduct(p[5], xe)
            a6 = a6.addingProduct(p[6], xe)
            if eighth { a7 = a7.addingProduct(p[7], xe) }
        }
        out[0] = a0 + c0; out[1] = a1 + c1; out[2] = a2 + c2; out[3] = a3 + c3
        out[4] = a4 + c4; out[5] = a5 + c5; out[6] = a6 + c6; out[7] = a7 + c7
    }

    /// The 256-bit variant of `wideChunk1` without its eighth vector: out[0..<7] = b + sum_i x[i] w[i],
    /// one chain per output vector (7 accumulators = 14 AVX2 registers); out[7] = b[7].
    @inline(__always) @usableFromInline
    static func wideChunk1Seven(nIn: Int, w: UnsafePointer<SIMD8<Double>>, b: UnsafePointer<SIMD8<Double>>,
                                x: UnsafePointer<Double>, out: UnsafeMutablePointer<SIMD8<Double>>) {
        var a0 = b[0], a1 = b[1], a2 = b[2], a3 = b[3], a4 = b[4], a5 = b[5], a6 = b[6]
        for i in 0..<nIn {
            let p = w + i * 8, u = SIMD8<Double>(repeating: x[i])
            a0 = a0.addingProduct(p[0], u); a1 = a1.addingProduct(p[1], u); a2 = a2.addingProduct(p[2], u)
            a3 = a3.addingProduct(p[3], u); a4 = a4.addingProduct(p[4], u); a5 = a5.addingProduct(p[5], u)
            a6 = a6.addingProduct(p[6], u)
        }
        out[0] = a0; out[1] = a1; out[2] = a2; out[3] = a3; out[4] = a4; out[5] = a5; out[6] = a6; out[7] = b[7]
    }

    /// The 256-bit variant of `wideChunk1` for four of a chunk's output vectors (w, b, out at the first
    /// of them; weight rows 8 vectors apart): one chain per output vector (8 AVX2 registers).
    @inline(__always) @usableFromInline
    static func wideChunk1Four(nIn: Int, w: UnsafePointer<SIMD8<Double>>, b: UnsafePointer<SIMD8<Double>>,
                               x: UnsafePointer<Double>, out: UnsafeMutablePointer<SIMD8<Double>>) {
        var a0 = b[0], a1 = b[1], a2 = b[2], a3 = b[3]
        for i in 0..<nIn {
            let p = w + i * 8, u = SIMD8<Double>(repeating: x[i])
            a0 = a0.addingProduct(p[0], u); a1 = a1.addingProduct(p[1], u)
            a2 = a2.addingProduct(p[2], u); a3 = a3.addingProduct(p[3], u)
        }
        out[0] = a0; out[1] = a1; out[2] = a2; out[3] = a3
    }

    /// The 256-bit variant of `wideChunk2` for one or two of a chunk's output vectors (`second`) of two
    /// members (w, b, out at the first; weight rows 8 vectors apart): at most 4 accumulators (8 AVX2
    /// registers). The same sums in the same order as `wideChunk2`.
    @inline(__always) @usableFromInline
    static func wideChunk2Pair(nIn: Int, second: Bool, w: UnsafePointer<SIMD8<Double>>, b: UnsafePointer<SIMD8<Double>>,
                               x0: UnsafePointer<Double>, x1: UnsafePointer<Double>,
                               out0: UnsafeMutablePointer<SIMD8<Double>>, out1: UnsafeMutablePointer<SIMD8<Double>>) {
        var a0 = b[0], c0 = b[0]
        var a1 = second ? b[1] : SIMD8<Double>(), c1 = a1
        for i in 0..<nIn {
            let p = w + i * 8, u = SIMD8<Double>(repeating: x0[i]), v = SIMD8<Double>(repeating: x1[i])
            let w0 = p[0]
            a0 = a0.addingProduct(w0, u); c0 = c0.addingProduct(w0, v)
            if second { let w1 = p[1]; a1 = a1.addingProduct(w1, u); c1 = c1.addingProduct(w1, v) }
        }
        out0[0] = a0; out1[0] = c0
        if second { out0[1] = a1; out1[1] = c1 }
    }

    /// As `wideChunk1` for two members sharing each weight load (16 accumulators).
    @inline(__always) @usableFromInline
    static func wideChunk2(nIn: Int, eighth: Bool, w: UnsafePointer<SIMD8<Double>>, b: UnsafePointer<SIMD8<Double>>,
                           x0: UnsafePointer<Double>, x1: UnsafePointer<Double>,
                           out0: UnsafeMutablePointer<SIMD8<Double>>, out1: UnsafeMutablePointer<SIMD8<Double>>) {
        var a0 = b[0], a1 = b[1], a2 = b[2], a3 = b[3], a4 = b[4], a5 = b[5], a6 = b[6], a7 = b[7]
        var c0 = a0, c1 = a1, c2 = a2, c3 = a3, c4 = a4, c5 = a5, c6 = a6, c7 = a7
        for i in 0..<nIn {
            let p = w + i * 8, u = SIMD8<Double>(repeating: x0[i]), v = SIMD8<Double>(repeating: x1[i])
            let w0 = p[0], w1 = p[1], w2 = p[2], w3 = p[3], w4 = p[4], w5 = p[5], w6 = p[6]
            a0 = a0.addingProduct(w0, u); c0 = c0.addingProduct(w0, v)
            a1 = a1.addingProduct(w1, u); c1 = c1.addingProduct(w1, v)
            a2 = a2.addingProduct(w2, u); c2 = c2.addingProduct(w2, v)
            a3 = a3.addingProduct(w3, u); c3 = c3.addingProduct(w3, v)
            a4 = a4.addingProduct(w4, u); c4 = c4.addingProduct(w4, v)
            a5 = a5.addingProduct(w5, u); c5 = c5.addingProduct(w5, v)
            a6 = a6.addingProduct(w6, u); c6 = c6.addingProduct(w6, v)
            if eighth { let w7 = p[7]; a7 = a7.addingProduct(w7, u); c7 = c7.addingProduct(w7, v) }
        }
        out0[0] = a0; out0[1] = a1; out0[2] = a2; out0[3] = a3; out0[4] = a4; out0[5] = a5; out0[6] = a6; out0[7] = a7
        out1[0] = c0; out1[1] = c1; out1[2] = c2; out1[3] = c3; out1[4] = c4; out1[5] = c5; out1[6] = c6; out1[7] = c7
    }

    /// out[o] = b[o] + W[o, :] . x for the few outputs of a narrow layer (SIMD dot products over
    /// rows padded to a multiple of 8), written as scalars into the first lanes of out[0].
    @inline(__always) @usableFromInline
    static func narrow(_ layer: Layer, x: UnsafePointer<SIMD8<Double>>, out: UnsafeMutablePointer<SIMD8<Double>>) {
        var result = layer.bias[0]
        let nv = layer.inVectors
        for o in 0..<layer.nOut {
            let row = layer.weights + o * nv
            var s0 = SIMD8<Double>(), s1 = SIMD8<Double>()
            var v = 0
            while v + 1 < nv { s0 = s0.addingProduct(row[v], x[v]); s1 = s1.addingProduct(row[v + 1], x[v + 1]); v += 2 }
            if v < nv { s0 = s0.addingProduct(row[v], x[v]) }
            result[o] += (s0 + s1).sum()
        }
        out[0] = result
    }
}

/// Carries a pointer into a concurrentPerform body; members of one batch are disjoint, so threads
/// never touch the same elements.
@usableFromInline struct UnsafeMutableSendablePointer: @unchecked Sendable {
    @usableFromInline let pointer: UnsafeMutablePointer<Double>
    @usableFromInline init(_ p: UnsafeMutablePointer<Double>) { pointer = p }
}

@usableFromInline struct SendableBox<T>: @unchecked Sendable {
    @usableFromInline let value: T
    @usableFromInline init(_ v: T) { value = v }
}
