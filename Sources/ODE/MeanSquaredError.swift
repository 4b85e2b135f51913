/// Mean squared error of chosen state components against targets at the observation times:
///
///     L = 1 / (m |C|) sum_{i < m} sum_{c in C} (y_c(t_i) - target_{i,c})^2,
///     dL/dy_c(t_i) = 2 (y_c(t_i) - target_{i,c}) / (m |C|)   (0 for components not in C).
public struct MeanSquaredError: ObservationLoss, Sendable {
    /// The observed state components C (indices into the flat state).
    public let components: [Int]
    /// Targets, row-major `[m x components.count]`.
    public let targets: [Double]

    public init(components: [Int], targets: [Double]) {
        precondition(!components.isEmpty && targets.count % components.count == 0,
                     "MeanSquaredError: \(targets.count) targets for \(components.count) components")
        self.components = components
        self.targets = targets
    }

    public func evaluate(states: UnsafeBufferPointer<Double>, times: [Double], dimension: Int,
                         cotangent: UnsafeMutableBufferPointer<Double>) -> Double {
        let m = times.count, nc = components.count
        precondition(targets.count == m * nc, "MeanSquaredError: \(targets.count) targets for \(m) times x \(nc) components")
        precondition(components.allSatisfy { $0 >= 0 && $0 < dimension }, "MeanSquaredError: component out of range")
        for q in 0..<cotangent.count { cotangent[q] = 0 }
        let scale = 1 / Double(m * nc)
        var sum = 0.0
        for i in 0..<m {
            for (j, c) in components.enumerated() {
                let r = states[i * dimension + c] - targets[i * nc + j]
                sum += r * r
                cotangent[i * dimension + c] += 2 * r * scale
            }
        }
        return sum * scale
    }
}
