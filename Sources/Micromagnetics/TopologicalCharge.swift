import Foundation

/// Topological observables of a thin-film state: the skyrmion number and the size of a skyrmion's core.
extension LLGSystem {
    /// Topological charge (skyrmion number) of state m, the lattice definition of Berg and Luescher,
    /// Nucl. Phys. B 190, 412 (1981), as mumax3 computes it for `ext_topologicalchargelattice`
    /// (cuda/topologicalchargelattice.cu; after Boettcher et al., New J. Phys. 20, 103014 (2018)):
    ///
    ///     Q = 1 / (4 pi nz) sum_cells sum_triangles w Omega(m0, ma, mb),
    ///     Omega(mi, mj, mk) = 2 atan2(mi . (mj x mk), 1 + mi.mj + mi.mk + mj.mk),
    ///
    /// the signed solid angle of the spherical triangle spanned by a cell and two of its in-plane
    /// neighbours, over the four triangles (+x, +y), (+y, -x), (-x, -y), (-y, +x) of every cell whose
    /// neighbours lie inside the mesh. w = 1/2 when the cell diagonally opposite across the triangle is
    /// magnetic (the triangle is then also counted from the other side of the unit square), 1 when it is
    /// not. Cells outside the magnet count as m = 0 (their triangles add nothing). Each layer is summed and
    /// the layers averaged (the 1/nz). For a state that is uniform along the mesh border Q is an integer up
    /// to round-off: -1 for a skyrmion with its core down in a +z background, in either helicity.
    /// (mumax3's `ext_topologicalcharge` is the finite-difference integral (1/4 pi) int m . (dm/dx x dm/dy)
    /// dx dy; the lattice form needs no derivatives and stays exact for sharp textures.)
    public func topologicalCharge(_ m: UnsafePointer<Double>) -> Double {
        let nx = mesh.nx, ny = mesh.ny, nz = mesh.nz, n = cellCount
        let region = parameters.region
        func spin(_ i: Int) -> SIMD3<Double> { region[i] >= 0 ? SIMD3(m[i], m[n + i], m[2 * n + i]) : .zero }
        func magnetic(_ i: Int) -> Bool { region[i] >= 0 }
        func solidAngle(_ a: SIMD3<Double>, _ b: SIMD3<Double>, _ c: SIMD3<Double>) -> Double {
            let numerator = (a * SIMD3(b.y * c.z - b.z * c.y, b.z * c.x - b.x * c.z, b.x * c.y - b.y * c.x)).sum()
            let denominator = 1 + (a * b).sum() + (a * c).sum() + (b * c).sum()
            return 2 * atan2(numerator, denominator)
        }
        // The four quadrants in counter-clockwise order: (dx, dy) of the first and second neighbour.
        let quadrants: [((Int, Int), (Int, Int))] = [((1, 0), (0, 1)), ((0, 1), (-1, 0)), ((-1, 0), (0, -1)), ((0, -1), (1, 0))]
        var total = 0.0
        for iz in 0..<nz {
            for iy in 0..<ny {
                for ix in 0..<nx {
                    let i0 = mesh.index(ix, iy, iz)
                    guard magnetic(i0) else { continue }
                    let m0 = spin(i0)
                    for (a, b) in quadrants {
                        let ox = a.0 + b.0, oy = a.1 + b.1   // the diagonal cell across the triangle
                        guard (0..<nx).contains(ix + ox), (0..<ny).contains(iy + oy) else { continue }
                        let weight = magnetic(mesh.index(ix + ox, iy + oy, iz)) ? 0.5 : 1.0
                        total += weight * solidAngle(m0, spin(mesh.index(ix + a.0, iy + a.1, iz)),
                                                     spin(mesh.index(ix + b.0, iy + b.1, iz)))
                    }
                }
            }
        }
        return total / (4 * Double.pi * Double(nz))
    }

    /// Area of a skyrmion's core in m^2: the magnetic cells whose m_z has the sign opposite to their
    /// layer's average m_z (the background's), times dx dy, averaged over the layers. 0 when no cell is
    /// reversed (the skyrmion is gone, or the state is uniform).
    public func skyrmionCoreArea(_ m: UnsafePointer<Double>) -> Double {
        let n = cellCount, layer = mesh.nx * mesh.ny
        var reversed = 0
        for iz in 0..<mesh.nz {
            let cells = (iz * layer)..<((iz + 1) * layer)
            var sum = 0.0
            for i in cells where parameters.region[i] >= 0 { sum += m[2 * n + i] }
            guard sum != 0 else { continue }
            for i in cells where parameters.region[i] >= 0 && m[2 * n + i] * sum < 0 { reversed += 1 }
        }
        return Double(reversed) * mesh.dx * mesh.dy / Double(mesh.nz)
    }

    /// Radius of the circle with the core's area, sqrt(A / pi) in metres (`skyrmionCoreArea`).
    public func skyrmionRadius(_ m: UnsafePointer<Double>) -> Double {
        (skyrmionCoreArea(m) / Double.pi).squareRoot()
    }
}
