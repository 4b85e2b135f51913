import NeuralNet

/// The MLP of `FastRK4Kernel` evaluated in Float32 (`TrainingPrecision.float32` for the free run):
/// the same layouts as the kernel's Float64 network with SIMD16<Float> vectors (16 Floats, one
/// AVX-512 register, two AVX2 registers) in place of SIMD8<Double>, so a 64-neuron chunk of a wide
/// layer is 4 vectors instead of 8 and every multiply-add and tanh handles twice the lanes.
///
/// - wide layers (output width > 16): W^T as [chunk][input][64 neurons]; with 512-bit lanes even and
///   odd inputs in separate accumulators (8 independent chains of one register each), with 256-bit
///   lanes one chain per output vector (4 SIMD16 = 8 AVX2 registers, no spills); the two blockings sum
///   in different orders and agree to Float32 rounding;
/// - narrow layers (output width <= 16): W row-major, rows padded to a multiple of 16, SIMD dot products;
/// - tanh: `LaneTanh` (relative error a few 1e-7), the Float32 tanh of the training kernel.
/// Padding weights and biases are zero, so padded neurons stay 0.
///
/// Only the network runs in Float32: `FastRK4Kernel` keeps the state, the RK4 stages and their
/// combination in Float64, rounds each stage argument to Float32 on the way in and widens the network's
/// output on the way out.
final class Float32Network {
    struct Layer {
        var nIn: Int, nOut: Int
        var wide: Bool
        /// Wide: 64-neuron chunks; narrow: 16-Float vectors per padded input row.
        var chunks: Int
        var inVectors: Int
        var outVectors: Int
        var weights: UnsafeMutablePointer<SIMD16<Float>>
        var bias: UnsafeMutablePointer<SIMD16<Float>>
        var activation: Activation
    }

    let widths: [Int]
    let activations: [Activation]
    let laneVectorWidth: LaneVectorWidth
    let slotsPerThread: Int
    let layerCount: Int
    /// The layers and the activation buffers as plain pointers (Swift arrays of arrays would be
    /// retained and released on every access in the step loop): buffer b (0: input ... L: output) of
    /// (thread, slot) at buffers[(thread slots + slot) (L + 1) + b].
    let layerTable: UnsafeMutablePointer<Layer>
    let buffers: UnsafeMutablePointer<UnsafeMutablePointer<SIMD16<Float>>>
    let bufferCount: Int
    /// Holds the weights, the layer table and the buffers.
    let arena: KernelArena

    init(mlp: MLP, threads: Int, slots: Int, laneVectorWidth: LaneVectorWidth) {
        widths = mlp.widths
        activations = mlp.activations
        self.laneVectorWidth = laneVectorWidth.resolved
        var shapes = [(nIn: Int, nOut: Int, wide: Bool, chunks: Int, inVectors: Int, weightCount: Int, biasCount: Int)]()
        var longest = (mlp.inputWidth + 15) / 16
        for l in 0..<mlp.layerCount {
            let nIn = mlp.widths[l], nOut = mlp.widths[l + 1]
            let wide = nOut > 16
            let chunks = wide ? (nOut + 63) / 64 : 0
            let inVectors = (nIn + 15) / 16
            shapes.append((nIn, nOut, wide, chunks, inVectors, wide ? chunks * nIn * 4 : nOut * inVectors, wide ? chunks * 4 : 1))
            longest = max(longest, wide ? chunks * 4 : 1)
        }
        // One arena for the weights and the buffers (`KernelArena`: their placement, and so the speed, is
        // then the same in every run).
        layerCount = shapes.count
        slotsPerThread = slots
        bufferCount = max(1, threads) * slots * (shapes.count + 1)
        var bytes = bufferCount * KernelArena.bytes(SIMD16<Float>.self, count: longest)
            + KernelArena.bytes(Layer.self, count: shapes.count)
            + KernelArena.bytes(UnsafeMutablePointer<SIMD16<Float>>.self, count: bufferCount)
        for sh in shapes {
            bytes += KernelArena.bytes(SIMD16<Float>.self, count: sh.weightCount) + KernelArena.bytes(SIMD16<Float>.self, count: sh.biasCount)
        }
        let arena = KernelArena(byteCount: bytes)
        self.arena = arena
        let layers = shapes.enumerated().map { l, sh in
            Layer(nIn: sh.nIn, nOut: sh.nOut, wide: sh.wide, chunks: sh.chunks, inVectors: sh.inVectors,
                  outVectors: sh.wide ? sh.chunks * 4 : 1, weights: arena.take(SIMD16<Float>.self, count: sh.weightCount),
                  bias: arena.take(SIMD16<Float>.self, count: sh.biasCount), activation: mlp.activations[l])
        }
        layerTable = arena.take(Layer.self, count: shapes.count)
        layerTable.initialize(from: layers, count: shapes.count)
        buffers = arena.take(UnsafeMutablePointer<SIMD16<Float>>.self, count: bufferCount)
        for i in 0..<bufferCount { (buffers + i).initialize(to: arena.take(SIMD16<Float>.self, count: longest)) }
        update(from: mlp)
    }

