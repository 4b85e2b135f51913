/// The default training gradient for fixed-step RK4 with a network the fused kernel supports: the
/// forward solve, loss and adjoint in one SIMD kernel (`FusedSampleGridRK4`), in Float64 or Float32.
final class FusedKernelGradient<T: LaneScalar>: MinibatchGradientMethod {
    let kernel: FusedSampleGridRK4<T>
    let stepsPerSample: Int
    let method: GradientMethod

    init(kernel: FusedSampleGridRK4<T>, stepsPerSample: Int, method: GradientMethod) {
        self.kernel = kernel
        self.stepsPerSample = stepsPerSample
        self.method = method
    }

    func lossAndGradient(parameters theta: [Double], workspace ws: MinibatchWorkspace, iteration: Int) throws -> Double {
        let grid = FusedSampleGridRK4<T>.Grid(samples: ws.samples, stepsPerSample: stepsPerSample, sampleStep: ws.sampleStep,
                                              endOffset: ws.drive.stageEndOffset)
        let fill = ws.fillInputs, batch = ws.batch, mask = ws.observedMask
        kernel.setParameters(theta)
        return try ws.y0.withUnsafeBufferPointer { yp in
            try ws.targets.withUnsafeBufferPointer { tp in
                try ws.saved.withUnsafeMutableBufferPointer { sp in
                    try ws.gradient.withUnsafeMutableBufferPointer { gp in
                        try kernel.lossAndGradient(batch: batch, grid: grid, method: method, y0: yp.baseAddress!,
                                                   targets: tp.baseAddress!, mask: mask, fillInputs: fill,
                                                   saved: sp.baseAddress!, gradient: gp.baseAddress!)
                    }
                }
            }
        }
    }
}
