/// A scalar loss on the states saved at the observation times, L(y(t_0), ..., y(t_{m-1})), with its
/// cotangent dL/dy(t_i) for each saved state: what the adjoint methods start the backward pass from.
public protocol ObservationLoss {
    /// Returns L and writes dL/dy(t_i) into `cotangent` (the same layout as `states`:
    /// `[times.count x dimension]`, overwritten entirely).
    func evaluate(states: UnsafeBufferPointer<Double>, times: [Double], dimension: Int,
                  cotangent: UnsafeMutableBufferPointer<Double>) -> Double
}

extension ObservationLoss {
    /// L and dL/dy(t_i) for a solution (convenience outside hot loops).
    public func valueAndCotangent(of solution: ODESolution) -> (value: Double, cotangent: [Double]) {
        var cotangent = [Double](repeating: 0, count: solution.states.count)
        let value = solution.states.withUnsafeBufferPointer { sp in
            cotangent.withUnsafeMutableBufferPointer { cp in
                evaluate(states: sp, times: solution.times, dimension: solution.dimension, cotangent: cp)
            }
        }
        return (value, cotangent)
    }
}
