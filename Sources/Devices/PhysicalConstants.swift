/// Physical constants in SI units, with the values mumax3 uses where it defines one
/// (mumax3 `mag/constants.go`: mu0 = 4 pi 1e-7 exactly, GammaLL = 1.7595e11 rad/(T s)); the others
/// are the exact SI 2019 values (CODATA 2018).
public enum PhysicalConstants {
    /// Vacuum permeability mu0, T m / A (mumax3's 4 pi x 1e-7).
    public static let mu0 = 4 * Double.pi * 1e-7
    /// Gyromagnetic ratio of the electron spin used in the LLG equation, rad / (T s) (mumax3 GammaLL).
    public static let gamma = 1.7595e11
    /// Reduced Planck constant hbar, J s (exact, SI 2019).
    public static let hbar = 1.054571817e-34
    /// Elementary charge e, C (exact, SI 2019).
    public static let elementaryCharge = 1.602176634e-19
    /// Boltzmann constant kB, J / K (exact, SI 2019).
    public static let boltzmann = 1.380649e-23
}
