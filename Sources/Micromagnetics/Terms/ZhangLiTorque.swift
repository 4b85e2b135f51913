/// Zhang-Li spin-transfer torque of an in-plane current density J (A/m^2) through a continuous
/// magnetisation texture, as mumax3 defines it (`stt.go`, `zhangli.cu`):
///
///     u = mu_B P / (e Ms (1 + xi^2)) J   (m/s),   h = (u . grad) m   (1/s),
///     dm/dt += -1/(1 + alpha^2) [ (1 + xi alpha) m x (m x h) + (xi - alpha) m x h ],
///
/// P the polarisation, xi the non-adiabaticity. Derivatives are central differences; a neighbour in
/// vacuum or outside the mesh is replaced by the cell itself (one-sided half difference, as mumax3).
/// For xi = alpha a texture translates rigidly: dm/dt = (u . grad) m, i.e. moves along -u.
/// alpha follows the system's `dampingOverride` (`DampingDependent`).
public final class ZhangLiTorque: TorqueTerm, DampingDependent {
    public let name = "Zhang-Li STT"
    /// Bohr magneton over the elementary charge, J/(T C) (CODATA 2018).
    public static let muBOverE = 9.2740100783e-24 / 1.602176634e-19
    let mesh: Mesh
    let n: Int
    /// mu_B / (e Ms_i) (m^3 / C), alpha_i, 0 in vacuum; neighbour presence bits as `DMINeighbourhood`.
    let coeff, alpha, materialAlpha: CellBuffer
    let present: UnsafeMutablePointer<UInt8>
    public var polarization: Double
    public var xi: Double
    /// Current density vector (A/m^2) as a function of time.
    public var currentDensity: @Sendable (Double) -> SIMD3<Double>

    public init(mesh: Mesh, parameters p: CellParameters, polarization: Double, xi: Double,
                currentDensity: @escaping @Sendable (Double) -> SIMD3<Double>) {
        self.mesh = mesh
        n = mesh.cellCount
        coeff = CellBuffer(n); alpha = CellBuffer(n); materialAlpha = CellBuffer(n)
        present = .allocate(capacity: n)
        present.initialize(repeating: 0, count: n)
        let sy = mesh.nx, sz = mesh.nx * mesh.ny
        for iz in 0..<mesh.nz { for iy in 0..<mesh.ny { for ix in 0..<mesh.nx {
            let i = mesh.index(ix, iy, iz)
            guard p.Msat[i] > 0 else { continue }
            coeff.p[i] = ZhangLiTorque.muBOverE / p.Msat[i]
            alpha.p[i] = p.alpha[i]
            materialAlpha.p[i] = p.alpha[i]
            var bits: UInt8 = 0
            if ix > 0 && p.Msat[i - 1] > 0 { bits |= 1 }
            if ix + 1 < mesh.nx && p.Msat[i + 1] > 0 { bits |= 2 }
            if iy > 0 && p.Msat[i - sy] > 0 { bits |= 4 }
            if iy + 1 < mesh.ny && p.Msat[i + sy] > 0 { bits |= 8 }
            if iz > 0 && p.Msat[i - sz] > 0 { bits |= 16 }
            if iz + 1 < mesh.nz && p.Msat[i + sz] > 0 { bits |= 32 }
            present[i] = bits
        } } }
        self.polarization = polarization
        self.xi = xi
        self.currentDensity = currentDensity
    }
    deinit { present.deallocate() }

    /// Sets alpha (all magnetic cells) in the torque, or the material alpha when nil.
    public func setDamping(_ a: Double?) {
        for i in 0..<n where coeff.p[i] != 0 { alpha.p[i] = a ?? materialAlpha.p[i] }
    }

    public func addTorque(t: Double, m: UnsafePointer<Double>, dmdt: UnsafeMutablePointer<Double>) {
        let jv = currentDensity(t)
        if jv == .zero { return }
        let n = self.n, c = coeff.p, al = alpha.p
        let strides = SIMD3(1, mesh.nx, mesh.nx * mesh.ny)
        let sizes = SIMD3(mesh.dx, mesh.dy, mesh.dz)
        let xi = self.xi, pol = polarization
        for i in 0..<n where c[i] != 0 {
            let u = pol * c[i] / (1 + xi * xi) * jv
            let bits = present[i]
            let m0 = SIMD3(m[i], m[n + i], m[2 * n + i])
            var h = SIMD3<Double>.zero
            for axis in 0..<3 where u[axis] != 0 {
                let s = strides[axis]
                let lo = bits & (1 << (2 * axis)) != 0 ? i - s : i
                let hi = bits & (1 << (2 * axis + 1)) != 0 ? i + s : i
                let d = SIMD3(m[hi] - m[lo], m[n + hi] - m[n + lo], m[2 * n + hi] - m[2 * n + lo])
                h += u[axis] / (2 * sizes[axis]) * d
            }
            let a = al[i]
            let mxh = SIMD3(m0.y * h.z - m0.z * h.y, m0.z * h.x - m0.x * h.z, m0.x * h.y - m0.y * h.x)
            let mxmxh = SIMD3(m0.y * mxh.z - m0.z * mxh.y, m0.z * mxh.x - m0.x * mxh.z, m0.x * mxh.y - m0.y * mxh.x)
            let tq = -1 / (1 + a * a) * ((1 + xi * a) * mxmxh + (xi - a) * mxh)
            dmdt[i] += tq.x; dmdt[n + i] += tq.y; dmdt[2 * n + i] += tq.z
        }
    }
}
