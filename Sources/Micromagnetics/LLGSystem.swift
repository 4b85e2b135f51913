import ODE

/// The Landau-Lifshitz-Gilbert equation on a mesh as an `ODESystem`:
///
///     dm/dt = -gamma / (1 + alpha^2) [ m x B + alpha m x (m x B) ] + spin torques,
///
/// B = B_eff (tesla) the sum of the field terms, gamma in rad/(T s) (mumax3 `LLtorque`, SI).
///
/// State layout (documented choice, for speed): **planar**, 3 n values for n cells:
/// `y[0..<n]` = m_x, `y[n..<2n]` = m_y, `y[2n..<3n]` = m_z, cells in `Mesh.index` order. Planar storage
/// makes the torque loop a vectorisable streaming loop and hands the demag FFTs contiguous components.
/// Vacuum cells stay zero (their prefactor is zero). `evaluate` allocates nothing: the field lives in a
/// buffer owned by the system and every term works in place.
///
/// With `precession = false` the precession term is dropped (mumax3 `Precess = false`, used by `relax`).
///
/// Threads (`threads`, default 1): the cells are split into fixed blocks (`CellPartition`); consecutive
/// `LocalFieldTerm`s and the torque loop run block by block in parallel, a `ThreadedFieldTerm` (demag)
/// shares its own loops and FFTs, and a `CellPassFieldTerm` (demag) takes the local terms next to it and
/// the torque into its first and last passes (three joins of the threads per evaluation instead of
/// five). The solver's stage combinations run on the same blocks (`forEachStateRange`), so each thread
/// combines the cells whose torque it computed. Every cell's field is summed in the order of `terms` whatever the
/// split, so the right-hand side is bit-identical for every thread count except for the demag FFTs,
/// whose threaded FFTW plans may round differently per thread count (bit-identical for a given one).
public final class LLGSystem: ODESystem {
    public let mesh: Mesh
    public let parameters: CellParameters
    public let cellCount: Int
    public var dimension: Int { 3 * cellCount }
    /// Field terms summed into B_eff.
    public private(set) var terms: [FieldTerm]
    /// Spin-torque terms added to dm/dt.
    public private(set) var torques: [TorqueTerm]
    /// Keep the precession term (false: damping only, for relaxation).
    public var precession = true
    /// Largest ||m| - 1| a magnetic cell may reach between two renormalisations in `run` before the run
    /// is stopped as diverged (`MicromagneticsError.normDrift`). The LLG equation conserves |m|, so the
    /// drift is the integration error of one segment: far below this for a resolved run, orders of
    /// magnitude above it for an unstable step (RK4 with a step beyond its stability limit grows |m|
    /// geometrically, and renormalising would hide that from the recorded averages).
    public var normTolerance = 1e-2
    /// When set, replaces every cell's alpha (relaxation uses a high value; a run protocol may also switch
    /// damping, e.g. 0.1 then 0.01) in the damping term of the LLG equation and in every `DampingDependent`
    /// term (thermal field variance, spin-transfer torque prefactors), also those added later; nil restores
    /// the materials' alpha everywhere.
    public var dampingOverride: Double? {
        didSet {
            updatePrefactors()
            for term in terms { (term as? DampingDependent)?.setDamping(dampingOverride) }
            for torque in torques { (torque as? DampingDependent)?.setDamping(dampingOverride) }
        }
    }

    /// B_eff of the last evaluation (planar, tesla).
    public var field: UnsafePointer<Double> { UnsafePointer(fieldBuffer.p) }
    let fieldBuffer: CellBuffer
    /// gamma_i / (1 + alpha_i^2) (0 in vacuum) and alpha_i, per cell.
    let prefactor, damping: CellBuffer
    /// Workspaces of the ODE engine, reused by every `run`.
    let solverCache = ODESolverCache()
    /// Threads the cell loops and FFTs of one evaluation use (>= 1; 1, the default, runs everything on
    /// the calling thread). Setting it re-plans the demag FFTs.
    public var threads: Int {
        get { partition.threads }
        set {
            partition = CellPartition(cellCount: cellCount, threads: newValue)
            for term in terms { (term as? ThreadedFieldTerm)?.setPartition(partition) }
            stages = LLGSystem.fieldStages(terms)
        }
    }
    /// The split of the cells among `threads`.
    private(set) var partition: CellPartition
    /// `terms` grouped for threaded evaluation: runs of consecutive local terms, and single others.
    private var stages: [FieldStage] = []
    /// Count of right-hand-side evaluations since creation.
    public private(set) var evaluations = 0

