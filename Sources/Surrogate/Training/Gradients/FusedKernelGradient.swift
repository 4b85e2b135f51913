import NeuralNet

/// The default training gradient for fixed-step RK4 with a network the fused kernel supports: the
/// forward solve, loss and adjoint in one SIMD kernel (`FusedSampleGridRK4`), in Float64 or Float32,
/// on 512-bit or 256-bit lane vectors (`LaneVectorWidth`).
///
/// The kernel is held by its concrete type (not as a generic parameter of this class) so that every
/// call into it is specialised: an unspecialised lane kernel goes through generic SIMD witnesses and
/// runs orders of magnitude slower.
final class FusedKernelGradient: MinibatchGradientMethod {
    enum Kernel {
        case float64x8(FusedSampleGridRK4<SIMD8<Double>>)
        case float64x4(FusedSampleGridRK4<SIMD4<Double>>)
        case float32x16(FusedSampleGridRK4<SIMD16<Float>>)
        case float32x8(FusedSampleGridRK4<SIMD8<Float>>)

        /// The kernel of `precision` on lane vectors of `width` (`automatic`: this build's).
        init(mlp: MLP, stateWidth n: Int, extraInputCount m: Int, threads: Int, precision: TrainingPrecision, width: LaneVectorWidth) {
            switch (precision, width.resolved) {
            case (.float64, .bits256): self = .float64x4(.init(mlp: mlp, stateWidth: n, extraInputCount: m, threads: threads))
            case (.float64, _): self = .float64x8(.init(mlp: mlp, stateWidth: n, extraInputCount: m, threads: threads))
            case (.float32, .bits256): self = .float32x8(.init(mlp: mlp, stateWidth: n, extraInputCount: m, threads: threads))
            case (.float32, _): self = .float32x16(.init(mlp: mlp, stateWidth: n, extraInputCount: m, threads: threads))
            }
        }
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
        let grid = FusedGrid(samples: ws.samples, stepsPerSample: stepsPerSample, sampleStep: ws.sampleStep,
                             endOffset: ws.drive.stageEndOffset)
        switch kernel {
        case .float64x8(let k): k.setParameters(theta); return try run(k, grid: grid, workspace: ws)
        case .float64x4(let k): k.setParameters(theta); return try run(k, grid: grid, workspace: ws)
        case .float32x16(let k): k.setParameters(theta); return try run(k, grid: grid, workspace: ws)
        case .float32x8(let k): k.setParameters(theta); return try run(k, grid: grid, workspace: ws)
        }
    }

    @inline(__always)
    func run<V>(_ k: FusedSampleGridRK4<V>, grid: FusedGrid, workspace ws: MinibatchWorkspace) throws -> Double {
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
