/// One contribution to the effective field B_eff (tesla) of the LLG equation.
///
/// Magnetisation buffers are planar: for n cells, m_x of cell i is `m[i]`, m_y is `m[n + i]`, m_z is
/// `m[2n + i]` (unit vectors, zero in vacuum). Planar storage lets the per-cell loops vectorise and
/// feeds the demag FFTs one contiguous component at a time.
public protocol FieldTerm: AnyObject {
    /// Name as mumax3 prints it ("exchange", "demag", ...).
    var name: String { get }
    /// The energy of the term is E = -energyFactor * sum_i Ms_i V B_i . m_i (J): 1/2 for terms linear
    /// in m (exchange, DMI, demag, uniaxial anisotropy), 1 for the Zeeman field, 1/4 for the quartic
    /// cubic anisotropy, 0 for fields that carry no energy (thermal). Same convention as mumax3.
    var energyFactor: Double { get }
    /// **Adds** this term's field at time t (s) for magnetisation `m` into `b` (planar, tesla).
    /// Must not allocate.
    func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>)
}

/// A field term whose field in a cell depends only on m in and next to that cell (exchange, DMI,
/// anisotropy, Zeeman, thermal): it can add its field for one block of cells, so `LLGSystem` splits its
/// cell loop over threads (`CellPartition`). The per-cell arithmetic must not depend on the block, so
/// the field is the same bit for bit however the cells are split.
public protocol LocalFieldTerm: FieldTerm {
    /// **Adds** this term's field at time t (s) into `b` (planar, tesla) for the cells in `cells` only.
    /// Reads m anywhere; writes only those cells of `b`. Must not allocate.
    func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>, cells: Range<Int>)
}

/// A field term with loops of its own to share among threads (demagnetisation: FFTs and the gather and
/// scatter around them). `LLGSystem` hands it the system's partition when its thread count changes.
public protocol ThreadedFieldTerm: FieldTerm {
    /// Uses `partition` (its thread count and cell blocks) from the next evaluation on.
    func setPartition(_ partition: CellPartition)
}

/// A threaded term whose first and last parallel passes each give every thread a fixed set of cells (the
/// demag convolution: the rows it gathers and scatters), so that `LLGSystem` can run the local terms
/// before it and after it, and the torque, inside those passes instead of in passes of their own: fewer
/// joins of the threads per evaluation, and each thread finishes its cells while they are in its cache.
public protocol CellPassFieldTerm: ThreadedFieldTerm {
    /// Adds the field as `addField(t:m:into:)`, and calls `before(cells)` in its first parallel pass (before
    /// that pass reads anything) and `after(cells)` in its last pass (once this term's field of those cells
    /// is in `b`), on the thread that owns the cells; every cell is in exactly one range of each. The calls
    /// may write `b` and other per-cell buffers at those cells and read m anywhere. Must not allocate.
    func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>,
                  before: (Range<Int>) -> Void, after: (Range<Int>) -> Void)
}

/// A torque added directly to dm/dt (1/s), not expressible as a field (spin-transfer torques).
public protocol TorqueTerm: AnyObject {
    var name: String { get }
    /// **Adds** the torque at time t into `dmdt` (planar, 1/s). Must not allocate.
    func addTorque(t: Double, m: UnsafePointer<Double>, dmdt: UnsafeMutablePointer<Double>)
}

/// An owned, zero-initialised buffer of Doubles for the hot loops (freed with its owner).
@usableFromInline
final class CellBuffer {
    @usableFromInline let p: UnsafeMutablePointer<Double>
    let count: Int
    init(_ count: Int) {
        self.count = count
        p = .allocate(capacity: max(count, 1))
        p.initialize(repeating: 0, count: max(count, 1))
    }
    convenience init(_ values: [Double]) {
        self.init(values.count)
        for i in 0..<values.count { p[i] = values[i] }
    }
    deinit { p.deallocate() }
}

/// Harmonic mean 2ab/(a+b) of two non-negative values (0 if either is 0): the inter-region exchange
/// coupling of mumax3 (Aex between regions; we use the same rule for D when its signs agree).
@inlinable func harmonicMean(_ a: Double, _ b: Double) -> Double {
    if a == 0 || b == 0 || (a > 0) != (b > 0) { return 0 }
    return 2 * a * b / (a + b)
}
