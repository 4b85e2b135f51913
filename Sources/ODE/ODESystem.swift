/// A first-order system dy/dt = f(t, y) over one flat, preallocated state buffer.
///
/// This is the one protocol both right-hand sides of the toolkit implement: the LLG equation on a
/// grid of cells (`Micromagnetics`) and a neural network over a batch of delay-embedded states
/// (`Surrogate`). The engine owns stepping, error control, interpolation, jumps and gradients and
/// knows nothing of magnets or networks.
///
/// Batched systems put all batch members in the one state vector (member b's n components at
/// `y[b * n ..< (b + 1) * n]`), so every member shares one step size and the right-hand side can run
/// as matrix-matrix products.
public protocol ODESystem: AnyObject {
    /// Length of the flat state vector (all batch members together).
    var dimension: Int { get }

    /// Writes f(t, y) into `dydt` (length `dimension`). Must not allocate: it runs in the hot loop.
    func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>)

    /// Runs `body` on ranges of state indices that together cover 0 ..< dimension once each, possibly on
    /// several threads at once: how the engine's element-wise loops over the state (the Runge-Kutta stage
    /// combinations) use the threads of a system that has them. `body` reads and writes only the elements
    /// of its range, so the result does not depend on the split. Default: `body(0 ..< dimension)` on the
    /// calling thread.
    func forEachStateRange(_ body: (Range<Int>) -> Void)
}

extension ODESystem {
    public func forEachStateRange(_ body: (Range<Int>) -> Void) { body(0 ..< dimension) }
}

/// A system whose right-hand side f(t, y; theta) has a vector-Jacobian product, for gradients.
///
/// `theta` is the flat vector of `parameterCount` parameters the system owns (MLP weights and
/// biases for a neural vector field).
public protocol DifferentiableODESystem: ODESystem {
    /// Number of trainable parameters theta.
    var parameterCount: Int { get }

    /// At (t, y), **adds** v^T df/dy to `stateCotangent` (length `dimension`) and v^T df/dtheta to
    /// `parameterCotangent` (length `parameterCount`). Must not allocate.
    func vectorJacobianProduct(t: Double, y: UnsafePointer<Double>, cotangent v: UnsafePointer<Double>,
                               stateCotangent: UnsafeMutablePointer<Double>,
                               parameterCotangent: UnsafeMutablePointer<Double>)

    /// Number of values the system records per evaluation for a later vector-Jacobian product at the
    /// same (t, y) (a network's activations, say), so the product need not recompute the forward pass.
    /// 0 (the default) means the system keeps no such record.
    var tapeLength: Int { get }

    /// Evaluates f(t, y) into `dydt` exactly as `evaluate(t:y:dydt:)` and writes `tapeLength` values to
    /// `tape`. The discrete adjoint calls this for every stage of the forward pass and keeps the tapes
    /// of the accepted steps. Must not allocate.
    func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>,
                  tape: UnsafeMutablePointer<Double>)

    /// `vectorJacobianProduct(t:y:cotangent:...)` at a point whose forward record `tape` was written by
    /// `evaluate(t:y:dydt:tape:)` at the same (t, y). Adds, like the plain form, except that the
    /// parameter part may be deferred (e.g. to batch many small weight-gradient products into one
    /// large one) until `flushParameterCotangent` is called with the same buffer; only the discrete
    /// adjoint calls this form, and it flushes at the end of its backward pass. Must not allocate.
    func vectorJacobianProduct(t: Double, y: UnsafePointer<Double>, tape: UnsafePointer<Double>,
                               cotangent v: UnsafePointer<Double>, stateCotangent: UnsafeMutablePointer<Double>,
                               parameterCotangent: UnsafeMutablePointer<Double>)

    /// Adds any parameter cotangent deferred by the taped product into `parameterCotangent`.
    func flushParameterCotangent(_ parameterCotangent: UnsafeMutablePointer<Double>)

    /// A cache hint from the discrete adjoint, given just before each taped call: the record (`tapeLength`
    /// values) it will most likely use after this call, to be written (`forWriting`, the forward pass)
    /// or read (the reverse sweep); nil when there is none. A system whose records outgrow the caches
    /// may request it in parts while it computes; it must never dereference the pointer. Only valid
    /// until the taped call returns.
    func willUseRecordAfterThisCall(_ record: UnsafeRawPointer?, forWriting: Bool)
}

extension DifferentiableODESystem {
    /// No tape by default.
    public var tapeLength: Int { 0 }

    /// Default: the plain evaluation (nothing recorded).
    public func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>,
                         tape: UnsafeMutablePointer<Double>) {
        evaluate(t: t, y: y, dydt: dydt)
    }

    /// Default: nothing is deferred.
    public func flushParameterCotangent(_ parameterCotangent: UnsafeMutablePointer<Double>) {}

    /// Default: the hint is ignored.
    public func willUseRecordAfterThisCall(_ record: UnsafeRawPointer?, forWriting: Bool) {}

    /// Default: the plain product (the tape is ignored).
    public func vectorJacobianProduct(t: Double, y: UnsafePointer<Double>, tape: UnsafePointer<Double>,
                                      cotangent v: UnsafePointer<Double>, stateCotangent: UnsafeMutablePointer<Double>,
                                      parameterCotangent: UnsafeMutablePointer<Double>) {
        vectorJacobianProduct(t: t, y: y, cotangent: v, stateCotangent: stateCotangent,
                              parameterCotangent: parameterCotangent)
    }
}
