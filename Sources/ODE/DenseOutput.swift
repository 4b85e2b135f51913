/// A continuous extension of an explicit Runge-Kutta step ("dense output"): inside the step
/// [t_n, t_n + h], at theta = (t - t_n) / h in [0, 1],
///
///     y(t_n + theta h) = y_n + h sum_i B_i(theta) k_i  +  h B_end(theta) f(t_n + h, y_{n+1}),
///
/// with polynomial weights B_i(theta) (B_i(1) = b_i, sum_i B_i(theta) = theta). The optional end term
/// uses the derivative at the step's end: methods that are not FSAL pay one extra evaluation for it
/// (it is the next step's k_1, so it is reused when the next step does not start at a jump time).
///
/// Being linear in the stages, the interpolant is differentiated exactly by the discrete adjoint.
public struct DenseOutput: Sendable {
    /// `stageWeights[i][m]` is the coefficient of theta^m in B_i(theta).
    public let stageWeights: [[Double]]
    /// Coefficients of B_end(theta) in powers of theta, or nil when the interpolant uses stages only.
    public let endDerivativeWeights: [Double]?
    /// Order of the interpolant (local error O(h^(order+1))).
    public let order: Int
    /// Where it comes from.
    public let citation: String

    public init(stageWeights: [[Double]], endDerivativeWeights: [Double]? = nil, order: Int, citation: String) {
        self.stageWeights = stageWeights
        self.endDerivativeWeights = endDerivativeWeights
        self.order = order
        self.citation = citation
    }

    /// Whether the interpolant needs f(t_n + h, y_{n+1}) beyond the stages.
    public var needsEndDerivative: Bool { endDerivativeWeights != nil }

    /// Writes B_1(theta) ... B_s(theta) into `weights[0..<s]` and B_end(theta) into `weights[s]` (0 when unused).
    @inlinable
    public func weights(theta: Double, into weights: UnsafeMutablePointer<Double>) {
        let s = stageWeights.count
        for i in 0..<s { weights[i] = DenseOutput.horner(stageWeights[i], theta) }
        weights[s] = endDerivativeWeights.map { DenseOutput.horner($0, theta) } ?? 0
    }

    @inlinable
    static func horner(_ p: [Double], _ x: Double) -> Double {
        var r = 0.0
        for m in stride(from: p.count - 1, through: 0, by: -1) { r = r * x + p[m] }
        return r
    }

    /// Cubic Hermite interpolation through (y_n, k_1 = f(t_n, y_n)) and (y_{n+1}, f(t_n + h, y_{n+1}))
    /// (HNW I, II.6, eq. (6.7)): y = H00 y_n + H01 y_{n+1} + h (H10 f_n + H11 f_{n+1}) with
    /// H01 = 3 theta^2 - 2 theta^3, H10 = theta - 2 theta^2 + theta^3, H11 = theta^3 - theta^2.
    /// Substituting y_{n+1} = y_n + h sum b_i k_i gives B_i = H01 b_i + H10 delta_i1 (+ H11 on the last
    /// stage when the method is FSAL, else on the end derivative). Third order; exact for cubics.
    public static func cubicHermite(_ shape: ButcherTableau.Shape) -> DenseOutput {
        let s = shape.b.count
        let h01: [Double] = [0, 0, 3, -2], h10: [Double] = [0, 1, -2, 1], h11: [Double] = [0, 0, -1, 1]
        var w = [[Double]](repeating: [0, 0, 0, 0], count: s)
        for i in 0..<s {
            for m in 0..<4 { w[i][m] = shape.b[i] * h01[m] + (i == 0 ? h10[m] : 0) }
        }
        if shape.isFSAL {
            for m in 0..<4 { w[s - 1][m] += h11[m] }
            return DenseOutput(stageWeights: w, order: 3, citation: "cubic Hermite (HNW I, II.6)")
        }
        return DenseOutput(stageWeights: w, endDerivativeWeights: h11, order: 3,
                           citation: "cubic Hermite (HNW I, II.6)")
    }

    /// Checks B_i(1) = b_i, sum_i B_i(theta) = theta and B_i(0) = 0 (a consistent interpolant).
    func check(against shape: ButcherTableau.Shape, name: String, tolerance: Double = 1e-10) throws {
        let s = shape.b.count
        guard stageWeights.count == s else {
            throw ButcherTableau.Invalid(description: "\(name): dense output has \(stageWeights.count) stage weights for \(s) stages")
        }
        let endAt1 = endDerivativeWeights.map { $0.reduce(0, +) } ?? 0
        for i in 0..<s {
            let at1 = stageWeights[i].reduce(0, +)
            if abs(at1 - shape.b[i]) > tolerance {
                throw ButcherTableau.Invalid(description: "\(name): dense output B_\(i + 1)(1) = \(at1), b = \(shape.b[i])")
            }
            if let c0 = stageWeights[i].first, abs(c0) > tolerance {
                throw ButcherTableau.Invalid(description: "\(name): dense output B_\(i + 1)(0) = \(c0), not 0")
            }
        }
        if abs(endAt1) > tolerance { throw ButcherTableau.Invalid(description: "\(name): B_end(1) = \(endAt1), not 0") }
        let degree = (stageWeights.map(\.count) + [endDerivativeWeights?.count ?? 0]).max() ?? 0
        for m in 0..<degree {
            var sum = endDerivativeWeights.map { m < $0.count ? $0[m] : 0 } ?? 0
            for i in 0..<s where m < stageWeights[i].count { sum += stageWeights[i][m] }
            let expected = m == 1 ? 1.0 : 0.0
            if abs(sum - expected) > tolerance {
                throw ButcherTableau.Invalid(description: "\(name): dense output weights give theta^\(m) coefficient \(sum), not \(expected)")
            }
        }
    }

    /// Product of polynomials given by coefficient arrays (powers ascending); for writing
    /// published interpolants in their factored form.
    static func product(_ factors: [[Double]]) -> [Double] {
        var r: [Double] = [1]
        for f in factors {
            var next = [Double](repeating: 0, count: r.count + f.count - 1)
            for (i, x) in r.enumerated() { for (j, y) in f.enumerated() { next[i + j] += x * y } }
            r = next
        }
        return r
    }
}
