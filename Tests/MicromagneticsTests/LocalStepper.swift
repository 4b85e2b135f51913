import Micromagnetics
import ODE

/// Classical fixed-step RK4 over an `ODESystem`, used only by these tests to check right-hand sides
/// against analytic solutions independently of the ODE engine. Renormalises |m| = 1 after each step.
func integrateRK4(_ system: LLGSystem, m: inout [Double], from t0: Double, to t1: Double, steps: Int) {
    let d = system.dimension
    var k1 = [Double](repeating: 0, count: d), k2 = k1, k3 = k1, k4 = k1, tmp = k1
    let h = (t1 - t0) / Double(steps)
    var t = t0
    for _ in 0..<steps {
        system.evaluate(t: t, y: m, dydt: &k1)
        for i in 0..<d { tmp[i] = m[i] + h / 2 * k1[i] }
        system.evaluate(t: t + h / 2, y: tmp, dydt: &k2)
        for i in 0..<d { tmp[i] = m[i] + h / 2 * k2[i] }
        system.evaluate(t: t + h / 2, y: tmp, dydt: &k3)
        for i in 0..<d { tmp[i] = m[i] + h * k3[i] }
        system.evaluate(t: t + h, y: tmp, dydt: &k4)
        for i in 0..<d { m[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) }
        m.withUnsafeMutableBufferPointer { system.normalize($0.baseAddress!) }
        t += h
    }
}
