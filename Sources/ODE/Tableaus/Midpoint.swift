extension ButcherTableau {
    /// The explicit midpoint rule (Runge 1895): k_2 = f(t + h/2, y + h/2 k_1), y_{n+1} = y_n + h k_2.
    /// Order 2, no error estimate (fixed steps only). HNW I, II.1, eq. (1.7). Dense output: cubic Hermite.
    public static let midpoint = try! ButcherTableau(
        name: "Midpoint", citation: "Runge, Math. Ann. 46, 167 (1895); HNW I, II.1",
        a: [[0, 0],
            [0.5, 0]],
        b: [0, 1], c: [0, 0.5], order: 2)
}