    /// An LLG system over `magnet` with the given field and torque terms (see `standardTerms`).
    public init(magnet: Magnet, terms: [FieldTerm], torques: [TorqueTerm] = []) {
        mesh = magnet.mesh
        parameters = magnet.cellParameters()
        cellCount = mesh.cellCount
        self.terms = terms
        self.torques = torques
        fieldBuffer = CellBuffer(3 * cellCount)
        prefactor = CellBuffer(cellCount)
        damping = CellBuffer(cellCount)
        partition = CellPartition(cellCount: cellCount, threads: 1)
        updatePrefactors()
        stages = LLGSystem.fieldStages(terms)
    }

    /// An LLG system with the terms the materials call for: exchange (if any Aex > 0), uniaxial and cubic
    /// anisotropy (if any Ku1 / Kc1 != 0), interfacial and bulk DMI (if any D != 0), demagnetisation
    /// (if `demag`, with the tensor `demagKernel` and transforms in `demagPrecision`), and a Zeeman field (if `externalField` is given, tesla as
    /// a function of seconds).
    public convenience init(magnet: Magnet, demag: Bool = true, demagKernel: Demag.Kernel = .newell,
                            demagPrecision: Demag.Precision = .float64,
                            externalField: (@Sendable (Double) -> SIMD3<Double>)? = nil) {
        let p = magnet.cellParameters()
        let mesh = magnet.mesh
        var terms: [FieldTerm] = []
        if p.Aex.contains(where: { $0 > 0 }) { terms.append(Exchange(mesh: mesh, parameters: p)) }
        if p.Ku1.contains(where: { $0 != 0 }) { terms.append(UniaxialAnisotropy(mesh: mesh, parameters: p)) }
        if p.Kc1.contains(where: { $0 != 0 }) { terms.append(CubicAnisotropy(mesh: mesh, parameters: p)) }
        if p.Dind.contains(where: { $0 != 0 }) { terms.append(InterfacialDMI(mesh: mesh, parameters: p)) }
        if p.Dbulk.contains(where: { $0 != 0 }) { terms.append(BulkDMI(mesh: mesh, parameters: p)) }
        if demag { terms.append(Demag(mesh: mesh, parameters: p, kernel: demagKernel, precision: demagPrecision)) }
        if let f = externalField { terms.append(Zeeman(mesh: mesh, parameters: p, field: f)) }
        self.init(magnet: magnet, terms: terms)
    }

    /// Adds a field term (a `DampingDependent` one takes the current `dampingOverride`).
    public func add(_ term: FieldTerm) {
        (term as? DampingDependent)?.setDamping(dampingOverride)
        (term as? ThreadedFieldTerm)?.setPartition(partition)
        terms.append(term)
        stages = LLGSystem.fieldStages(terms)
    }
    /// Adds a torque term (a `DampingDependent` one takes the current `dampingOverride`).
    public func add(_ torque: TorqueTerm) {
        (torque as? DampingDependent)?.setDamping(dampingOverride)
        torques.append(torque)
    }
    /// The first term of the given type, if any (e.g. to change a Zeeman field between stages).
    public func term<T: FieldTerm>(_ type: T.Type) -> T? { terms.first { $0 is T } as? T }

    func updatePrefactors() {
        for i in 0..<cellCount {
            let a = parameters.Msat[i] > 0 ? (dampingOverride ?? parameters.alpha[i]) : 0
            damping.p[i] = a
            prefactor.p[i] = parameters.Msat[i] > 0 ? parameters.gamma[i] / (1 + a * a) : 0
        }
    }

