/// First-order cubic anisotropy, energy density Kc1 (a1^2 a2^2 + a2^2 a3^2 + a3^2 a1^2) with a_k = m . c_k
/// (J/m^3), field B = -(2 Kc1 / Ms) sum_k a_k (a_l^2 + a_j^2) c_k (tesla), as mumax3 (Kc1, anisC1, anisC2;
/// c3 = c1 x c2). The energy is quartic in m, so E = -1/4 sum Ms V B . m.
public final class CubicAnisotropy: LocalFieldTerm {
    public let name = "cubic anisotropy"
    public let energyFactor = 0.25
    let n: Int
    /// -2 Kc1 / Ms per cell (T) and the three axes, planar.
    let coeff: CellBuffer
    let c1, c2, c3: CellBuffer

    public init(mesh: Mesh, parameters p: CellParameters) {
        n = mesh.cellCount
        coeff = CellBuffer(n); c1 = CellBuffer(3 * n); c2 = CellBuffer(3 * n); c3 = CellBuffer(3 * n)
        for i in 0..<n where p.Msat[i] > 0 {
            coeff.p[i] = -2 * p.Kc1[i] / p.Msat[i]
            let a = p.anisC1[i], b = p.anisC2[i]
            let c = SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
            for k in 0..<3 { c1.p[k * n + i] = a[k]; c2.p[k * n + i] = b[k]; c3.p[k * n + i] = c[k] }
        }
    }

    public func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>) {
        addField(t: t, m: m, into: b, cells: 0 ..< n)
    }

    public func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>, cells: Range<Int>) {
        let n = self.n, c1 = self.c1.p, c2 = self.c2.p, c3 = self.c3.p, k = coeff.p
        for i in cells where k[i] != 0 {
            let mx = m[i], my = m[n + i], mz = m[2 * n + i]
            let a1 = mx * c1[i] + my * c1[n + i] + mz * c1[2 * n + i]
            let a2 = mx * c2[i] + my * c2[n + i] + mz * c2[2 * n + i]
            let a3 = mx * c3[i] + my * c3[n + i] + mz * c3[2 * n + i]
            let f1 = k[i] * a1 * (a2 * a2 + a3 * a3)
            let f2 = k[i] * a2 * (a1 * a1 + a3 * a3)
            let f3 = k[i] * a3 * (a1 * a1 + a2 * a2)
            for d in 0..<3 { b[d * n + i] += f1 * c1[d * n + i] + f2 * c2[d * n + i] + f3 * c3[d * n + i] }
        }
    }
}
