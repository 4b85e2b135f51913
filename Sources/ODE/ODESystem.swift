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
}
