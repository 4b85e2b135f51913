/// First-order uniaxial magnetocrystalline anisotropy, B = (2 Ku / Ms) (m . u) u (tesla), energy density
/// -Ku (m . u)^2 (J/m^3), as mumax3 (`anisotropy.go`, Ku1 and anisU).
///
/// Ku may depend on time for voltage-controlled anisotropy: Ku_i(t) = Ku_i + deltaKu(t) in every
/// magnetic cell, with `deltaKu` in J/m^3 (e.g. Ku(t) = 0.8 MJ/m^3 + 0.1 MJ/m^3 a sin(2 pi f t), Chen et al.,
/// Nat. Commun. 13, 1016 (2022)). Energy E = -1/2 sum Ms V B . m.
public final class UniaxialAnisotropy: LocalFieldTerm {
    public let name = "anisotropy"
    public let energyFactor = 0.5
    let n: Int
    /// 2 Ku / Ms per cell (T) and 2 / Ms (T m^3/J, for deltaKu; 0 in vacuum).
    let kCoeff, dCoeff: CellBuffer
    let ux, uy, uz: CellBuffer
    /// Additive time dependence of Ku in J/m^3 (nil: static).
    public var deltaKu: (@Sendable (Double) -> Double)?

    public init(mesh: Mesh, parameters p: CellParameters, deltaKu: (@Sendable (Double) -> Double)? = nil) {
        n = mesh.cellCount
        kCoeff = CellBuffer(n); dCoeff = CellBuffer(n)
        ux = CellBuffer(n); uy = CellBuffer(n); uz = CellBuffer(n)
        for i in 0..<n where p.Msat[i] > 0 {
            kCoeff.p[i] = 2 * p.Ku1[i] / p.Msat[i]
            dCoeff.p[i] = 2 / p.Msat[i]
            ux.p[i] = p.anisU[i].x; uy.p[i] = p.anisU[i].y; uz.p[i] = p.anisU[i].z
        }
        self.deltaKu = deltaKu
    }

    public func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>) {
        addField(t: t, m: m, into: b, cells: 0 ..< n)
    }

    public func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>, cells: Range<Int>) {
        let dk = deltaKu?(t) ?? 0
        let n = self.n, k = kCoeff.p, d = dCoeff.p, ux = self.ux.p, uy = self.uy.p, uz = self.uz.p
        for i in cells {
            let c = (k[i] + dk * d[i]) * (m[i] * ux[i] + m[n + i] * uy[i] + m[2 * n + i] * uz[i])
            b[i] += c * ux[i]; b[n + i] += c * uy[i]; b[2 * n + i] += c * uz[i]
        }
    }
}
