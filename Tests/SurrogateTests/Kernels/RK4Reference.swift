import Numerics
import NeuralNet
import ODE
import Surrogate

/// The one RK4 definition the specialised kernels (`FastRK4Kernel`, the fused training kernel) are
/// tested against: the ODE module's fixed-step solver with a Butcher tableau (`ButcherTableau.rk4`,
/// or Kutta's 3/8 rule written as a tableau below) over a `NeuralVectorField` (the plain network
/// evaluation), dy/dtau = MLP([y, e]) + A y. One solve per step, so the extra inputs e_n of step n are
/// held over the step (a zero-order hold) without any jump-time convention.
enum RK4Reference {
    /// Kutta's 3/8 rule (Kutta, Z. Math. Phys. 46, 435 (1901); HNW I, Table II.1.1, right), torchdiffeq's `rk4`.
    static let threeEighths = try! ButcherTableau(
        name: "RK4 3/8", citation: "Kutta 1901; HNW I, Table II.1.1",
        a: [[0, 0, 0, 0], [1.0 / 3, 0, 0, 0], [-1.0 / 3, 1, 0, 0], [1, -1, 1, 0]],
        b: [1.0 / 8, 3.0 / 8, 3.0 / 8, 1.0 / 8], c: [0, 1.0 / 3, 2.0 / 3, 1], order: 4)

    /// The states after steps 1 ... `steps` from `y0` (one member), step h, extra inputs `extra(n)` over step n.
    static func trajectory(_ mlp: MLP, y0: [Double], steps: Int, h: Double, linearTerm: Matrix? = nil,
                           tableau: ButcherTableau = .rk4, extra: (Int) -> [Double]) throws -> [[Double]] {
        let n = y0.count, m = mlp.inputWidth - n
        final class Held { var e: [Double] = [] }
        let held = Held()
        let field = try NeuralVectorField(mlp: mlp, stateWidth: n, extraInputCount: m, batch: 1, linearTerm: linearTerm,
                                          extraInputs: m > 0 ? { _, _, e, _ in for i in 0..<m { e[i] = held.e[i] } } : nil)
        let solver = ODESolver(method: tableau, stepping: .fixed(step: h))
        var y = y0, out = [[Double]]()
        for s in 0..<steps {
            held.e = extra(s)
            y = try solver.solve(field, y0: y, t0: 0, t1: h).finalState
            out.append(y)
        }
        return out
    }
}
