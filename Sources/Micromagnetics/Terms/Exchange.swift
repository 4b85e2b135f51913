/// Heisenberg exchange field B = (2 A / Ms) laplacian(m) (tesla), six-neighbour finite differences,
/// free (Neumann) boundaries: a neighbour in vacuum or outside the mesh contributes nothing, as in
/// mumax3 (`exchange.cu`). Between cells of different A the link carries the harmonic mean
/// 2 A_i A_j / (A_i + A_j) (mumax3's default inter-region exchange).
///
/// B_i = (1/Ms_i) sum_j (2 A_ij / d_ij^2) (m_j - m_i); energy E = -1/2 sum Ms V B . m.
/// - Complexity: about 40 flops per cell.
public final class Exchange: LocalFieldTerm {
    public let name = "exchange"
    public let energyFactor = 0.5
    let mesh: Mesh
    let n: Int
    /// Link weights 2 A_ij / d^2 (J/m^3) from cell i to i+1 along x, y, z (0 at the far edge or vacuum).
    let wx, wy, wz: CellBuffer
    let invMs: CellBuffer
    /// Per axis: (w_i / Ms_i for the link to i + s, w_{i-s} / Ms_i for the link to i - s, stride s), tesla.
    let linkSets: [(CellBuffer, CellBuffer, Int)]
    /// Largest stride among the link sets.
    let reach: Int

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
        var sets: [(CellBuffer, CellBuffer, Int)] = []
        let axes: [(CellBuffer, Int, Int)] = [(wx, 1, mesh.nx), (wy, mesh.nx, mesh.ny), (wz, mesh.nx * mesh.ny, mesh.nz)]
        for (w, stride, count) in axes where count > 1 {
            let f = CellBuffer(n), bw = CellBuffer(n)
            for i in 0..<n {
                f.p[i] = w.p[i] * invMs.p[i]
                if i >= stride { bw.p[i] = w.p[i - stride] * invMs.p[i] }
            }
            sets.append((f, bw, stride))
        }
        linkSets = sets
        reach = sets.map { $0.2 }.max() ?? 0
    }

    public func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>) {
        addField(t: t, m: m, into: b, cells: 0 ..< n)
    }

    public func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>, cells: Range<Int>) {
        // B_i += sum over axes of f_i (m_{i+s} - m_i) + g_i (m_{i-s} - m_i), with f_i = w_i / Ms_i (link to
        // i + s) and g_i = w_{i-s} / Ms_i (link to i - s). Weights are zero across row ends and next to
        // vacuum, so one flat, branch-free (vectorisable) loop covers the interior; the first and last
        // `reach` cells of the whole mesh, whose neighbours may fall outside the array, take a checked loop
        // (the same cells whatever block `cells` is, so a cell's arithmetic never depends on the split).
        let n = self.n, sets = linkSets, reach = self.reach
        if sets.count == 2 && n > 2 * reach {
            let fx = sets[0].0.p, gx = sets[0].1.p, sx = sets[0].2
            let fy = sets[1].0.p, gy = sets[1].1.p, sy = sets[1].2
            let interior = cells.clamped(within: reach, n - reach)
            for c in 0..<3 {
                let mc = m + c * n, bc = b + c * n
                for i in interior {
                    let m0 = mc[i]
                    bc[i] += fx[i] * (mc[i + sx] - m0) + gx[i] * (mc[i - sx] - m0)
                        + fy[i] * (mc[i + sy] - m0) + gy[i] * (mc[i - sy] - m0)
                }
            }
            edges(m, b, cells.clamped(within: 0, reach))
            edges(m, b, cells.clamped(within: n - reach, n))
        } else {
            edges(m, b, cells)
        }
    }

    /// The checked loop over a range of cells (every axis, any mesh).
    private func edges(_ m: UnsafePointer<Double>, _ b: UnsafeMutablePointer<Double>, _ range: Range<Int>) {
        let n = self.n
        for (forward, backward, stride) in linkSets {
            let f = forward.p, g = backward.p
            for c in 0..<3 {
                let mc = m + c * n, bc = b + c * n
                for i in range {
                    let m0 = mc[i]
                    var h = 0.0
                    if i + stride < n { h += f[i] * (mc[i + stride] - m0) }
                    if i >= stride { h += g[i] * (mc[i - stride] - m0) }
                    bc[i] += h
                }
            }
        }
    }
}
