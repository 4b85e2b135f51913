import Foundation
import Numerics
import NeuralNet
import ODE
import Surrogate

/// The NODE-64 benchmark: the gradient of a neural-ODE loss, the workload of surrogate training.
///
/// Definition (followed exactly; the peer script scripts/bench/node64_peers.py runs the same in
/// diffrax and torchdiffeq):
/// - state x in R^4, input u(t) = sin(0.3 t) cos(0.11 t);
///   dx/dt = W3 tanh(W2 tanh(W1 [x; u] + b1) + b2) + b3, widths 5-64-64-4, Float64;
/// - W_l[i][j] = s_l sin(0.37 (i+1) + 0.71 (j+1) + l) / sqrt(m_l) (i output row, j input column,
///   l = 1, 2, 3, m_l the fan-in, s = (3, 3, 2)); b_l[i] = 0.1 cos(0.5 (i+1) + l);
/// - 32 initial states x0[b][k] = 0.5 sin(1.3 (b+1) + 0.7 (k+1)), integrated together (one state of
///   32 x 4, one shared step size);
/// - t in [0, 50], Dormand-Prince 5(4), rtol 1e-6, atol 1e-8; x_0 observed at t_i = 0.5 i, i = 0..100;
///   loss = mean over the 101 x 32 values of (x_0(t_i) - sin(0.2 t_i))^2;
///   gradient with respect to all 4,804 MLP parameters.
/// - Reference at very tight tolerance: loss 78.290497, gradient 2-norm 3000.8805.
public enum Node64 {
    public static let widths = [5, 64, 64, 4]
    public static let scales: [Double] = [3, 3, 2]
    public static let batch = 32
    public static let stateWidth = 4
    public static let t1 = 50.0
    public static let referenceLoss = 78.290497
    public static let referenceGradientNorm = 3000.8805

    /// The network with the benchmark's deterministic weights.
    public static func mlp() throws -> MLP {
        var net = try MLP(widths: widths, activations: [.tanh, .tanh, .identity])
        for l in 1...3 {
            let m = widths[l - 1], out = widths[l], s = scales[l - 1]
            let w = Matrix(rows: out, columns: m) { i, j in
                s * sin(0.37 * Double(i + 1) + 0.71 * Double(j + 1) + Double(l)) / Double(m).squareRoot()
            }
            try net.setWeight(layer: l - 1, w)
            try net.setBias(layer: l - 1, (0..<out).map { 0.1 * cos(0.5 * Double($0 + 1) + Double(l)) })
        }
        return net
    }

    /// u(t) = sin(0.3 t) cos(0.11 t).
    @inlinable public static func input(_ t: Double) -> Double { sin(0.3 * t) * cos(0.11 * t) }

    /// The batched vector field (a `NeuralVectorField` with the input u(t) as its one extra input).
    public static func system() throws -> NeuralVectorField {
        try NeuralVectorField(mlp: mlp(), stateWidth: stateWidth, extraInputCount: 1, batch: batch,
                              extraInputs: { t, batch, e, stride in
                                  let u = Node64.input(t)
                                  for b in 0..<batch { e[b * stride] = u }
                              })
    }

    /// x0, flat [32 x 4].
    public static func initialState() -> [Double] {
        (0..<batch).flatMap { b in (0..<stateWidth).map { k in 0.5 * sin(1.3 * Double(b + 1) + 0.7 * Double(k + 1)) } }
    }

    /// t_i = 0.5 i, i = 0..100.
    public static let observationTimes: [Double] = (0...100).map { 0.5 * Double($0) }

    /// Mean squared error of x_0 of every member against sin(0.2 t_i).
    public static func loss() -> MeanSquaredError {
        let targets = observationTimes.flatMap { t in [Double](repeating: sin(0.2 * t), count: batch) }
        return MeanSquaredError(components: (0..<batch).map { $0 * stateWidth }, targets: targets)
    }

    /// The benchmark's solver at the given tolerances (default: the definition's).
    public static func solver(rtol: Double = 1e-6, atol: Double = 1e-8,
                              controller: StepSizeController = .proportionalIntegral()) -> ODESolver {
        ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: rtol, atol: atol, controller: controller))
    }

    /// One loss-and-gradient evaluation.
    public static func gradient(system: NeuralVectorField, solver: ODESolver, adjoint: some AdjointMethod,
                                cache: ODESolverCache) throws -> ODEGradient {
        try solver.gradient(system, y0: initialState(), t0: 0, t1: t1, saveAt: observationTimes, loss: loss(),
                            adjoint: adjoint, cache: cache)
    }

    /// What `spinode bench node64` reports.
    public struct Result: Codable, Sendable {
        public var benchmark = "node64"
        public var gradient_method: String
        public var controller: String
        public var rtol: Double
        public var atol: Double
        public var seconds_per_gradient: Double
        public var all_seconds: [Double]
        public var repeats: Int
        public var blas_threads: Int
        public var loss: Double
        public var gradient_norm: Double
        public var loss_relative_error: Double
        public var gradient_norm_relative_error: Double
        public var parameters: Int
        public var accepted_steps: Int
        public var rejected_steps: Int
        public var rhs_evaluations: Int
        public var backward_accepted_steps: Int
        public var backward_rejected_steps: Int
        public var backward_rhs_evaluations: Int
        public var backward_vjp_evaluations: Int
    }

    /// Runs one warm-up and `repeats` timed gradient evaluations; reports the median time.
    public static func run(adjoint: some AdjointMethod, methodName: String, controller: StepSizeController,
                           rtol: Double = 1e-6, atol: Double = 1e-8, repeats: Int = 7, blasThreads: Int = 1) throws -> Result {
        BLAS.setThreadCount(blasThreads)
        let system = try system()
        let solver = solver(rtol: rtol, atol: atol, controller: controller)
        let cache = ODESolverCache()
        var g = try gradient(system: system, solver: solver, adjoint: adjoint, cache: cache)
        var times = [Double]()
        for _ in 0..<max(repeats, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            g = try gradient(system: system, solver: solver, adjoint: adjoint, cache: cache)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        let norm = BLAS.norm2(g.parameterGradient)
        return Result(gradient_method: methodName, controller: controller == .integral ? "I" : "PI",
                      rtol: rtol, atol: atol,
                      seconds_per_gradient: times.sorted()[times.count / 2], all_seconds: times, repeats: times.count,
                      blas_threads: blasThreads, loss: g.loss, gradient_norm: norm,
                      loss_relative_error: abs(g.loss - referenceLoss) / referenceLoss,
                      gradient_norm_relative_error: abs(norm - referenceGradientNorm) / referenceGradientNorm,
                      parameters: system.parameterCount,
                      accepted_steps: g.forwardStatistics.acceptedSteps, rejected_steps: g.forwardStatistics.rejectedSteps,
                      rhs_evaluations: g.forwardStatistics.rhsEvaluations,
                      backward_accepted_steps: g.backwardStatistics.acceptedSteps,
                      backward_rejected_steps: g.backwardStatistics.rejectedSteps,
                      backward_rhs_evaluations: g.backwardStatistics.rhsEvaluations,
                      backward_vjp_evaluations: g.backwardStatistics.vjpEvaluations)
    }
}
