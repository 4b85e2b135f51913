import Numerics
import NeuralNet
import ODE

/// The neural right-hand side of the Spin-Neural ODE over a batch of B states (Chen et al.,
/// Nat. Commun. 13, 1016 (2022), Eq. 2 and Methods; layout in docs/surrogate-model.md):
///
///     dy_b/dtau = MLP([y_b, e_b(tau)]) + A y_b,     b = 0..<B,
///
/// y_b the n-component (delay-embedded, normalised) state of member b, e_b(tau) the m extra network
/// inputs of member b at normalised time tau (the delayed drive samples u~(t), u~(t + dt_s), ...
/// and the static parameters p~, in the order of docs/surrogate-model.md), A an optional fixed
/// n x n linear term (`linear_term`; nil means 0). The state vector holds the members one after the
/// other (member b at y[b n ..< (b + 1) n]); the ODE parameters theta are the MLP's flat parameters
/// (W_1, b_1, W_2, b_2, ...).
///
/// `evaluate` runs one batched forward pass (one dgemm per layer, or the direct SIMD kernel for small
/// batches) and `vectorJacobianProduct` recomputes that forward pass at (tau, y) and then runs the
/// MLP's reverse pass; neither allocates.
public final class NeuralVectorField: DifferentiableODESystem {
    /// Fills the extra inputs of `batch` members at time tau: member b's m values go to
    /// `e[b * stride ..< b * stride + m]`. Must not allocate (it runs in every evaluation).
    public typealias ExtraInputs = (_ tau: Double, _ batch: Int, _ e: UnsafeMutablePointer<Double>, _ stride: Int) -> Void

    /// The network; `mlp.parameters` is theta. Its input width is n + m, its output width n.
    public var mlp: MLP
    /// State components per member, n.
    public let stateWidth: Int
    /// Extra network inputs per member, m.
    public let extraInputCount: Int
    /// Largest batch the buffers hold.
    public let maxBatch: Int
    /// Members integrated together, B (<= maxBatch).
    public var batch: Int {
        didSet { precondition(batch >= 0 && batch <= maxBatch, "NeuralVectorField: batch \(batch) above capacity \(maxBatch)") }
    }
    /// The fixed linear part A (n x n, row-major), or nil.
    public let linearTerm: Matrix?
    /// Supplier of e_b(tau); required when extraInputCount > 0.
    public var extraInputs: ExtraInputs?
    /// Kernel choice for the forward pass.
    public var computePath: MLPComputePath = .automatic

    @usableFromInline let workspace: MLPWorkspace
    /// Network input rows [y_b, e_b] (maxBatch x (n + m)).
    @usableFromInline let networkInput: UnsafeMutablePointer<Double>

    public var dimension: Int { batch * stateWidth }
    public var parameterCount: Int { mlp.parameterCount }

    /// - Throws: `NeuralNetError.shape` if the MLP does not map n + m inputs to n outputs or A is not n x n.
    public init(mlp: MLP, stateWidth n: Int, extraInputCount m: Int, batch: Int, maxBatch: Int? = nil,
                linearTerm: Matrix? = nil, extraInputs: ExtraInputs? = nil) throws {
        guard mlp.inputWidth == n + m, mlp.outputWidth == n else {
            throw NeuralNetError.shape("NeuralVectorField with state width \(n) and \(m) extra inputs needs an MLP \(n + m) -> \(n), got \(mlp.widths)")
        }
        if let a = linearTerm, a.rows != n || a.columns != n {
            throw NeuralNetError.shape("NeuralVectorField linear term must be \(n) x \(n), got \(a.rows) x \(a.columns)")
        }
        let capacity = maxBatch ?? batch
        guard batch >= 0, capacity >= max(batch, 1) else {
            throw NeuralNetError.shape("NeuralVectorField batch \(batch) with capacity \(capacity)")
        }
        self.mlp = mlp
        self.stateWidth = n
        self.extraInputCount = m
        self.maxBatch = capacity
        self.batch = batch
        self.linearTerm = linearTerm
        self.extraInputs = extraInputs
        workspace = MLPWorkspace(for: mlp, maxBatch: capacity)
        networkInput = .allocate(capacity: capacity * (n + m))
        networkInput.initialize(repeating: 0, count: capacity * (n + m))
    }

    deinit { networkInput.deallocate() }

    /// Replaces theta (count `parameterCount`).
    public func setParameters(_ theta: UnsafePointer<Double>) {
        mlp.parameters.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: theta, count: $0.count) }
    }

    /// Fills the network input rows [y_b, e_b(tau)] and runs the forward pass.
    @usableFromInline
    func forward(t: Double, y: UnsafePointer<Double>) -> UnsafePointer<Double> {
        let n = stateWidth, width = stateWidth + extraInputCount
        for b in 0..<batch { (networkInput + b * width).update(from: y + b * n, count: n) }
        if extraInputCount > 0 {
            guard let e = extraInputs else { preconditionFailure("NeuralVectorField: \(extraInputCount) extra inputs but no supplier") }
            e(t, batch, networkInput + n, width)
        }
        return mlp.forward(batch: batch, input: networkInput, inputStride: width, workspace: workspace, path: computePath)
    }

    public func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
        if batch == 0 { return }
        let out = forward(t: t, y: y)
        let n = stateWidth
        dydt.update(from: out, count: batch * n)
        if let a = linearTerm {
            // dydt (B x n) += Y (B x n) A^T
            a.storage.withUnsafeBufferPointer { ap in
                BLAS.gemm(transB: true, m: batch, n: n, k: n, a: y, lda: n, b: ap.baseAddress!, ldb: n,
                          beta: 1, c: dydt, ldc: n)
            }
        }
    }

    /// Adds v^T df/dy to `stateCotangent` and v^T df/dtheta to `parameterCotangent`. Recomputes the
    /// forward pass at (t, y) first (so it does not depend on the last `evaluate`).
    public func vectorJacobianProduct(t: Double, y: UnsafePointer<Double>, cotangent v: UnsafePointer<Double>,
                                      stateCotangent: UnsafeMutablePointer<Double>,
                                      parameterCotangent: UnsafeMutablePointer<Double>) {
        if batch == 0 { return }
        _ = forward(t: t, y: y)
        let n = stateWidth, width = stateWidth + extraInputCount
        mlp.vectorJacobianProduct(batch: batch, input: networkInput, inputStride: width,
                                  outputCotangent: v, outputCotangentStride: n,
                                  inputCotangent: stateCotangent, inputCotangentStride: n, inputCotangentColumns: n,
                                  accumulateInput: true, parameterCotangent: parameterCotangent, workspace: workspace)
        if let a = linearTerm {
            // stateCotangent (B x n) += V (B x n) A
            a.storage.withUnsafeBufferPointer { ap in
                BLAS.gemm(m: batch, n: n, k: n, a: v, lda: n, b: ap.baseAddress!, ldb: n, beta: 1, c: stateCotangent, ldc: n)
            }
        }
    }
}
