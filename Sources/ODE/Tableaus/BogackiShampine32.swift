extension ButcherTableau {
    /// Bogacki-Shampine 3(2): four stages (FSAL, so three evaluations per step), third-order solution,
    /// second-order embedded estimate. Bogacki and Shampine, Appl. Math. Lett. 2, 321 (1989).
    /// Dense output: cubic Hermite, which with FSAL needs no extra evaluation (third order).
    public static let bogackiShampine32 = try! ButcherTableau(
        name: "Bogacki-Shampine 3(2)", citation: "Bogacki and Shampine, Appl. Math. Lett. 2, 321 (1989)",
        a: [[0, 0, 0, 0],
            [1.0 / 2, 0, 0, 0],
            [0, 3.0 / 4, 0, 0],
            [2.0 / 9, 1.0 / 3, 4.0 / 9, 0]],
        b: [2.0 / 9, 1.0 / 3, 4.0 / 9, 0],
        c: [0, 1.0 / 2, 3.0 / 4, 1],
        embeddedWeights: [7.0 / 24, 1.0 / 4, 1.0 / 3, 1.0 / 8],
        order: 3, embeddedOrder: 2)
}
