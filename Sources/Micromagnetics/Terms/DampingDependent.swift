/// A term whose strength depends on the Gilbert damping alpha besides the LLG damping term itself: the
/// thermal field (variance 2 alpha kB T / (gamma Ms V dt), mumax3 `temperature.go`) and the spin-transfer
/// torques (prefactors 1/(1 + alpha^2), alpha beta epsilon, xi - alpha; mumax3 `stt.go`).
///
/// `LLGSystem` passes its `dampingOverride` to every such term it holds (and to terms added later), so a
/// stage that overrides alpha changes it in every term of the equation at once, as setting `alpha` does
/// in mumax3.
public protocol DampingDependent: AnyObject {
    /// Uses `alpha` (dimensionless, >= 0) in every magnetic cell, or the materials' values again when nil.
    func setDamping(_ alpha: Double?)
}
