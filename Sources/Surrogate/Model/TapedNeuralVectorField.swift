import Numerics
import NeuralNet
import ODE

/// A system that can keep the internals of each stage evaluation in a numbered slot, so a
/// vector-Jacobian product at the same stage reuses them instead of recomputing the forward pass.
/// `SampleGridRK4` numbers the stages of a window 0, 1, ... and calls `selectStageSlot` before each
/// evaluation and each VJP.
public protocol StageTapedSystem: DifferentiableODESystem {
    /// Makes room for `count` slots.
    func reserveStageSlots(_ count: Int)
    /// The slot the next `evaluate` records into and the next `vectorJacobianProduct` reads from.
    func selectStageSlot(_ slot: Int)
}

/// The Spin-Neural ODE vector field of `NeuralVectorField`,
///
///     dy_b/dtau = MLP([y_b, e_b(tau)]) + A y_b,    b = 0..<B,
///
/// (Chen et al., Nat. Commun. 13, 1016 (2022); docs/surrogate-model.md), with a tape: each stage slot
/// keeps its network input rows and the pre-activations and activations of every layer, so the
/// reverse pass of a training window runs the network backward only (no second forward pass per
/// stage). For the paper's minibatch (50 windows, 19 RK4 steps, 76 stages, MLP 4-50-50-2) the tape
/// holds about 76 x 15,000 Doubles (9 MB).
///
/// The VJP of slot s is valid only at the (t, y) that slot's last `evaluate` saw; `SampleGridRK4`
/// guarantees it. Not for use with solvers that call the VJP at other points.
public final class TapedNeuralVectorField: StageTapedSystem {
    public private(set) var mlp: MLP
    public let stateWidth: Int
    public let extraInputCount: Int
    public let maxBatch: Int
    public var batch: Int
    public let linearTerm: Matrix?
    public var extraInputs: NeuralVectorField.ExtraInputs?
    public var computePath: MLPComputePath = .automatic

    var workspaces: [MLPWorkspace] = []
    var inputs: [UnsafeMutablePointer<Double>] = []
    var slot = 0

    public var dimension: Int { batch * stateWidth }
    public var parameterCount: Int { mlp.parameterCount }

    public init(mlp: MLP, stateWidth n: Int, extraInputCount m: Int, batch: Int, linearTerm: Matrix? = nil,
                extraInputs: NeuralVectorField.ExtraInputs? = nil) throws {
        guard mlp.inputWidth == n + m, mlp.outputWidth == n else {
            throw SurrogateError.invalidModel("vector field with state width \(n) and \(m) extra inputs needs an MLP \(n + m) -> \(n), got \(mlp.widths)")
        }
        if let a = linearTerm, a.rows != n || a.columns != n {
            throw SurrogateError.invalidModel("linear term must be \(n) x \(n), got \(a.rows) x \(a.columns)")
        }
        self.mlp = mlp
        stateWidth = n
        extraInputCount = m
        maxBatch = batch
        self.batch = batch
        self.linearTerm = linearTerm
        self.extraInputs = extraInputs
        reserveStageSlots(1)
    }

    deinit { for p in inputs { p.deallocate() } }

    public func reserveStageSlots(_ count: Int) {
        let width = stateWidth + extraInputCount
        while workspaces.count < count {
            workspaces.append(MLPWorkspace(for: mlp, maxBatch: maxBatch))
            let p = UnsafeMutablePointer<Double>.allocate(capacity: maxBatch * width)
            p.initialize(repeating: 0, count: maxBatch * width)
            inputs.append(p)
        }
    }

    public func selectStageSlot(_ s: Int) { slot = s }

    /// Replaces theta (count `parameterCount`).
    public func setParameters(_ theta: UnsafePointer<Double>) {
        mlp.parameters.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: theta, count: $0.count) }
    }

    public func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
        if batch == 0 { return }
        let n = stateWidth, width = stateWidth + extraInputCount
        let input = inputs[slot]
        for b in 0..<batch { (input + b * width).update(from: y + b * n, count: n) }
        if extraInputCount > 0 { extraInputs!(t, batch, input + n, width) }
        let out = mlp.forward(batch: batch, input: input, inputStride: width, workspace: workspaces[slot], path: computePath)
        dydt.update(from: out, count: batch * n)
        if let a = linearTerm {
            a.storage.withUnsafeBufferPointer { ap in
                BLAS.gemm(transB: true, m: batch, n: n, k: n, a: y, lda: n, b: ap.baseAddress!, ldb: n, beta: 1, c: dydt, ldc: n)
            }
        }
    }

    /// Adds v^T df/dy and v^T df/dtheta at the slot's recorded stage (no forward recomputation).
    public func vectorJacobianProduct(t: Double, y: UnsafePointer<Double>, cotangent v: UnsafePointer<Double>,
                                      stateCotangent: UnsafeMutablePointer<Double>,
                                      parameterCotangent: UnsafeMutablePointer<Double>) {
        if batch == 0 { return }
        let n = stateWidth, width = stateWidth + extraInputCount
        mlp.vectorJacobianProduct(batch: batch, input: inputs[slot], inputStride: width,
                                  outputCotangent: v, outputCotangentStride: n,
                                  inputCotangent: stateCotangent, inputCotangentStride: n, inputCotangentColumns: n,
                                  accumulateInput: true, parameterCotangent: parameterCotangent, workspace: workspaces[slot])
        if let a = linearTerm {
            a.storage.withUnsafeBufferPointer { ap in
                BLAS.gemm(m: batch, n: n, k: n, a: v, lda: n, b: ap.baseAddress!, ldb: n, beta: 1, c: stateCotangent, ldc: n)
            }
        }
    }
}
