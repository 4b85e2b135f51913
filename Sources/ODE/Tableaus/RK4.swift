extension ButcherTableau {
    /// The classical fourth-order Runge-Kutta method (Kutta 1901), c = (0, 1/2, 1/2, 1),
    /// b = (1/6, 1/3, 1/3, 1/6). No error estimate (fixed steps only): the solver the Spin-Neural ODE
    /// paper uses on the sample grid. HNW I, II.1, Table 1.2. Dense output: cubic Hermite.
    public static let rk4 = try! ButcherTableau(
        name: "RK4", citation: "Kutta, Z. Math. Phys. 46, 435 (1901); HNW I, II.1",
        a: [[0, 0, 0, 0],
            [0.5, 0, 0, 0],
            [0, 0.5, 0, 0],
            [0, 0, 1, 0]],
        b: [1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6], c: [0, 0.5, 0.5, 1], order: 4)
}
