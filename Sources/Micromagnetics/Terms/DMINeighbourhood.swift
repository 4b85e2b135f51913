/// Neighbour bookkeeping shared by the DMI terms: which of the six neighbours of each cell hold
/// material, the link values of D between neighbours (harmonic mean, as mumax3's inter-region rule),
/// and each cell's own D/(2A) and 2A for the ghost cells at free surfaces.
struct DMINeighbourhood {
    let n: Int
    /// Bit k set when neighbour k exists (0: -x, 1: +x, 2: -y, 3: +y, 4: -z, 5: +z).
    let present: UnsafeMutablePointer<UInt8>
    /// Link D (J/m^2) from cell i to i+1 along x, y, z.
    let lx, ly, lz: CellBuffer
    /// Own D (J/m^2), D/(2A) (1/m; 0 if A = 0), 2A (J/m) and 1/Ms (m/A) per cell.
    let d0, dOver2A, twoA, invMs: CellBuffer

    init(mesh: Mesh, parameters p: CellParameters, d: [Double]) {
        n = mesh.cellCount
        present = .allocate(capacity: n)
        present.initialize(repeating: 0, count: n)
        lx = CellBuffer(n); ly = CellBuffer(n); lz = CellBuffer(n)
        d0 = CellBuffer(n); dOver2A = CellBuffer(n); twoA = CellBuffer(n); invMs = CellBuffer(n)
        let sy = mesh.nx, sz = mesh.nx * mesh.ny
        for iz in 0..<mesh.nz { for iy in 0..<mesh.ny { for ix in 0..<mesh.nx {
            let i = mesh.index(ix, iy, iz)
            guard p.Msat[i] > 0 else { continue }
            invMs.p[i] = 1 / p.Msat[i]
            d0.p[i] = d[i]
            twoA.p[i] = 2 * p.Aex[i]
            dOver2A.p[i] = p.Aex[i] > 0 ? d[i] / (2 * p.Aex[i]) : 0
            var bits: UInt8 = 0
            if ix > 0 && p.Msat[i - 1] > 0 { bits |= 1 }
            if ix + 1 < mesh.nx && p.Msat[i + 1] > 0 { bits |= 2; lx.p[i] = harmonicMean(d[i], d[i + 1]) }
            if iy > 0 && p.Msat[i - sy] > 0 { bits |= 4 }
            if iy + 1 < mesh.ny && p.Msat[i + sy] > 0 { bits |= 8; ly.p[i] = harmonicMean(d[i], d[i + sy]) }
            if iz > 0 && p.Msat[i - sz] > 0 { bits |= 16 }
            if iz + 1 < mesh.nz && p.Msat[i + sz] > 0 { bits |= 32; lz.p[i] = harmonicMean(d[i], d[i + sz]) }
            present[i] = bits
        } } }
    }

    func deallocate() { present.deallocate() }
}
