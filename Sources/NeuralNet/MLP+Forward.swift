import Numerics

/// Which kernel runs the matrix products of a forward pass.
public enum MLPComputePath: Sendable {
    /// `direct` for small products (batch x in x out <= `MLP.directPathLimit`), BLAS above.
    case automatic
    /// One OpenBLAS dgemm per layer for the whole batch.
    case blas
    /// Hand-written SIMD dot products (no library call); fastest for a batch of a few rows,
    /// where the fixed cost of a dgemm call dominates.
    case direct
}

extension MLP {
    /// Largest batch x in x out of a layer that `.automatic` sends to the direct kernel.
    /// Measured with `spinode bench surrogate-rk4` (field `mlp_forward`, paper network 4-50-50-2,
    /// one OpenBLAS thread): the direct kernel takes about half the time of dgemm at batch 1 and 2,
    /// the two are even at batch 4 (50 x 50 x 4 = 10,000), and dgemm wins from batch 8 on.
    public static let directPathLimit = 10_000

    /// Batched forward pass: for l = 1..L, H_l = act_l(H_{l-1} W_l^T + 1 b_l^T), H_0 the `batch` x in
    /// rows of `input` (row stride `inputStride`). Results stay in `workspace` (z_l, h_l for every
    /// layer, read by the vector-Jacobian product); the return value points at H_L
    /// (batch x out, row stride out), valid until the workspace's next pass.
    /// - Complexity: 2 batch sum_l in_l out_l flops; one dgemm per layer on the BLAS path; no allocation.
    @discardableResult
    public func forward(batch: Int, input: UnsafePointer<Double>, inputStride: Int,
                        workspace ws: MLPWorkspace, path: MLPComputePath = .automatic) -> UnsafePointer<Double> {
        precondition(batch <= ws.maxBatch && ws.widths == widths, "MLP.forward: workspace \(ws.widths) x \(ws.maxBatch) for batch \(batch) of \(widths)")
        ws.lastBatch = batch
        if batch == 0 { return ws.output }
        parameters.withUnsafeBufferPointer { theta in
            let p = theta.baseAddress!
            var hPrev = input, ldPrev = inputStride
            for l in 0..<layerCount {
                let nIn = widths[l], nOut = widths[l + 1]
                let w = p + weightOffsets[l], b = p + biasOffsets[l]
                let z = ws.z[l]
                let useDirect: Bool
                switch path {
                case .automatic: useDirect = batch * nIn * nOut <= MLP.directPathLimit
                case .blas: useDirect = false
                case .direct: useDirect = true
                }
                if useDirect {
                    MLP.directAffine(batch: batch, nIn: nIn, nOut: nOut, w: w, b: b, x: hPrev, ldx: ldPrev, z: z)
                } else {
                    for r in 0..<batch { (z + r * nOut).update(from: b, count: nOut) }
                    BLAS.gemm(transB: true, m: batch, n: nOut, k: nIn, a: hPrev, lda: ldPrev, b: w, ldb: nIn,
                              beta: 1, c: z, ldc: nOut)
                }
                activations[l].apply(count: batch * nOut, z: z, h: ws.h[l])
                hPrev = UnsafePointer(ws.h[l]); ldPrev = nOut
            }
        }
        return ws.output
    }

    /// z[r, o] = b[o] + sum_i W[o, i] x[r, i]: SIMD8 dot products along the input dimension with
    /// two accumulators, remainder scalar.
    @usableFromInline
    static func directAffine(batch: Int, nIn: Int, nOut: Int, w: UnsafePointer<Double>, b: UnsafePointer<Double>,
                             x: UnsafePointer<Double>, ldx: Int, z: UnsafeMutablePointer<Double>) {
        let full16 = nIn & ~15, full8 = nIn & ~7
        for r in 0..<batch {
            let xr = UnsafeRawPointer(x + r * ldx)
            for o in 0..<nOut {
                let wo = UnsafeRawPointer(w + o * nIn)
                var a0 = SIMD8<Double>(), a1 = SIMD8<Double>()
                var i = 0
                while i < full16 {
                    a0 = a0.addingProduct(wo.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self),
                                          xr.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self))
                    a1 = a1.addingProduct(wo.loadUnaligned(fromByteOffset: i * 8 + 64, as: SIMD8<Double>.self),
                                          xr.loadUnaligned(fromByteOffset: i * 8 + 64, as: SIMD8<Double>.self))
                    i += 16
                }
                if i < full8 {
                    a0 = a0.addingProduct(wo.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self),
                                          xr.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Double>.self))
                    i += 8
                }
                var s = (a0 + a1).sum()
                let wp = w + o * nIn, xp = x + r * ldx
                while i < nIn { s += wp[i] * xp[i]; i += 1 }
                z[r * nOut + o] = s + b[o]
            }
        }
    }

    /// The network applied to one input vector (allocates; for tests and tools, not hot loops).
    public func callAsFunction(_ x: [Double]) -> [Double] {
        precondition(x.count == inputWidth, "MLP: input of \(x.count) values for width \(inputWidth)")
        let ws = MLPWorkspace(for: self, maxBatch: 1)
        let out = x.withUnsafeBufferPointer { forward(batch: 1, input: $0.baseAddress!, inputStride: inputWidth, workspace: ws) }
        return Array(UnsafeBufferPointer(start: out, count: outputWidth))
    }

    /// The network applied to each row of a batch x in matrix (allocates).
    public func callAsFunction(_ x: Matrix, path: MLPComputePath = .automatic) -> Matrix {
        precondition(x.columns == inputWidth, "MLP: \(x.columns) input columns for width \(inputWidth)")
        if x.rows == 0 { return Matrix(rows: 0, columns: outputWidth) }
        let ws = MLPWorkspace(for: self, maxBatch: x.rows)
        let out = x.storage.withUnsafeBufferPointer {
            forward(batch: x.rows, input: $0.baseAddress!, inputStride: inputWidth, workspace: ws, path: path)
        }
        return Matrix(rows: x.rows, columns: outputWidth, storage: Array(UnsafeBufferPointer(start: out, count: x.rows * outputWidth)))
    }
}
