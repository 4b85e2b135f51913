/// Preallocated buffers for batched forward passes and vector-Jacobian products of one `MLP`
/// shape, sized for up to `maxBatch` rows. Allocated once; no pass allocates.
///
/// Holds, per layer l, the pre-activations z_l and activations h_l = act_l(z_l) (each
/// maxBatch x width_l, row stride width_l) of the most recent forward pass, which the
/// vector-Jacobian product reuses, and two cotangent scratch buffers of maxBatch x max width.
/// Not thread-safe: one workspace per thread.
public final class MLPWorkspace {
    public let widths: [Int]
    public let maxBatch: Int
    @usableFromInline let z: [UnsafeMutablePointer<Double>]
    @usableFromInline let h: [UnsafeMutablePointer<Double>]
    @usableFromInline let cotangentA: UnsafeMutablePointer<Double>
    @usableFromInline let cotangentB: UnsafeMutablePointer<Double>
    /// Batch size of the last forward pass (0 before any).
    public internal(set) var lastBatch: Int = 0

    public init(widths: [Int], maxBatch: Int) {
        precondition(widths.count >= 2 && maxBatch > 0, "MLPWorkspace: widths \(widths), maxBatch \(maxBatch)")
        self.widths = widths
        self.maxBatch = maxBatch
        var zs = [UnsafeMutablePointer<Double>](), hs = [UnsafeMutablePointer<Double>]()
        for l in 1..<widths.count {
            let n = maxBatch * widths[l]
            let zp = UnsafeMutablePointer<Double>.allocate(capacity: n); zp.initialize(repeating: 0, count: n)
            let hp = UnsafeMutablePointer<Double>.allocate(capacity: n); hp.initialize(repeating: 0, count: n)
            zs.append(zp); hs.append(hp)
        }
        z = zs
        h = hs
        let m = maxBatch * (widths.max() ?? 1)
        cotangentA = .allocate(capacity: m); cotangentA.initialize(repeating: 0, count: m)
        cotangentB = .allocate(capacity: m); cotangentB.initialize(repeating: 0, count: m)
    }

    /// A workspace for `mlp` and up to `maxBatch` rows.
    public convenience init(for mlp: MLP, maxBatch: Int) { self.init(widths: mlp.widths, maxBatch: maxBatch) }

    deinit {
        for p in z { p.deallocate() }
        for p in h { p.deallocate() }
        cotangentA.deallocate()
        cotangentB.deallocate()
    }

    /// Output activations h_L of the last forward pass (lastBatch x out, row stride out).
    public var output: UnsafePointer<Double> { UnsafePointer(h[h.count - 1]) }

    /// Pre-activations z_l of layer l (0-based) of the last forward pass.
    public func preActivation(layer l: Int) -> UnsafePointer<Double> { UnsafePointer(z[l]) }

    /// Activations h_l of layer l (0-based) of the last forward pass.
    public func activation(layer l: Int) -> UnsafePointer<Double> { UnsafePointer(h[l]) }
}
