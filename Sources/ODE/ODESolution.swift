/// The result of a solve: the states at the requested save times, the final state and the work done.
public struct ODESolution: Sendable {
    /// The requested save times.
    public let times: [Double]
    /// State dimension n.
    public let dimension: Int
    /// Saved states, row-major `[times.count x dimension]`: y(times[i]) at `states[i * n ..< (i + 1) * n]`.
    public var states: [Double]
    /// The state at t1.
    public var finalState: [Double]
    /// Steps and evaluations.
    public var statistics: ODEStatistics

    /// y(times[i]) as a new array.
    public func state(at i: Int) -> [Double] { Array(states[(i * dimension)..<((i + 1) * dimension)]) }
}
