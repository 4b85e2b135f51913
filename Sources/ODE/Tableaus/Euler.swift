extension ButcherTableau {
    /// The explicit (forward) Euler method, y_{n+1} = y_n + h f(t_n, y_n): order 1, one stage, no
    /// error estimate (fixed steps only). Euler, Institutionum calculi integralis (1768); HNW I, II.1.
    /// Dense output: cubic Hermite.
    public static let euler = try! ButcherTableau(
        name: "Euler", citation: "Hairer, Norsett and Wanner, Solving ODEs I, II.1",
        a: [[0]], b: [1], c: [0], order: 1)
}
