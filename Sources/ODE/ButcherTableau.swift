/// An explicit Runge-Kutta method written as data: its Butcher tableau (a, b, c), the optional
/// embedded error estimate, and its continuous extension ("dense output").
///
/// One step of size h from (t_n, y_n) computes the stages
///
///     Y_i = y_n + h sum_{j<i} a_ij k_j,   k_i = f(t_n + c_i h, Y_i),   i = 1..s,
///
/// and y_{n+1} = y_n + h sum_i b_i k_i. With error weights e_i = b_i - bhat_i (bhat the embedded
/// method's weights) the local error estimate is h sum_i e_i k_i (Hairer, Norsett and Wanner,
/// Solving ODEs I, II.4).
///
/// The initialiser checks the invariants of a consistent explicit method and throws
/// `ButcherTableau.Invalid` otherwise: `a` strictly lower triangular (explicit), each row sum of `a`
/// equals `c_i`, the weights `b` sum to 1, the error weights sum to 0. "First same as last" (FSAL:
/// the last stage is evaluated at y_{n+1}, so its k is the next step's k_1) is derived, not declared.
public struct ButcherTableau: Sendable, CustomStringConvertible {
    /// Short name ("Dormand-Prince 5(4)").
    public let name: String
    /// Where the coefficients come from.
    public let citation: String
    /// Stage coefficients, s x s, strictly lower triangular.
    public let a: [[Double]]
    /// Weights of the propagated solution, length s.
    public let b: [Double]
    /// Nodes, length s.
    public let c: [Double]
    /// Error weights e_i = b_i - bhat_i (sum 0), or nil for a method without an embedded estimate.
    public let errorWeights: [Double]?
    /// Classical order of the propagated solution.
    public let order: Int
    /// Order of the embedded solution (nil without one).
    public let embeddedOrder: Int?
    /// True when the last stage is f(t_n + h, y_{n+1}) (c_s = 1, last row of a equals b, b_s = 0).
    public let isFSAL: Bool
    /// The continuous extension used for dense output between steps.
    public let denseOutput: DenseOutput

    /// A violated invariant, with the offending values.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Number of stages s.
    @inlinable public var stageCount: Int { b.count }

    /// Whether the method carries an embedded error estimate (needed for adaptive stepping).
    public var isAdaptive: Bool { errorWeights != nil }

    /// Builds and checks a tableau.
    ///
    /// - Parameters:
    ///   - embeddedWeights: bhat; the error weights are b - bhat.
    ///   - denseOutput: a builder receiving the checked (a, b, c, isFSAL); `nil` uses the cubic
    ///     Hermite interpolant (`DenseOutput.cubicHermite`).
    ///   - tolerance: absolute tolerance of the sum checks (decimal coefficients carry ~1e-16 rounding).
    public init(name: String, citation: String, a: [[Double]], b: [Double], c: [Double],
                embeddedWeights: [Double]? = nil, order: Int, embeddedOrder: Int? = nil,
                denseOutput: ((ButcherTableau.Shape) throws -> DenseOutput)? = nil,
                tolerance: Double = 1e-12) throws {
        let s = b.count
        guard s > 0, a.count == s, c.count == s, a.allSatisfy({ $0.count == s }) else {
            throw Invalid(description: "\(name): shapes a \(a.count)x\(a.first?.count ?? 0), b \(b.count), c \(c.count) disagree")
        }
        for i in 0..<s {
            for j in i..<s where a[i][j] != 0 {
                throw Invalid(description: "\(name): a[\(i)][\(j)] = \(a[i][j]) makes the method implicit")
            }
            let rowSum = a[i].reduce(0, +)
            if abs(rowSum - c[i]) > tolerance {
                throw Invalid(description: "\(name): row \(i) of a sums to \(rowSum), c[\(i)] = \(c[i])")
            }
        }
        let bSum = b.reduce(0, +)
        if abs(bSum - 1) > tolerance { throw Invalid(description: "\(name): weights b sum to \(bSum), not 1") }
        var e: [Double]? = nil
        if let bhat = embeddedWeights {
            guard bhat.count == s else { throw Invalid(description: "\(name): \(bhat.count) embedded weights for \(s) stages") }
            let bhatSum = bhat.reduce(0, +)
            if abs(bhatSum - 1) > tolerance { throw Invalid(description: "\(name): embedded weights sum to \(bhatSum), not 1") }
            let weights = zip(b, bhat).map { $0 - $1 }
            let eSum = weights.reduce(0, +)
            if abs(eSum) > tolerance { throw Invalid(description: "\(name): error weights sum to \(eSum), not 0") }
            e = weights
        }
        // FSAL: the last stage is evaluated at t_n + h on exactly y_{n+1}.
        let last = s - 1
        let fsal = s > 1 && c[last] == 1 && b[last] == 0 && (0..<s).allSatisfy { a[last][$0] == b[$0] }
        let shape = Shape(a: a, b: b, c: c, isFSAL: fsal)
        self.name = name
        self.citation = citation
        self.a = a
        self.b = b
        self.c = c
        self.errorWeights = e
        self.order = order
        self.embeddedOrder = embeddedOrder
        self.isFSAL = fsal
        self.denseOutput = try denseOutput?(shape) ?? DenseOutput.cubicHermite(shape)
        try self.denseOutput.check(against: shape, name: name)
    }

    /// The checked coefficients a dense-output builder receives.
    public struct Shape: Sendable {
        public let a: [[Double]]
        public let b: [Double]
        public let c: [Double]
        public let isFSAL: Bool
    }

    public var description: String {
        "\(name) (order \(order)\(embeddedOrder.map { ", embedded \($0)" } ?? ""), \(stageCount) stages\(isFSAL ? ", FSAL" : ""))"
    }
}
