import ODE

/// The training loss of a minibatch of windows:
///
///     L = 1 / (B (W - 1) |O|) sum_{i=1}^{W-1} sum_b sum_{c in O} (y_{b,c}(t_i) - target_{i,b,c})^2,
///
/// over saved states laid out `[W x (B n)]` (sample i, member b, component c at (i B + b) n + c), O the
/// observed components of each member's n-component state. Sample 0 (the given initial state) carries
/// no loss. Every gradient method evaluates it here: the sample-grid path directly, the ODE module's
/// adjoints through the `ObservationLoss` conformance.
final class WindowLoss: ObservationLoss {
    let targets: UnsafePointer<Double>?
    let mask: [Bool]
    let stateWidth: Int
    let batch: Int

    init(targets: UnsafePointer<Double>? = nil, mask: [Bool], stateWidth: Int, batch: Int) {
        self.targets = targets
        self.mask = mask
        self.stateWidth = stateWidth
        self.batch = batch
    }

    /// L of `samples` saved samples against `targets`, writing dL/dy of every saved value to
    /// `cotangent` (0 at sample 0 and at unobserved components).
    func evaluate(states: UnsafePointer<Double>, targets: UnsafePointer<Double>, samples w: Int,
                  cotangent: UnsafeMutablePointer<Double>) -> Double {
        let n = stateWidth
        var observed = 0
        for q in 0..<n where mask[q] { observed += 1 }
        let count = Double(batch * (w - 1) * observed)
        cotangent.update(repeating: 0, count: w * batch * n)
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

    func evaluate(states: UnsafeBufferPointer<Double>, times: [Double], dimension: Int,
                  cotangent: UnsafeMutableBufferPointer<Double>) -> Double {
        for q in 0..<cotangent.count { cotangent[q] = 0 }
        return evaluate(states: states.baseAddress!, targets: targets!, samples: times.count, cotangent: cotangent.baseAddress!)
    }
}
