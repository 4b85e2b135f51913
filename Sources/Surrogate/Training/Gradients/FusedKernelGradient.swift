/// The default training gradient for fixed-step RK4 with a network the fused kernel supports: the
/// forward solve, loss and adjoint in one SIMD kernel (`FusedSampleGridRK4`), in Float64 or Float32.
///
/// The kernel is held by its concrete type (not as a generic parameter of this class) so that every
/// call into it is specialised: an unspecialised lane kernel goes through generic SIMD witnesses and
/// runs orders of magnitude slower.
final class FusedKernelGradient: MinibatchGradientMethod {
    enum Kernel {
        case float64(FusedSampleGridRK4<Double>)
        case float32(FusedSampleGridRK4<Float>)
    }
    let kernel: Kernel
    let stepsPerSample: Int
    let method: GradientMethod

    init(kernel: Kernel, stepsPerSample: Int, method: GradientMethod) {
        self.kernel = kernel
        self.stepsPerSample = stepsPerSample
        self.method = method
    }

    func lossAndGradient(parameters theta: [Double], workspace ws: MinibatchWorkspace, iteration: Int) throws -> Double {
        switch kernel {
        case .float64(let k):
            k.setParameters(theta)
            return try run(k, grid: .init(samples: ws.samples, stepsPerSample: stepsPerSample, sampleStep: ws.sampleStep,
                                          endOffset: ws.drive.stageEndOffset), workspace: ws)
        case .float32(let k):
            k.setParameters(theta)
            return try run(k, grid: .init(samples: ws.samples, stepsPerSample: stepsPerSample, sampleStep: ws.sampleStep,
                                          endOffset: ws.drive.stageEndOffset), workspace: ws)
        }
    }

    @inline(__always)
    func run<T: LaneScalar>(_ k: FusedSampleGridRK4<T>, grid: FusedSampleGridRK4<T>.Grid, workspace ws: MinibatchWorkspace) throws -> Double {
        let fill = ws.fillInputs, batch = ws.batch, mask = ws.observedMask, method = self.method
        return try ws.y0.withUnsafeBufferPointer { yp in
            try ws.targets.withUnsafeBufferPointer { tp in
                try ws.saved.withUnsafeMutableBufferPointer { sp in
                    try ws.gradient.withUnsafeMutableBufferPointer { gp in
                        try k.lossAndGradient(batch: batch, grid: grid, method: method, y0: yp.baseAddress!,
                                              targets: tp.baseAddress!, mask: mask, fillInputs: fill,
                                              saved: sp.baseAddress!, gradient: gp.baseAddress!)
                    }
                }
            }
        }
    }
}
