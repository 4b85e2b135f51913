/// The demagnetising tensor as mumax3 approximates it (mumax3 `mag/demagkernel.go`; Vansteenkiste et al.,
/// AIP Advances 4, 107133 (2014), sec. II.B): the field of a uniformly magnetised source cell is that of the
/// surface charges +-M on its two faces normal to M, integrated by the midpoint rule, and averaged over the
/// target cell by the midpoint rule. Point counts follow the distance d between the closest points of the
/// two cells (d = the smallest cell side when they touch): n_k = round(max(c_k accuracy / d, 1)) target
/// points along axis k (c_k the cell side), twice that many charge points along each face axis (staggered
/// grids, mumax3's choice). mumax3's default accuracy is 6.
///
/// This is **not** exact: for the 3.90625 x 3.90625 x 3 nm cell of muMAG standard problem 4 it differs from
/// Newell's closed form (`DemagKernel`) by 6.2e-4 (relative) in the self term N_zz, 2.3e-3 at the nearest
/// neighbour and up to 8.5e-3 within five cells, 1e-5 at 60 cells (Tests/MicromagneticsTests/DemagTests.swift). It exists to reproduce mumax3 results
/// (docs/micromagnetics.md, "SP4 and the demag kernel"); `DemagKernel` (Newell) stays the default.
public enum FaceChargeDemagKernel {
    /// mumax3's default `DemagAccuracy`.
    public static let mumax3Accuracy = 6.0

    /// The six components (xx, yy, zz, xy, xz, yz) of N for target-minus-source centre offset
    /// (ix dx, iy dy, iz dz), same sign convention as `DemagKernel.tensor` (H = -N M).
    public static func tensor(_ ix: Int, _ iy: Int, _ iz: Int, dx: Double, dy: Double, dz: Double,
                              accuracy: Double = mumax3Accuracy) -> [Double] {
        let c = SIMD3(dx, dy, dz)
        let r = SIMD3(Double(ix) * dx, Double(iy) * dy, Double(iz) * dz)
        // Gap between the cells along each axis (0 when they touch or overlap).
        let g = SIMD3(Double(max(abs(ix) - 1, 0)), Double(max(abs(iy) - 1, 0)), Double(max(abs(iz) - 1, 0))) * c
        var d = (g * g).sum().squareRoot()
        if d == 0 { d = c.min() }
        let h = d / accuracy
        let n = SIMD3(Int(max(dx / h, 1) + 0.5), Int(max(dy / h, 1) + 0.5), Int(max(dz / h, 1) + 0.5))
        let cellStep = c / SIMD3(Double(n.x), Double(n.y), Double(n.z))
        let corner = r - c / 2 + cellStep / 2
        // k[s]: field (per unit M) of a source magnetised along s.
        var k = [SIMD3<Double>](repeating: .zero, count: 3)
        for s in 0..<3 {
            let v = (s + 1) % 3, w = (s + 2) % 3
            let nv = 2 * n[v], nw = 2 * n[w]
            let charge = c[v] * c[w] / Double(nv * nw * n.x * n.y * n.z) / (4 * Double.pi)
            var b = SIMD3<Double>.zero
            var plus = SIMD3<Double>.zero, minus = SIMD3<Double>.zero
            plus[s] = c[s] / 2; minus[s] = -c[s] / 2
            for a in 0..<nv {
                plus[v] = -c[v] / 2 + (Double(a) + 0.5) * c[v] / Double(nv); minus[v] = plus[v]
                for e in 0..<nw {
                    plus[w] = -c[w] / 2 + (Double(e) + 0.5) * c[w] / Double(nw); minus[w] = plus[w]
                    for px in 0..<n.x { for py in 0..<n.y { for pz in 0..<n.z {
                        let p = corner + SIMD3(Double(px), Double(py), Double(pz)) * cellStep
                        let q1 = p - plus, q2 = p - minus
                        let r1 = (q1 * q1).sum(), r2 = (q2 * q2).sum()
                        b += q1 / (r1 * r1.squareRoot()) - q2 / (r2 * r2.squareRoot())
                    } } }
                }
            }
            k[s] = charge * b
        }
        // N = -K (H = -N M); mumax3 keeps the upper triangle (source index <= field index).
        return [-k[0].x, -k[1].y, -k[2].z, -k[0].y, -k[0].z, -k[1].z]
    }
}
