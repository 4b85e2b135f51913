/// Interfacial Dzyaloshinskii-Moriya interaction (Dind, J/m^2), energy density
/// D [m_z div m - (m . grad) m_z], field B = (2D/Ms) (dm_z/dx, dm_z/dy, -dm_x/dx - dm_y/dy) (tesla),
/// central differences, as mumax3 (`dmi.cu`).
///
/// Free surfaces use ghost cells that satisfy the boundary condition of Rohart and Thiaville,
/// PRB 88, 184422 (2013), in mumax3's sign convention: 2A dm/dn = -D (m_z n_x, m_z n_y, -m . n)
/// (e.g. at a +x surface, dm/dx = (D/2A)(-m_z, 0, m_x)). REFERENCES.md writes this as (D/2A)(z x n) x m,
/// which has the opposite sign for mumax3's definition of D; we follow mumax3. The ghost cell also
/// enters the exchange stencil there, so this term adds that exchange correction (2A/dx^2)(m_ghost - m)/Ms,
/// exactly as mumax3's combined exchange+DMI kernel does; the `Exchange` term keeps plain Neumann
/// boundaries. Energy E = -1/2 sum Ms V B . m.
///
/// D may depend on time (a voltage-controlled DMI drive): `strength(t)` scales every cell's D, so
/// D_i(t) = D_i strength(t) (the interior links, the ghost slopes and the DMI part of the ghost cells).
public final class InterfacialDMI: LocalFieldTerm {
    public let name = "interfacial DMI"
    public let energyFactor = 0.5
    let mesh: Mesh
    let n: Int
    /// Interior coefficients per cell (tesla): link D to +x / -x / +y / -y over (cell size x own Ms);
    /// zero where the neighbour is missing (its contribution then comes from the ghost list).
    let fxp, fxm, fyp, fym: CellBuffer
    /// Free-surface sides: cell index, side (0: -x, 1: +x, 2: -y, 3: +y), and per side the ghost slope
    /// g = c D/(2A), the exchange weight 2A/(c^2 Ms) and the DMI weight D/(c Ms).
    let ghostCell: [Int]
    let ghostSide: [Int]
    let ghostSlope, ghostExchange, ghostDMI: [Double]
    let reach: Int
    /// D(t) / D: the factor on every cell's D at time t (nil: 1).
    public var strength: (@Sendable (Double) -> Double)?

    public init(mesh: Mesh, parameters p: CellParameters) {
        self.mesh = mesh
        n = mesh.cellCount
        let nb = DMINeighbourhood(mesh: mesh, parameters: p, d: p.Dind)
        defer { nb.deallocate() }
        fxp = CellBuffer(n); fxm = CellBuffer(n); fyp = CellBuffer(n); fym = CellBuffer(n)
        let cx = mesh.dx, cy = mesh.dy, sy = mesh.nx
        var cells: [Int] = [], sides: [Int] = [], slopes: [Double] = [], exch: [Double] = [], dmi: [Double] = []
        for i in 0..<n where nb.invMs.p[i] != 0 {
            let inv = nb.invMs.p[i], bits = nb.present[i]
            if bits & 2 != 0 { fxp.p[i] = nb.lx.p[i] / cx * inv }
            if bits & 1 != 0 { fxm.p[i] = nb.lx.p[i - 1] / cx * inv }
            if bits & 8 != 0 { fyp.p[i] = nb.ly.p[i] / cy * inv }
            if bits & 4 != 0 { fym.p[i] = nb.ly.p[i - sy] / cy * inv }
            for side in 0..<4 where bits & (1 << side) == 0 {
                let c = side < 2 ? cx : cy
                cells.append(i); sides.append(side)
                slopes.append(nb.dOver2A.p[i] * c)
                exch.append(nb.twoA.p[i] / (c * c) * inv)
                dmi.append(nb.d0.p[i] / c * inv)
            }
        }
        ghostCell = cells; ghostSide = sides; ghostSlope = slopes; ghostExchange = exch; ghostDMI = dmi
        reach = mesh.ny > 1 ? sy : 1
    }

