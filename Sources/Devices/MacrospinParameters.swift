/// The physical parameters of a macrospin spin-torque nano-oscillator (STNO): one uniformly
/// magnetised free layer of volume V = `area` x `freeLayerThickness` under a spin-polarised current
/// from a fixed layer of magnetisation direction `fixedLayer`. SI units throughout; names follow
/// mumax3 (`Msat`, `alpha`, `Ku1`, `anisU`, `Pol`, `Lambda`, `EpsilonPrime`, `FixedLayer`,
/// `FreeLayerThickness`, `Temp`).
///
/// The defaults describe an in-plane spin valve in the classic Kiselev et al. (Nature 425, 380
/// (2003)) geometry: permalloy-like free layer (Ms 800 kA/m, alpha 0.01), 3 nm thick, elliptical
/// 100 nm x 50 nm cross-section, thin-film demagnetising factors (0, 0, 1), easy axis and a 0.1 T
/// field along +x, fixed layer along -x (so positive current density destabilises the +x state and
/// drives precession above the threshold of `MacrospinSTNO.criticalCurrentDensity`).
public struct MacrospinParameters: Sendable, Equatable, Codable {
    /// Saturation magnetisation Ms, A/m.
    public var saturationMagnetisation: Double = 8.0e5
    /// Gilbert damping alpha (dimensionless).
    public var damping: Double = 0.01
    /// Gyromagnetic ratio gamma, rad/(T s) (mumax3 GammaLL).
    public var gyromagneticRatio: Double = PhysicalConstants.gamma
    /// First-order uniaxial anisotropy constant Ku1, J/m^3; field B = (2 Ku1 / Ms)(m.u) u.
    public var anisotropyConstant: Double = 8.0e3
    /// Uniaxial anisotropy axis u (normalised on use).
    public var anisotropyAxis: SIMD3<Double> = [1, 0, 0]
    /// Demagnetising factors (Nx, Ny, Nz), summing to 1 for an ellipsoid; field B = -mu0 Ms (Nx mx, Ny my, Nz mz).
    public var demagnetisingFactors: SIMD3<Double> = [0, 0, 1]
    /// Applied field B_ext, tesla.
    public var appliedField: SIMD3<Double> = [0.1, 0, 0]
    /// Fixed-layer polarisation direction p (mumax3 FixedLayer; normalised on use).
    public var fixedLayer: SIMD3<Double> = [-1, 0, 0]
    /// Spin polarisation P of the current (mumax3 Pol).
    public var polarisation: Double = 0.4
    /// Slonczewski asymmetry parameter Lambda (mumax3 Lambda, >= 1 in practice; 1 = symmetric torque).
    public var lambda: Double = 1
    /// Secondary (field-like) spin-torque coefficient epsilon' (mumax3 EpsilonPrime).
    public var epsilonPrime: Double = 0
    /// Free-layer thickness d, m (enters beta = hbar J / (e d Ms) and the volume).
    public var freeLayerThickness: Double = 3e-9
    /// Free-layer cross-section area, m^2 (default: ellipse of axes 100 nm and 50 nm, pi/4 x 100 x 50 nm^2).
    public var area: Double = Double.pi / 4 * 100e-9 * 50e-9
    /// Temperature T, kelvin (0 = deterministic).
    public var temperature: Double = 0
    /// Initial magnetisation direction (normalised on use). Slightly tilted from the easy axis by
    /// default, so a deterministic run above threshold leaves the (unstable) fixed point.
    public var initialMagnetisation: SIMD3<Double> = [1, 0.1, 0]

    public init() {}

    /// Free-layer volume V = area x d, m^3.
    public var volume: Double { area * freeLayerThickness }
}
