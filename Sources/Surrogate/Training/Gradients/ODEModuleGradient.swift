import ODE

/// The training gradient for every solver and gradient method through the ODE module's adjoints
/// (`DiscreteAdjoint` through the accepted steps and their dense output, or `ContinuousAdjoint`, the
/// backsolve of Chen et al., NeurIPS 2018, as torchdiffeq's odeint_adjoint) on the batched window ODE,
/// saving every sample. It serves the adaptive solvers, and checks the fast RK4 paths (a test compares
/// them through `SurrogateTrainer.minibatchGradient(viaODEModule:)`).
final class ODEModuleGradient: MinibatchGradientMethod {
    let field: NeuralVectorField
    let solver: SurrogateSolver
    let method: GradientMethod
    let cache = ODESolverCache()

    init(field: NeuralVectorField, solver: SurrogateSolver, method: GradientMethod) {
        self.field = field
        self.solver = solver
        self.method = method
    }

    func lossAndGradient(parameters theta: [Double], workspace ws: MinibatchWorkspace, iteration: Int) throws -> Double {
        theta.withUnsafeBufferPointer { field.setParameters($0.baseAddress!) }
        let dTau = ws.sampleStep, w = ws.samples
        let saveAt = (0..<w).map { Double($0) * dTau }
        let ode = FreeRunPrediction.odeSolver(solver, sampleStep: dTau)
        let adjoint: any AdjointMethod
        switch (method, solver) {
        case (.discreteAdjoint, _):
            adjoint = DiscreteAdjoint()
        case (.continuousAdjoint, .adaptiveDormandPrince(let r, let a)), (.continuousAdjoint, .adaptiveTsitouras(let r, let a)):
            adjoint = ContinuousAdjoint(rtol: r, atol: a)
        case (.continuousAdjoint, .fixedRK4):
            adjoint = ContinuousAdjoint()
        }
        let result: ODEGradient
        do {
            result = try ws.targets.withUnsafeBufferPointer { tp in
                let loss = WindowLoss(targets: tp.baseAddress!, mask: ws.observedMask, stateWidth: ws.stateWidth, batch: ws.batch)
                return try ode.gradient(field, y0: ws.y0, t0: 0, t1: saveAt[w - 1], saveAt: saveAt,
                                        jumpTimes: ws.drive.jumpTimes(until: saveAt[w - 1]), loss: loss, adjoint: adjoint,
                                        cache: cache)
            }
        } catch {
            throw SurrogateError.nonFinite("training iteration \(iteration + 1): \(error)")
        }
        ws.gradient = result.parameterGradient
        return result.loss
    }
}
