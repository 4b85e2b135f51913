/// Heisenberg exchange field B = (2 A / Ms) laplacian(m) (tesla), six-neighbour finite differences,
/// free (Neumann) boundaries: a neighbour in vacuum or outside the mesh contributes nothing, as in
/// mumax3 (`exchange.cu`). Between cells of different A the link carries the harmonic mean
/// 2 A_i A_j / (A_i + A_j) (mumax3's default inter-region exchange).
///
/// B_i = (1/Ms_i) sum_j (2 A_ij / d_ij^2) (m_j - m_i); energy E = -1/2 sum Ms V B . m.
/// - Complexity: about 40 flops per cell.
public final class Exchange: FieldTerm {
    public let name = "exchange"
    public let energyFactor = 0.5
    let mesh: Mesh
    let n: Int
    /// Link weights 2 A_ij / d^2 (J/m^3) from cell i to i+1 along x, y, z (0 at the far edge or vacuum).
    let wx, wy, wz: CellBuffer
    let invMs: CellBuffer

    public init(mesh: Mesh, parameters p: CellParameters) {
        self.mesh = mesh
        n = mesh.cellCount
        wx = CellBuffer(n); wy = CellBuffer(n); wz = CellBuffer(n); invMs = CellBuffer(n)
        for iz in 0..<mesh.nz { for iy in 0..<mesh.ny { for ix in 0..<mesh.nx {
            let i = mesh.index(ix, iy, iz)
            invMs.p[i] = p.Msat[i] > 0 ? 1 / p.Msat[i] : 0
            if ix + 1 < mesh.nx { wx.p[i] = 2 * harmonicMean(p.Aex[i], p.Aex[i + 1]) / (mesh.dx * mesh.dx) }
            if iy + 1 < mesh.ny {
                wy.p[i] = 2 * harmonicMean(p.Aex[i], p.Aex[i + mesh.nx]) / (mesh.dy * mesh.dy)
            }
            if iz + 1 < mesh.nz {
                wz.p[i] = 2 * harmonicMean(p.Aex[i], p.Aex[i + mesh.nx * mesh.ny]) / (mesh.dz * mesh.dz)
            }
        } } }
    }

    public func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>) {
        let nx = mesh.nx, ny = mesh.ny, nz = mesh.nz, n = self.n
        let sy = nx, sz = nx * ny
        let mx = m, my = m + n, mz = m + 2 * n
        let bx = b, by = b + n, bz = b + 2 * n
        let wx = self.wx.p, wy = self.wy.p, wz = self.wz.p, inv = invMs.p
        for iz in 0..<nz {
            for iy in 0..<ny {
                let row = iy * sy + iz * sz
                for ix in 0..<nx {
                    let i = row + ix
                    let x0 = mx[i], y0 = my[i], z0 = mz[i]
                    var hx = 0.0, hy = 0.0, hz = 0.0
                    // Neighbour indices clamp to the cell itself at the mesh edge (weight 0 there anyway).
                    let xm = ix > 0 ? i - 1 : i, ym = iy > 0 ? i - sy : i, zm = iz > 0 ? i - sz : i
                    let xp = ix + 1 < nx ? i + 1 : i, yp = iy + 1 < ny ? i + sy : i, zp = iz + 1 < nz ? i + sz : i
                    var w = wx[xm] * (ix > 0 ? 1 : 0)
                    hx += w * (mx[xm] - x0); hy += w * (my[xm] - y0); hz += w * (mz[xm] - z0)
                    w = wx[i]
                    hx += w * (mx[xp] - x0); hy += w * (my[xp] - y0); hz += w * (mz[xp] - z0)
                    w = wy[ym] * (iy > 0 ? 1 : 0)
                    hx += w * (mx[ym] - x0); hy += w * (my[ym] - y0); hz += w * (mz[ym] - z0)
                    w = wy[i]
                    hx += w * (mx[yp] - x0); hy += w * (my[yp] - y0); hz += w * (mz[yp] - z0)
                    if nz > 1 {
                        w = wz[zm] * (iz > 0 ? 1 : 0)
                        hx += w * (mx[zm] - x0); hy += w * (my[zm] - y0); hz += w * (mz[zm] - z0)
                        w = wz[i]
                        hx += w * (mx[zp] - x0); hy += w * (my[zp] - y0); hz += w * (mz[zp] - z0)
                    }
                    let s = inv[i]
                    bx[i] += s * hx; by[i] += s * hy; bz[i] += s * hz
                }
            }
        }
    }
}