    /// Computes B_eff(t, m) into `field` (planar, tesla).
    public func computeField(t: Double, m: UnsafePointer<Double>) {
        if partition.threads == 1 {
            let b = fieldBuffer.p
            b.update(repeating: 0, count: 3 * cellCount)
            for term in terms { term.addField(t: t, m: m, into: b) }
        } else {
            computeFieldThreaded(t: t, m: m, torqueInto: nil)
        }
    }

    public func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
        evaluations &+= 1
        if partition.threads == 1 {
            computeField(t: t, m: y)
            torque(y, dydt, cells: 0 ..< cellCount)
        } else {
            computeFieldThreaded(t: t, m: y, torqueInto: dydt)
        }
        for torque in torques { torque.addTorque(t: t, m: y, dmdt: dydt) }
    }

    /// The solver's element-wise loops over the state split like the cells: each thread's block of cells
    /// in all three components, so a thread combines the stages of the cells whose torque it computed.
    public func forEachStateRange(_ body: (Range<Int>) -> Void) {
        let n = cellCount
        partition.forEachBlock { cells in
            for c in 0..<3 { body(c * n + cells.lowerBound ..< c * n + cells.upperBound) }
        }
    }

    /// The LLG torque from the field of the last `computeField` for `cells` into `dydt`.
    @inline(__always)
    private func torque(_ y: UnsafePointer<Double>, _ dydt: UnsafeMutablePointer<Double>, cells: Range<Int>) {
        let n = cellCount, b = fieldBuffer.p, g = prefactor.p, al = damping.p
        let prec: Double = precession ? 1 : 0
        for i in cells {
            let mx = y[i], my = y[n + i], mz = y[2 * n + i]
            let bx = b[i], by = b[n + i], bz = b[2 * n + i]
            // m x B
            let cx = my * bz - mz * by, cy = mz * bx - mx * bz, cz = mx * by - my * bx
            // m x (m x B)
            let dx = my * cz - mz * cy, dy = mz * cx - mx * cz, dz = mx * cy - my * cx
            let s = -g[i], a = al[i]
            dydt[i] = s * (prec * cx + a * dx)
            dydt[n + i] = s * (prec * cy + a * dy)
            dydt[2 * n + i] = s * (prec * cz + a * dz)
        }
    }

    /// B_eff (and, given `dydt`, the LLG torque) with the cell loops split over `partition`: the field is
    /// cleared and each run of local terms added block by block in one parallel pass, other terms (demag)
    /// run in between with their own threads; a `CellPassFieldTerm` takes the local terms just before and
    /// after it (and the clearing, and the torque when nothing follows) into its own first and last
    /// passes; otherwise the torque joins the last pass when the last stage is local. Each cell receives
    /// its terms in the order of `terms`, as in the one-thread path.
    private func computeFieldThreaded(t: Double, m: UnsafePointer<Double>, torqueInto dydt: UnsafeMutablePointer<Double>?) {
        let b = fieldBuffer.p, n = cellCount
        func clearField(_ cells: Range<Int>) {
            for c in 0..<3 { (b + c * n + cells.lowerBound).update(repeating: 0, count: cells.count) }
        }
        var torqueDone = dydt == nil
        for (index, stage) in stages.enumerated() {
            let clear = index == 0, withTorque = index == stages.count - 1 && !torqueDone
            switch stage {
            case .local(let group):
                partition.forEachBlock { cells in
                    if clear { clearField(cells) }
                    for term in group { term.addField(t: t, m: m, into: b, cells: cells) }
                    if withTorque { torque(m, dydt!, cells: cells) }
                }
                if withTorque { torqueDone = true }
            case .fused(let before, let term, let after):
                term.addField(t: t, m: m, into: b, before: { cells in
                    if clear { clearField(cells) }
                    for term in before { term.addField(t: t, m: m, into: b, cells: cells) }
                }, after: { cells in
                    for term in after { term.addField(t: t, m: m, into: b, cells: cells) }
                    if withTorque { torque(m, dydt!, cells: cells) }
                })
                if withTorque { torqueDone = true }
            case .other(let term):
                if clear { b.update(repeating: 0, count: 3 * n) }
                term.addField(t: t, m: m, into: b)
            }
        }
        if stages.isEmpty { b.update(repeating: 0, count: 3 * n) }
        if !torqueDone { partition.forEachBlock { cells in torque(m, dydt!, cells: cells) } }
    }

    /// A step of the threaded field computation.
    enum FieldStage {
        /// A run of consecutive local terms, in one pass over the cell blocks.
        case local([LocalFieldTerm])
        /// A term with loops of its own.
        case other(FieldTerm)
        /// A term with cell passes of its own and the runs of local terms just before and after it, added
        /// inside its first and last passes.
        case fused(before: [LocalFieldTerm], term: CellPassFieldTerm, after: [LocalFieldTerm])
    }

    /// Groups `terms` into stages: runs of consecutive local terms, single other terms, and each
    /// `CellPassFieldTerm` fused with the local runs next to it (a run between two of them goes with the
    /// first).
    static func fieldStages(_ terms: [FieldTerm]) -> [FieldStage] {
        var runs: [FieldStage] = []
        for term in terms {
            if let local = term as? LocalFieldTerm {
                if case .local(let group)? = runs.last {
                    runs[runs.count - 1] = .local(group + [local])
                } else {
                    runs.append(.local([local]))
                }
            } else {
                runs.append(.other(term))
            }
        }
        var stages: [FieldStage] = []
        var i = 0
        while i < runs.count {
            if case .other(let term) = runs[i], let passes = term as? CellPassFieldTerm {
                var before: [LocalFieldTerm] = [], after: [LocalFieldTerm] = []
                if case .local(let group)? = stages.last { before = group; stages.removeLast() }
                if i + 1 < runs.count, case .local(let group) = runs[i + 1] { after = group; i += 1 }
                stages.append(.fused(before: before, term: passes, after: after))
            } else {
                stages.append(runs[i])
            }
            i += 1
        }
        return stages
    }

    /// Rescales every magnetic cell to |m| = 1 (after each accepted step, as mumax3); vacuum stays zero.
    public func normalize(_ m: UnsafeMutablePointer<Double>) {
        let n = cellCount, msat = parameters.Msat
        partition.forEachBlock { cells in
            for i in cells {
                let x = m[i], y = m[n + i], z = m[2 * n + i]
                let r2 = x * x + y * y + z * z
                let s = (r2 > 0 && msat[i] > 0) ? 1 / r2.squareRoot() : 0
                m[i] = x * s; m[n + i] = y * s; m[2 * n + i] = z * s
            }
        }
    }

    /// Throws `normDrift` for the first magnetic cell whose ||m| - 1| exceeds `normTolerance` (or is
    /// not finite) in state `m` at time `t` (s). One pass over the cells, allocates nothing.
    public func checkNorm(_ m: UnsafePointer<Double>, time t: Double) throws {
        let n = cellCount, tol = normTolerance
        for i in 0..<n where parameters.Msat[i] > 0 {
            let x = m[i], y = m[n + i], z = m[2 * n + i]
            let r = (x * x + y * y + z * z).squareRoot()
            if !(abs(r - 1) <= tol) {
                let ix = i % mesh.nx, iy = (i / mesh.nx) % mesh.ny, iz = i / (mesh.nx * mesh.ny)
                throw MicromagneticsError.normDrift(time: t, cell: i, position: SIMD3(ix, iy, iz), norm: r, tolerance: tol)
            }
        }
    }

    /// Largest |m x B_eff| over the cells (tesla) for the field of the last `computeField`/`evaluate`.
    /// The blocks' maxima are combined in block order (`CellPartition.maximum`): the same value for any
    /// thread count.
    public func maxTorque(m: UnsafePointer<Double>) -> Double {
        let n = cellCount, b = fieldBuffer.p
        let best = partition.maximum { cells in
            var best = 0.0
            for i in cells {
                let mx = m[i], my = m[n + i], mz = m[2 * n + i]
                let bx = b[i], by = b[n + i], bz = b[2 * n + i]
                let cx = my * bz - mz * by, cy = mz * bx - mx * bz, cz = mx * by - my * bx
                best = max(best, cx * cx + cy * cy + cz * cz)
            }
            return best
        }
        return best.squareRoot()
    }
}
