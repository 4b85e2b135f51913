extension SurrogateTrainer {
    /// The gradient method of a run, and the ODE module's method on the same workspace (the check of
    /// the fast paths, and the method itself for adaptive solvers):
    /// - fixed RK4 with tanh, relu or identity layers and no linear term: `FusedKernelGradient` in the
    ///   run's precision, on the lane vectors of `options.laneVectorWidth`;
    /// - fixed RK4 otherwise: `SampleGridGradient` (Float64 only);
    /// - adaptive solvers: `ODEModuleGradient`.
    static func gradientMethods(model: SurrogateModel, options: FitOptions, workspace ws: MinibatchWorkspace) throws
        -> (primary: any MinibatchGradientMethod, odeModule: ODEModuleGradient) {
        let batch = ws.batch, n = model.stateDimension, m = model.extraInputCount
        let fill = model.extraInputCount > 0 ? ws.fillInputs : nil
        let field: NeuralVectorField
        do {
            field = try NeuralVectorField(mlp: model.mlp, stateWidth: n, extraInputCount: m, batch: batch, maxBatch: batch,
                                          linearTerm: model.linearTerm, extraInputs: fill)
        } catch {
            throw SurrogateError.invalidModel("\(error)")
        }
        // One dgemm per layer for the whole minibatch, also for the thin first and last layers: faster
        // than the automatic per-layer choice at the paper's batch of 50 (`spinode bench fit-paper`).
        if batch >= 8 { field.computePath = .blas }
        let odeModule = ODEModuleGradient(field: field, solver: options.solver, method: options.gradient)
        let fusable = !options.solver.isAdaptive && FusedSampleGridRK4<SIMD8<Double>>.supports(mlp: model.mlp, linearTerm: model.linearTerm)
        guard fusable || options.precision == .float64 else {
            throw SurrogateError.invalidOption("precision float32 needs fixed RK4 and tanh, relu or identity layers without a linear term")
        }
        guard case .fixedRK4(let stepsPerSample) = options.solver else { return (odeModule, odeModule) }
        if fusable {
            let kernel = FusedKernelGradient.Kernel(mlp: model.mlp, stateWidth: n, extraInputCount: m, threads: options.threads,
                                                    precision: options.precision, width: options.laneVectorWidth)
            return (FusedKernelGradient(kernel: kernel, stepsPerSample: stepsPerSample, method: options.gradient), odeModule)
        }
        let taped = try TapedNeuralVectorField(mlp: model.mlp, stateWidth: n, extraInputCount: m, batch: batch,
                                               linearTerm: model.linearTerm, extraInputs: fill)
        taped.computePath = field.computePath
        return (SampleGridGradient(field: taped, stepsPerSample: stepsPerSample, method: options.gradient,
                                   samples: ws.samples), odeModule)
    }
}
