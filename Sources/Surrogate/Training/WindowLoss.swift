import ODE

/// The training loss of a minibatch of windows as an ODE `ObservationLoss`, for the solver and
/// gradient combinations the ODE module's adjoints serve (adaptive solvers, the continuous adjoint):
///
///     L = 1 / (B (W - 1) |O|) sum_{i=1}^{W-1} sum_b sum_{c in O} (y_{b,c}(t_i) - target_{i,b,c})^2,
///
/// over saved states laid out `[W x (B n)]` (sample i, member b, component c at (i B + b) n + c), O the
/// observed components of each member's n-component state. Sample 0 (the given initial state) carries
/// no loss. The same formula as `SurrogateTrainer`'s fast path.
final class WindowLoss: ObservationLoss {
    let targets: UnsafePointer<Double>
    let mask: [Bool]
    let stateWidth: Int
    let batch: Int

    init(targets: UnsafePointer<Double>, mask: [Bool], stateWidth: Int, batch: Int) {
        self.targets = targets
        self.mask = mask
        self.stateWidth = stateWidth
        self.batch = batch
    }

    func evaluate(states: UnsafeBufferPointer<Double>, times: [Double], dimension: Int,
                  cotangent: UnsafeMutableBufferPointer<Double>) -> Double {
        let n = stateWidth, w = times.count
        var observed = 0
        for q in 0..<n where mask[q] { observed += 1 }
        let count = Double(batch * (w - 1) * observed)
        for q in 0..<cotangent.count { cotangent[q] = 0 }
        var sum = 0.0
        for i in 1..<w {
            for b in 0..<batch {
                let base = (i * batch + b) * n
                for q in 0..<n where mask[q] {
                    let e = states[base + q] - targets[base + q]
                    sum += e * e
                    cotangent[base + q] = 2 * e / count
                }
            }
        }
        return sum / count
    }
}