    /// The activation buffers of (thread, slot): [0] input ... [L] output.
    @inline(__always) func slotBuffers(thread: Int, slot: Int) -> UnsafeMutablePointer<UnsafeMutablePointer<SIMD16<Float>>> {
        buffers + (thread * slotsPerThread + slot) * (layerCount + 1)
    }

    /// Rounds the parameters of `mlp` (same widths and activations) to Float32 into the layouts.
    func update(from mlp: MLP) {
        precondition(mlp.widths == widths && mlp.activations == activations, "Float32Network.update: network shape changed")
        mlp.parameters.withUnsafeBufferPointer { theta in
            for l in 0..<layerCount {
                let layer = layerTable[l]
                let w = theta.baseAddress! + mlp.weightOffsets[l], b = theta.baseAddress! + mlp.biasOffsets[l]
                KernelLayout.write(weights: w, bias: b, nIn: layer.nIn, nOut: layer.nOut, wide: layer.wide, chunks: layer.chunks,
                                   rowLength: layer.inVectors * 16, biasLanes: 16,
                                   into: UnsafeMutableRawPointer(layer.weights).assumingMemoryBound(to: Float.self),
                                   biasInto: UnsafeMutableRawPointer(layer.bias).assumingMemoryBound(to: Float.self))
            }
        }
    }

