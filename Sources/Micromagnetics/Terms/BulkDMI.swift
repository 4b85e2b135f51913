/// Bulk Dzyaloshinskii-Moriya interaction (Dbulk, J/m^2), energy density D m . (curl m), field
/// B = -(2D/Ms) curl m (tesla), central differences, as mumax3 (`dmibulk.cu`).
///
/// Free surfaces use ghost cells from the natural boundary condition of this energy,
/// 2A dm/dn = -D (m x n) (derived by varying A |grad m|^2 + D m . curl m; cf. Rohart and Thiaville,
/// PRB 88, 184422 (2013)); a mesh one cell thick has no z derivative (as mumax3). The ghost also enters the exchange stencil there, so this term adds that
/// exchange correction (the `Exchange` term keeps plain Neumann boundaries). Energy E = -1/2 sum Ms V B . m.
public final class BulkDMI: LocalFieldTerm {
    public let name = "bulk DMI"
    public let energyFactor = 0.5
    let mesh: Mesh
    let nb: DMINeighbourhood

    public init(mesh: Mesh, parameters p: CellParameters) {
        self.mesh = mesh
        nb = DMINeighbourhood(mesh: mesh, parameters: p, d: p.Dbulk)
    }
    deinit { nb.deallocate() }

    public func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>) {
        addField(t: t, m: m, into: b, cells: 0 ..< nb.n)
    }

    public func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>, cells: Range<Int>) {
        let n = nb.n, sy = mesh.nx, sz = mesh.nx * mesh.ny
        let c = SIMD3(mesh.dx, mesh.dy, mesh.dz)
        let present = nb.present
        let lx = nb.lx.p, ly = nb.ly.p, lz = nb.lz.p
        // A single layer has no z derivative (as mumax3 for Nz = 1).
        let axes = mesh.nz > 1 ? 3 : 2
        let d0 = nb.d0.p, g0 = nb.dOver2A.p, a2 = nb.twoA.p, inv = nb.invMs.p
        for i in cells where inv[i] != 0 {
            let m0 = SIMD3(m[i], m[n + i], m[2 * n + i])
            let bits = present[i]
            var h = SIMD3<Double>.zero
            for axis in 0..<axes {
                let stride = axis == 0 ? 1 : (axis == 1 ? sy : sz)
                let link = axis == 0 ? lx : (axis == 1 ? ly : lz)
                let ci = c[axis]
                // dm/dn along +axis from the boundary condition: -(D/2A) (m x e_axis).
                let e = axis == 0 ? SIMD3<Double>(1, 0, 0) : (axis == 1 ? SIMD3<Double>(0, 1, 0) : SIMD3<Double>(0, 0, 1))
                let mxe = SIMD3(m0.y * e.z - m0.z * e.y, m0.z * e.x - m0.x * e.z, m0.x * e.y - m0.y * e.x)
                let slope = -g0[i] * mxe
                let w = a2[i] / (ci * ci)
                var m1: SIMD3<Double>, m2: SIMD3<Double>, dl: Double, dr: Double
                if bits & (1 << (2 * axis)) != 0 {
                    let j = i - stride
                    m1 = SIMD3(m[j], m[n + j], m[2 * n + j]); dl = link[j]
                } else {
                    m1 = m0 - ci * slope; dl = d0[i]; h += w * (m1 - m0)
                }
                if bits & (1 << (2 * axis + 1)) != 0 {
                    let j = i + stride
                    m2 = SIMD3(m[j], m[n + j], m[2 * n + j]); dr = link[i]
                } else {
                    m2 = m0 + ci * slope; dr = d0[i]; h += w * (m2 - m0)
                }
                // -(2D) curl m: the d/d(axis) part, central difference (D/c)(m2 - m1) with link D per side.
                let diff = (dr * m2 - dl * m1) / ci
                switch axis {
                case 0: h.y += diff.z; h.z -= diff.y
                case 1: h.x -= diff.z; h.z += diff.x
                default: h.x += diff.y; h.y -= diff.x
                }
            }
            let s = inv[i]
            b[i] += s * h.x; b[n + i] += s * h.y; b[2 * n + i] += s * h.z
        }
    }
}
