extension ButcherTableau {
    /// Dormand-Prince 5(4) ("DOPRI5", MATLAB's ode45, diffrax's Dopri5): seven stages, FSAL, fifth-order
    /// solution (local extrapolation), fourth-order embedded estimate.
    /// Dormand and Prince, J. Comput. Appl. Math. 6, 19 (1980); coefficients as in HNW I, II.5, Table 5.2.
    ///
    /// Dense output: Shampine's fourth-order continuous extension, Math. Comp. 46, 135 (1986), in the
    /// form HNW I, II.6 gives it for DOPRI5:
    ///
    ///     y(theta) = y_n + theta D + theta (1 - theta) (h k_1 - D)
    ///                + theta^2 (1 - theta) (2 D - h k_1 - h k_7) + theta^2 (1 - theta)^2 h sum_i d_i k_i,
    ///
    /// D = y_{n+1} - y_n = h sum_i b_i k_i. Expanded, B_i(theta) = delta_i1 theta
    /// + (3 b_i - 2 delta_i1 - delta_i7 + d_i) theta^2 + (-2 b_i + delta_i1 + delta_i7 - 2 d_i) theta^3 + d_i theta^4.
    public static let dormandPrince54 = try! ButcherTableau(
        name: "Dormand-Prince 5(4)", citation: "Dormand and Prince, J. Comput. Appl. Math. 6, 19 (1980)",
        a: [[0, 0, 0, 0, 0, 0, 0],
            [1.0 / 5, 0, 0, 0, 0, 0, 0],
            [3.0 / 40, 9.0 / 40, 0, 0, 0, 0, 0],
            [44.0 / 45, -56.0 / 15, 32.0 / 9, 0, 0, 0, 0],
            [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729, 0, 0, 0],
            [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656, 0, 0],
            [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0]],
        b: [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0],
        c: [0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1],
        embeddedWeights: [5179.0 / 57600, 0, 7571.0 / 16695, 393.0 / 640, -92097.0 / 339200, 187.0 / 2100, 1.0 / 40],
        order: 5, embeddedOrder: 4,
        denseOutput: { shape in
            let d: [Double] = [-12715105075.0 / 11282082432, 0, 87487479700.0 / 32700410799,
                               -10690763975.0 / 1880347072, 701980252875.0 / 199316789632,
                               -1453857185.0 / 822651844, 69997945.0 / 29380423]
            let w = (0..<7).map { i -> [Double] in
                let d1: Double = i == 0 ? 1 : 0, d7: Double = i == 6 ? 1 : 0, b = shape.b[i]
                return [0, d1, 3 * b - 2 * d1 - d7 + d[i], -2 * b + d1 + d7 - 2 * d[i], d[i]]
            }
            return DenseOutput(stageWeights: w, order: 4, citation: "Shampine, Math. Comp. 46, 135 (1986)")
        })
}
