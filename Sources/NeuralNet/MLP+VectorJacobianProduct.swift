import Numerics

extension MLP {
    /// Reverse-mode pass (vector-Jacobian product) through the network at the inputs of the
    /// **last forward pass** on `workspace`, whose z_l and h_l it reuses (it does not recompute
    /// them: call `forward` on the same `input` and `batch` first).
    ///
    /// With G_L = `outputCotangent` (batch x out, row stride `outputCotangentStride`), for l = L..1:
    ///
    ///     D_l = G_l (.) act_l'(z_l),   dtheta: W_l += D_l^T H_{l-1},  b_l += sum_rows D_l,
    ///     G_{l-1} = D_l W_l,
    ///
    /// the parameter cotangents are **added** into `parameterCotangent` (flat, order W_1, b_1, ...),
    /// and the first `inputCotangentColumns` columns of G_0 (batch x in) are written to
    /// `inputCotangent` (row stride `inputCotangentStride`), **added** to what is there when
    /// `accumulateInput` is true. Pass `inputCotangent: nil` to skip G_0 (saves one dgemm).
    /// - Complexity: about 4 batch sum_l in_l out_l flops (two dgemm per layer); no allocation.
    public func vectorJacobianProduct(batch: Int, input: UnsafePointer<Double>, inputStride: Int,
                                      outputCotangent: UnsafePointer<Double>, outputCotangentStride: Int,
                                      inputCotangent: UnsafeMutablePointer<Double>?, inputCotangentStride: Int,
                                      inputCotangentColumns: Int? = nil, accumulateInput: Bool = false,
                                      parameterCotangent: UnsafeMutablePointer<Double>,
                                      workspace ws: MLPWorkspace) {
        precondition(ws.widths == widths && ws.lastBatch == batch,
                     "MLP.vectorJacobianProduct: workspace last ran batch \(ws.lastBatch), asked \(batch)")
        if batch == 0 { return }
        let columns = inputCotangentColumns ?? inputWidth
        precondition(columns <= inputWidth)
        parameters.withUnsafeBufferPointer { theta in
            let p = theta.baseAddress!
            var d = ws.cotangentA, next = ws.cotangentB
            // D_L = G_L (.) act_L'(z_L), copied into the workspace.
            let nOutL = outputWidth
            for r in 0..<batch { (d + r * nOutL).update(from: outputCotangent + r * outputCotangentStride, count: nOutL) }
            for l in stride(from: layerCount - 1, through: 0, by: -1) {
                let nIn = widths[l], nOut = widths[l + 1]
                activations[l].multiplyDerivative(count: batch * nOut, z: ws.z[l], h: ws.h[l], g: d)
                let hPrev: UnsafePointer<Double> = l == 0 ? input : UnsafePointer(ws.h[l - 1])
                let ldPrev = l == 0 ? inputStride : nIn
                // dW_l += D_l^T H_{l-1}   (out x in)
                BLAS.gemm(transA: true, m: nOut, n: nIn, k: batch, a: d, lda: nOut, b: hPrev, ldb: ldPrev,
                          beta: 1, c: parameterCotangent + weightOffsets[l], ldc: nIn)
                // db_l += sum over rows of D_l
                let gb = parameterCotangent + biasOffsets[l]
                for r in 0..<batch {
                    let dr = d + r * nOut
                    for o in 0..<nOut { gb[o] += dr[o] }
                }
                let w = p + weightOffsets[l]
                if l > 0 {
                    // G_{l-1} = D_l W_l   (batch x in)
                    BLAS.gemm(m: batch, n: nIn, k: nOut, a: d, lda: nOut, b: w, ldb: nIn, beta: 0, c: next, ldc: nIn)
                    swap(&d, &next)
                } else if let gIn = inputCotangent, columns > 0 {
                    BLAS.gemm(m: batch, n: columns, k: nOut, a: d, lda: nOut, b: w, ldb: nIn,
                              beta: accumulateInput ? 1 : 0, c: gIn, ldc: inputCotangentStride)
                }
            }
        }
    }
}
