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
    /// Per axis: (w_i / Ms_i for the link to i + s, w_{i-s} / Ms_i for the link to i - s, stride s), tesla.
    let linkSets: [(CellBuffer, CellBuffer, Int)]

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
    }

    public func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>) {
        // Streaming passes per axis and component over the planar arrays (vectorisable): the link i -> i + s
        // adds (w_i / Ms_i)(m_{i+s} - m_i) to cell i and (w_i / Ms_{i+s})(m_i - m_{i+s}) to cell i + s.
        // w is zero across row ends and next to vacuum, so the flat loops need no branches.
        let n = self.n
        let axes: [(CellBuffer, CellBuffer, Int)] = linkSets
        for (forward, backward, stride) in axes where stride < n {
            let wf = forward.p, wb = backward.p
            for c in 0..<3 {
                let mc = m + c * n, bc = b + c * n
                // Cells with a neighbour at i + stride.
                for i in 0..<(n - stride) { bc[i] += wf[i] * (mc[i + stride] - mc[i]) }
                // Cells with a neighbour at i - stride.
                for i in stride..<n { bc[i] += wb[i] * (mc[i - stride] - mc[i]) }
            }
        }
    }
}
