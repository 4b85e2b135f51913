/// Material parameters of one region, in SI units and mumax3's names.
///
/// - `Msat`: saturation magnetisation (A/m).
/// - `Aex`: exchange stiffness (J/m).
/// - `Ku1`, `anisU`: first-order uniaxial anisotropy constant (J/m^3, positive = easy axis) and its axis.
/// - `Kc1`, `anisC1`, `anisC2`: first-order cubic anisotropy constant (J/m^3) and two cubic axes
///   (the third is anisC1 x anisC2).
/// - `Dind`: interfacial DMI (J/m^2); `Dbulk`: bulk DMI (J/m^2).
/// - `alpha`: Gilbert damping; `gamma`: gyromagnetic ratio in rad/(T s) (mumax3: 1.7595e11).
public struct Material: Sendable, Equatable {
    public var Msat: Double
    public var Aex: Double
    public var Ku1: Double
    public var anisU: SIMD3<Double>
    public var Kc1: Double
    public var anisC1: SIMD3<Double>
    public var anisC2: SIMD3<Double>
    public var Dind: Double
    public var Dbulk: Double
    public var alpha: Double
    public var gamma: Double

    /// Gyromagnetic ratio of mumax3, 1.7595e11 rad/(T s).
    public static let gammaLL = 1.7595e11

    public init(Msat: Double, Aex: Double = 0, Ku1: Double = 0, anisU: SIMD3<Double> = SIMD3(0, 0, 1),
                Kc1: Double = 0, anisC1: SIMD3<Double> = SIMD3(1, 0, 0), anisC2: SIMD3<Double> = SIMD3(0, 1, 0),
                Dind: Double = 0, Dbulk: Double = 0, alpha: Double = 0.02, gamma: Double = Material.gammaLL) {
        self.Msat = Msat; self.Aex = Aex; self.Ku1 = Ku1; self.anisU = anisU
        self.Kc1 = Kc1; self.anisC1 = anisC1; self.anisC2 = anisC2
        self.Dind = Dind; self.Dbulk = Dbulk; self.alpha = alpha; self.gamma = gamma
    }

    /// Checks physical ranges: Msat > 0, Aex >= 0, alpha >= 0, gamma > 0, non-zero axes where used.
    public func validate() throws {
        func check(_ name: String, _ v: Double, _ ok: Bool, _ why: String) throws {
            if !ok || !v.isFinite { throw MicromagneticsError.invalidMaterial(parameter: name, value: v, reason: why) }
        }
        try check("Msat", Msat, Msat > 0, "must be positive A/m")
        try check("Aex", Aex, Aex >= 0, "must be non-negative J/m")
        try check("alpha", alpha, alpha >= 0, "must be non-negative")
        try check("gamma", gamma, gamma > 0, "must be positive rad/(T s)")
        try check("Ku1", Ku1, true, "")
        try check("Kc1", Kc1, true, "")
        try check("Dind", Dind, true, "")
        try check("Dbulk", Dbulk, true, "")
        let nu = (anisU * anisU).sum()
        try check("|anisU|", nu, Ku1 == 0 || nu > 0, "anisotropy axis must be non-zero")
        let c = anisC1 - (anisC1 * anisC2).sum() / max((anisC2 * anisC2).sum(), 1e-300) * anisC2
        try check("|anisC1 x anisC2|", (c * c).sum(), Kc1 == 0 || (c * c).sum() > 1e-12,
                  "cubic axes must be non-zero and not parallel")
    }

    /// Permalloy of muMAG standard problem 4: Ms 800 kA/m, A 13 pJ/m, no anisotropy, alpha 0.02.
    public static let permalloySP4 = Material(Msat: 800e3, Aex: 13e-12, alpha: 0.02)
}
