/// The training gradient for fixed-step RK4 with a network the fused kernel does not take (softplus, a
/// linear term): `SampleGridRK4` over a `TapedNeuralVectorField`, with the exact discrete adjoint
/// (every stage of the short windows kept, so the backward pass integrates nothing again) or the
/// continuous adjoint (backsolve on the same grid, the paper's method).
final class SampleGridGradient: MinibatchGradientMethod {
    let field: TapedNeuralVectorField
    let kernel = SampleGridRK4()
    let stepsPerSample: Int
    let method: GradientMethod
    /// dL/dy at every saved sample, [W x B x n].
    var cotangent: [Double]

    init(field: TapedNeuralVectorField, stepsPerSample: Int, method: GradientMethod, samples: Int) {
        self.field = field
        self.stepsPerSample = stepsPerSample
        self.method = method
        cotangent = [Double](repeating: 0, count: samples * field.dimension)
    }

    func lossAndGradient(parameters theta: [Double], workspace ws: MinibatchWorkspace, iteration: Int) throws -> Double {
        theta.withUnsafeBufferPointer { field.setParameters($0.baseAddress!) }
        try ws.y0.withUnsafeBufferPointer { yp in
            try ws.saved.withUnsafeMutableBufferPointer { sp in
                try kernel.forward(field, y0: yp.baseAddress!, t0: 0, sampleStep: ws.sampleStep, samples: ws.samples,
                                   stepsPerSample: stepsPerSample, stageEndOffset: ws.drive.stageEndOffset, saved: sp.baseAddress!)
            }
        }
        let loss = WindowLoss(mask: ws.observedMask, stateWidth: ws.stateWidth, batch: ws.batch)
        let value = ws.saved.withUnsafeBufferPointer { sp in
            ws.targets.withUnsafeBufferPointer { tp in
                cotangent.withUnsafeMutableBufferPointer { cp in
                    loss.evaluate(states: sp.baseAddress!, targets: tp.baseAddress!, samples: ws.samples, cotangent: cp.baseAddress!)
                }
            }
        }
        for q in ws.gradient.indices { ws.gradient[q] = 0 }
        cotangent.withUnsafeBufferPointer { cp in
            ws.gradient.withUnsafeMutableBufferPointer { gp in
                switch method {
                case .discreteAdjoint:
                    kernel.backward(field, savedCotangent: cp.baseAddress!, initialCotangent: nil, parameterCotangent: gp.baseAddress!)
                case .continuousAdjoint:
                    ws.saved.withUnsafeBufferPointer { sp in
                        kernel.continuousBackward(field, savedState: sp.baseAddress!, savedCotangent: cp.baseAddress!,
                                                  initialCotangent: nil, parameterCotangent: gp.baseAddress!)
                    }
                }
            }
        }
        return value
    }
}
