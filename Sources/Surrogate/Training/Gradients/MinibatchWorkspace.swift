import Numerics

/// The buffers of one training minibatch of B windows of W samples each, shared by the gradient
/// methods (`MinibatchGradientMethod`): allocated once per run, refilled every iteration.
///
/// Layouts (n the state width): `y0` is [B x n] (member b's initial state at b n); `targets` and
/// `saved` are sample-major batch blocks [W x B x n] (sample i of member b at (i B + b) n), the layout
/// `WindowLoss` reads.
final class MinibatchWorkspace {
    /// The extra network inputs e_b(tau) of the members (set by the trainer per iteration).
    let drive: BatchDrive
    let batch: Int
    /// Samples per window W.
    let samples: Int
    /// State width n.
    let stateWidth: Int
    /// One sample in tau, d_tau.
    let sampleStep: Double
    /// Which state components the loss compares (`ObservedComponents`).
    let observedMask: [Bool]
    /// Initial states, perturbed by the optional state noise.
    var y0: [Double]
    /// True embedded states at every sample of every window.
    var targets: [Double]
    /// Integrated states at every sample of every window.
    var saved: [Double]
    /// dL/dtheta of the last evaluation.
    var gradient: [Double]

    init(drive: BatchDrive, batch: Int, samples: Int, stateWidth n: Int, sampleStep: Double, observedMask: [Bool],
         parameterCount: Int) {
        self.drive = drive
        self.batch = batch
        self.samples = samples
        stateWidth = n
        self.sampleStep = sampleStep
        self.observedMask = observedMask
        y0 = [Double](repeating: 0, count: batch * n)
        targets = [Double](repeating: 0, count: samples * batch * n)
        saved = [Double](repeating: 0, count: samples * batch * n)
        gradient = [Double](repeating: 0, count: parameterCount)
    }

    /// Loads the windows `members` (trace, start) of `traces`: the drive's members and input noise
    /// (over W + k samples, sigma `inputNoise`), the true embedded states at every sample as `targets`,
    /// and the initial states `y0` with N(0, stateNoise^2) added to their embedded components. Draws
    /// the noise from `rng` in that order (input noise, then state noise member by member), for every
    /// member, and keeps members `share` (default all; `MinibatchShare`), which must number `batch`.
    func load(members: [(trace: Int, start: Int)], share: Range<Int>? = nil, from traces: [NormalisedTrace],
              embedding: DelayEmbedding, inputNoise: Double, stateNoise: Double, using rng: inout SeededRandom) {
        let n = stateWidth, w = samples
        let share = share ?? 0..<members.count
        precondition(share.count == batch, "MinibatchWorkspace: a share of \(share.count) members for a batch of \(batch)")
        drive.setMembers(members)
        if inputNoise > 0 { drive.drawInputNoise(sigma: inputNoise, samples: w + embedding.order, using: &rng) }
        y0.withUnsafeMutableBufferPointer { yp in
            targets.withUnsafeMutableBufferPointer { tp in
                for (b, source) in share.enumerated() {
                    let m = members[source], trace = traces[m.trace]
                    trace.embeddedState(embedding, start: m.start, into: yp.baseAddress! + b * n)
                    for i in 0..<w { trace.embeddedState(embedding, start: m.start + i, into: tp.baseAddress! + (i * batch + b) * n) }
                }
            }
        }
        if stateNoise > 0 {
            for b in 0..<members.count {
                for q in 0..<embedding.embeddedCount {
                    let z = stateNoise * rng.normal()
                    if share.contains(b) { y0[(b - share.lowerBound) * n + q] += z }
                }
            }
        }
        drive.keepMembers(share)
    }

    /// The drive's extra-input closure, in the form the vector fields and kernels take.
    var fillInputs: (Double, Int, UnsafeMutablePointer<Double>, Int) -> Void {
        { [drive] tau, count, e, stride in drive.fill(tau: tau, batch: count, e: e, stride: stride) }
    }
}
