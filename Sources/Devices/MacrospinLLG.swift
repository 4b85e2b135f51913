import ODE

/// The noise-free macrospin right-hand side (LLG + Slonczewski torque of `MacrospinSTNO`) for one
/// copy as an `ODESystem`, so the ODE engine's adaptive methods can integrate it. State: m = (mx, my, mz).
/// The current density is held in `current` (A/m^2) and changed between solves, one solve per
/// sample interval, so each sample time is a discontinuity the engine never steps across.
final class MacrospinLLG: ODESystem {
    let dimension = 3
    let coefficients: MacrospinSTNO.Coefficients
    /// Current density J over the interval being solved, A/m^2.
    var current: Double = 0

    init(coefficients: MacrospinSTNO.Coefficients) { self.coefficients = coefficients }

    func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
        let d = coefficients.derivative(SIMD3(y[0], y[1], y[2]), current: current, thermal: .zero)
        dydt[0] = d.x; dydt[1] = d.y; dydt[2] = d.z
    }
}

/// One slot per copy for an error thrown inside a parallel copy loop (copy b writes only slot b).
final class CopyErrors: @unchecked Sendable {
    private var slots: [Error?]
    init(count: Int) { slots = [Error?](repeating: nil, count: count) }
    func record(_ error: Error, copy b: Int) { slots[b] = error }
    /// Throws the error of the lowest-numbered failed copy, if any.
    func rethrowFirst() throws { if let e = slots.lazy.compactMap({ $0 }).first { throw e } }
}
