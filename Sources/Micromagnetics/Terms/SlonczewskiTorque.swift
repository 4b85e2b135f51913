/// Slonczewski spin-transfer torque of a current J (A/m^2, perpendicular to the film) through a fixed
/// layer of polarisation direction p, as mumax3 defines it (`stt.go`, `slonczewski.cu`; REFERENCES.md):
///
///     beta = hbar J / (e d Ms)   (tesla),   epsilon = P Lambda^2 / ((Lambda^2 + 1) + (Lambda^2 - 1) m . p),
///     dm/dt += gamma / (1 + alpha^2) [ (beta epsilon + alpha beta epsilon') m x (p x m)
///                                      + (beta epsilon' - alpha beta epsilon) p x m ],
///
/// d the free-layer thickness (m; default the mesh thickness), P the polarisation, Lambda the
/// Slonczewski asymmetry parameter, epsilon' the secondary (field-like) spin-torque parameter. J may
/// depend on time (seconds). alpha follows the system's `dampingOverride` (`DampingDependent`).
public final class SlonczewskiTorque: TorqueTerm, DampingDependent {
    public let name = "Slonczewski STT"
    /// hbar / e in J s / C (CODATA 2018 exact values).
    public static let hbarOverE = 1.054571817e-34 / 1.602176634e-19
    let n: Int
    /// gamma_i / (1 + alpha_i^2) and alpha_i per cell; hbar / (e d Ms_i) (T m^2 / A), 0 in vacuum.
    let prefactor, alpha, betaPerJ: CellBuffer
    /// Material gamma_i (rad/(T s)) and alpha_i per cell, 0 in vacuum.
    let gamma, materialAlpha: CellBuffer
    public var polarizer: SIMD3<Double>
    public var polarization: Double
    public var lambda: Double
    public var epsilonPrime: Double
    /// Current density along z in A/m^2 as a function of time.
    public var currentDensity: @Sendable (Double) -> Double

    public init(mesh: Mesh, parameters p: CellParameters, polarizer: SIMD3<Double>, polarization: Double,
                lambda: Double = 1, epsilonPrime: Double = 0, thickness: Double? = nil,
                currentDensity: @escaping @Sendable (Double) -> Double) {
        n = mesh.cellCount
        prefactor = CellBuffer(n); alpha = CellBuffer(n); betaPerJ = CellBuffer(n)
        gamma = CellBuffer(n); materialAlpha = CellBuffer(n)
        let d = thickness ?? Double(mesh.nz) * mesh.dz
        for i in 0..<n where p.Msat[i] > 0 {
            gamma.p[i] = p.gamma[i]
            materialAlpha.p[i] = p.alpha[i]
            betaPerJ.p[i] = SlonczewskiTorque.hbarOverE / (d * p.Msat[i])
        }
        self.polarizer = polarizer / (polarizer * polarizer).sum().squareRoot()
        self.polarization = polarization
        self.lambda = lambda
        self.epsilonPrime = epsilonPrime
        self.currentDensity = currentDensity
        setDamping(nil)
    }

    /// Sets alpha (all magnetic cells) in gamma/(1 + alpha^2) and the alpha beta terms, or the material
    /// alpha when nil.
    public func setDamping(_ a: Double?) {
        for i in 0..<n where betaPerJ.p[i] != 0 {
            let al = a ?? materialAlpha.p[i]
            alpha.p[i] = al
            prefactor.p[i] = gamma.p[i] / (1 + al * al)
        }
    }

    public func addTorque(t: Double, m: UnsafePointer<Double>, dmdt: UnsafeMutablePointer<Double>) {
        let j = currentDensity(t)
        if j == 0 { return }
        let n = self.n, g = prefactor.p, al = alpha.p, bj = betaPerJ.p
        let px = polarizer.x, py = polarizer.y, pz = polarizer.z
        let l2 = lambda * lambda, pol = polarization, ep = epsilonPrime
        for i in 0..<n where bj[i] != 0 {
            let mx = m[i], my = m[n + i], mz = m[2 * n + i]
            let beta = bj[i] * j
            let eps = pol * l2 / ((l2 + 1) + (l2 - 1) * (mx * px + my * py + mz * pz))
            let a = al[i]
            let cDamp = g[i] * (beta * eps + a * beta * ep)
            let cField = g[i] * (beta * ep - a * beta * eps)
            // p x m and m x (p x m)
            let qx = py * mz - pz * my, qy = pz * mx - px * mz, qz = px * my - py * mx
            let rx = my * qz - mz * qy, ry = mz * qx - mx * qz, rz = mx * qy - my * qx
            dmdt[i] += cDamp * rx + cField * qx
            dmdt[n + i] += cDamp * ry + cField * qy
            dmdt[2 * n + i] += cDamp * rz + cField * qz
        }
    }
}
