/// Preallocated workspaces of a Runge-Kutta solve, reused across solves of the same size.
///
/// A solve takes the buffers it needs from the cache (growing them only when the dimension or stage
/// count grows), so repeated solves allocate nothing per step. Pass one cache to many solves to
/// allocate nothing per solve either. A cache serves one solve at a time (not thread-safe).
public final class ODESolverCache {
    /// Dimension and stage count the buffers hold.
    private(set) var capacityDimension = 0
    private(set) var capacityStages = 0

    /// Stage derivatives k_i, stage i at `k + i * n`.
    var k: UnsafeMutablePointer<Double>
    /// Stage states Y_i, stage i at `stage + i * n` (entry 0 unused: Y_1 = y_n).
    var stage: UnsafeMutablePointer<Double>
    /// Current state y_n, trial state y_{n+1}, end derivative f(t_n + h, y_{n+1}), scratch.
    var y: UnsafeMutablePointer<Double>
    var yNew: UnsafeMutablePointer<Double>
    var fEnd: UnsafeMutablePointer<Double>
    var scratch: UnsafeMutablePointer<Double>
    /// Dense-output weights B_1..B_s, B_end.
    var weights: UnsafeMutablePointer<Double>
    /// The discrete adjoint's tape, kept for reuse by repeated gradients.
    var discreteTape: DiscreteAdjointTape?

    public init() {
        k = .allocate(capacity: 1)
        stage = .allocate(capacity: 1)
        y = .allocate(capacity: 1)
        yNew = .allocate(capacity: 1)
        fEnd = .allocate(capacity: 1)
        scratch = .allocate(capacity: 1)
        weights = .allocate(capacity: 1)
    }

    deinit { release() }

    private func release() {
        k.deallocate(); stage.deallocate(); y.deallocate(); yNew.deallocate()
        fEnd.deallocate(); scratch.deallocate(); weights.deallocate()
    }

    /// Makes room for dimension n and s stages (buffers are not zeroed).
    func reserve(dimension n: Int, stages s: Int) {
        if n <= capacityDimension && s <= capacityStages { return }
        release()
        let n = max(n, capacityDimension, 1), s = max(s, capacityStages, 1)
        k = .allocate(capacity: s * n)
        stage = .allocate(capacity: s * n)
        y = .allocate(capacity: n)
        yNew = .allocate(capacity: n)
        fEnd = .allocate(capacity: n)
        scratch = .allocate(capacity: n)
        weights = .allocate(capacity: s + 1)
        capacityDimension = n
        capacityStages = s
    }

    /// Swaps the current and trial states (after an accepted step).
    func swapStates() { swap(&y, &yNew) }
}