    public func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>) {
        addField(t: t, m: m, into: b, cells: 0 ..< n)
    }

    public func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>, cells: Range<Int>) {
        let n = self.n, sy = mesh.nx
        let mx = m, my = m + n, mz = m + 2 * n
        let bx = b, by = b + n, bz = b + 2 * n
        let fxp = self.fxp.p, fxm = self.fxm.p, fyp = self.fyp.p, fym = self.fym.p
        // s = 1 multiplies nothing away: x * 1 is x, so an undriven D gives the same bits as without it.
        let s = strength?(t) ?? 1
        // Interior: central differences with link D (branch-free, vectorisable).
        let lo = min(reach, n), hi = max(lo, n - reach)
        for i in cells.clamped(within: lo, hi) {
            bx[i] += s * (fxp[i] * mz[i + 1] - fxm[i] * mz[i - 1])
            by[i] += s * (fyp[i] * mz[i + sy] - fym[i] * mz[i - sy])
            bz[i] -= s * (fxp[i] * mx[i + 1] - fxm[i] * mx[i - 1] + fyp[i] * my[i + sy] - fym[i] * my[i - sy])
        }
        // The first and last `reach` cells, with bounds checks (coefficients are zero where a neighbour
        // is missing, so a clamped index contributes nothing).
        func edge(_ i: Int) {
            let xp = i + 1 < n ? i + 1 : i, xm = i >= 1 ? i - 1 : i
            let yp = i + sy < n ? i + sy : i, ym = i >= sy ? i - sy : i
            bx[i] += s * (fxp[i] * mz[xp] - fxm[i] * mz[xm])
            by[i] += s * (fyp[i] * mz[yp] - fym[i] * mz[ym])
            bz[i] -= s * (fxp[i] * mx[xp] - fxm[i] * mx[xm] + fyp[i] * my[yp] - fym[i] * my[ym])
        }
        for i in cells.clamped(within: 0, lo) { edge(i) }
        for i in cells.clamped(within: hi, n) { edge(i) }
        // Free surfaces: ghost cells from the boundary condition, entering both the DMI stencil and the
        // exchange stencil.
        // (`ghostCell` is sorted, so the block's sides are one run of the list.)
        for k in ghostRange(cells) {
            let i = ghostCell[k], g = s * ghostSlope[k], w = ghostExchange[k], d = s * ghostDMI[k]
            let x0 = mx[i], y0 = my[i], z0 = mz[i]
            switch ghostSide[k] {
            case 0: // -x: ghost = (x0 + g z0, y0, z0 - g x0)
                let gx = x0 + g * z0, gz = z0 - g * x0
                bx[i] += w * (gx - x0) - d * gz; bz[i] += w * (gz - z0) + d * gx
            case 1: // +x: ghost = (x0 - g z0, y0, z0 + g x0)
                let gx = x0 - g * z0, gz = z0 + g * x0
                bx[i] += w * (gx - x0) + d * gz; bz[i] += w * (gz - z0) - d * gx
            case 2: // -y: ghost = (x0, y0 + g z0, z0 - g y0)
                let gy = y0 + g * z0, gz = z0 - g * y0
                by[i] += w * (gy - y0) - d * gz; bz[i] += w * (gz - z0) + d * gy
            default: // +y: ghost = (x0, y0 - g z0, z0 + g y0)
                let gy = y0 - g * z0, gz = z0 + g * y0
                by[i] += w * (gy - y0) + d * gz; bz[i] += w * (gz - z0) - d * gy
            }
        }
    }

    /// Indices into the ghost lists of the sides whose cell lies in `cells` (binary search; allocates nothing).
    private func ghostRange(_ cells: Range<Int>) -> Range<Int> {
        func firstIndex(atLeast cell: Int) -> Int {
            var lo = 0, hi = ghostCell.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if ghostCell[mid] < cell { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        return firstIndex(atLeast: cells.lowerBound) ..< firstIndex(atLeast: cells.upperBound)
    }
}