    /// The input buffer of (thread, slot): the first `widths[0]` Floats are the network's inputs.
    @inline(__always) func input(thread: Int, slot: Int) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer(slotBuffers(thread: thread, slot: slot)[0]).assumingMemoryBound(to: Float.self)
    }

    /// The output buffer of (thread, slot) after `evaluate`.
    @inline(__always) func output(thread: Int, slot: Int) -> UnsafePointer<Float> {
        UnsafeRawPointer(slotBuffers(thread: thread, slot: slot)[layerCount]).assumingMemoryBound(to: Float.self)
    }

    /// The MLP on the input buffer of (thread, slot).
    func evaluate(thread: Int, slot: Int) {
        let buffers = slotBuffers(thread: thread, slot: slot)
        let wideRegisters = laneVectorWidth == .bits512
        for l in 0..<layerCount {
            let layer = layerTable[l]
            let x = UnsafeRawPointer(buffers[l]).assumingMemoryBound(to: Float.self)
            let out = buffers[l + 1]
            if layer.wide {
                for c in 0..<layer.chunks {
                    let w = UnsafePointer(layer.weights + c * layer.nIn * 4), b = UnsafePointer(layer.bias + c * 4)
                    if wideRegisters {
                        Float32Network.chunkEvenOdd(nIn: layer.nIn, w: w, b: b, x: x, out: out + c * 4)
                    } else {
                        Float32Network.chunk(nIn: layer.nIn, w: w, b: b, x: x, out: out + c * 4)
                    }
                }
            } else {
                Float32Network.narrow(layer, x: UnsafePointer(buffers[l]), out: out)
            }
            switch layer.activation {
            case .tanh: RationalTanh.apply(out, count: layer.outVectors)
            case .identity: break
            case .relu: for v in 0..<layer.outVectors { out[v] = out[v].replacing(with: 0, where: out[v] .< 0) }
            case .softplus:
                for v in 0..<layer.outVectors {
                    var z = out[v]
                    for j in 0..<16 { z[j] = Float(Activation.softplus.value(Double(z[j]))) }
                    out[v] = z
                }
            }
        }
    }

    /// out[0..<4] = b + sum_i x[i] w[i][0..<4] (64 neurons), even and odd i in separate accumulators
    /// (8 chains: one AVX-512 register each).
    @inline(__always)
    static func chunkEvenOdd(nIn: Int, w: UnsafePointer<SIMD16<Float>>, b: UnsafePointer<SIMD16<Float>>,
                             x: UnsafePointer<Float>, out: UnsafeMutablePointer<SIMD16<Float>>) {
        var a0 = b[0], a1 = b[1], a2 = b[2], a3 = b[3]
        var c0 = SIMD16<Float>(), c1 = SIMD16<Float>(), c2 = SIMD16<Float>(), c3 = SIMD16<Float>()
        var i = 0
        while i + 1 < nIn {
            let p = w + i * 4, xe = SIMD16<Float>(repeating: x[i]), xo = SIMD16<Float>(repeating: x[i + 1])
            a0 = a0.addingProduct(p[0], xe); a1 = a1.addingProduct(p[1], xe)
            a2 = a2.addingProduct(p[2], xe); a3 = a3.addingProduct(p[3], xe)
            c0 = c0.addingProduct(p[4], xo); c1 = c1.addingProduct(p[5], xo)
            c2 = c2.addingProduct(p[6], xo); c3 = c3.addingProduct(p[7], xo)
            i += 2
        }
        if i < nIn {
            let p = w + i * 4, xe = SIMD16<Float>(repeating: x[i])
            a0 = a0.addingProduct(p[0], xe); a1 = a1.addingProduct(p[1], xe)
            a2 = a2.addingProduct(p[2], xe); a3 = a3.addingProduct(p[3], xe)
        }
        out[0] = a0 + c0; out[1] = a1 + c1; out[2] = a2 + c2; out[3] = a3 + c3
    }

    /// As `chunkEvenOdd` with one chain per output vector (4 SIMD16 = 8 AVX2 registers).
    @inline(__always)
    static func chunk(nIn: Int, w: UnsafePointer<SIMD16<Float>>, b: UnsafePointer<SIMD16<Float>>,
                      x: UnsafePointer<Float>, out: UnsafeMutablePointer<SIMD16<Float>>) {
        var a0 = b[0], a1 = b[1], a2 = b[2], a3 = b[3]
        for i in 0..<nIn {
            let p = w + i * 4, u = SIMD16<Float>(repeating: x[i])
            a0 = a0.addingProduct(p[0], u); a1 = a1.addingProduct(p[1], u)
            a2 = a2.addingProduct(p[2], u); a3 = a3.addingProduct(p[3], u)
        }
        out[0] = a0; out[1] = a1; out[2] = a2; out[3] = a3
    }

    /// out[o] = b[o] + W[o, :] . x for the outputs of a narrow layer, as scalars in the lanes of out[0].
    /// Each sum joins its lane by a masked select in registers: `result[o] += sum` with a variable o went
    /// through the stack (a 4-byte store, then a 64-byte load that cannot be forwarded from it), on the
    /// critical path of a batch-1 step (docs/performance.md, "Record hints from the adjoint, the Float32 network's narrow layer, ...").
    @inline(__always)
    static func narrow(_ layer: Layer, x: UnsafePointer<SIMD16<Float>>, out: UnsafeMutablePointer<SIMD16<Float>>) {
        var result = layer.bias[0]
        let nv = layer.inVectors
        let laneIndex = SIMD16<Float>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        for o in 0..<layer.nOut {
            let row = layer.weights + o * nv
            var s = SIMD16<Float>()
            for v in 0..<nv { s = s.addingProduct(row[v], x[v]) }
            result.replace(with: result + horizontalSum(s), where: laneIndex .== Float(o))
        }
        out[0] = result
    }

    /// The sum of the 16 lanes as a tree of vector halves (4 dependent additions; `SIMD.sum()`
    /// compiles to 15 dependent scalar additions, on the critical path of a batch-1 step).
    @inline(__always)
    static func horizontalSum(_ s: SIMD16<Float>) -> Float {
        let a = s.lowHalf + s.highHalf
        let b = a.lowHalf + a.highHalf
        let c = b.lowHalf + b.highHalf
        return c[0] + c[1]
    }
}
