import Numerics

/// A seeded Voronoi grain structure in the xy plane (columnar grains through the thickness, as
/// mumax3's `ext_makegrains`), spreading material parameters grain by grain.
///
/// Grain seeds form a jittered grid: one seed uniformly placed in each `grainSize` x `grainSize` tile,
/// so grains have mean area grainSize^2; each cell belongs to the nearest seed. Each grain g draws
/// independent standard normals and sets Ku1 -> Ku1 (1 + kuSpread eta_g), Dind, Dbulk -> D (1 + dSpread
/// eta'_g), and tilts the anisotropy axis by an angle uniform in [0, maxTilt] radians about a random
/// direction perpendicular to it. Used for the paper's four-skyrmion device (Chen et al., Nat. Commun.
/// 13, 1016 (2022): 10 nm grains, 20% spread, tilt 0.2).
public struct VoronoiGrains: Sendable {
    /// Mean grain diameter (tile size) in metres.
    public var grainSize: Double
    /// Relative Gaussian spread of Ku1 (0.2 = 20%).
    public var kuSpread: Double
    /// Relative Gaussian spread of Dind and Dbulk.
    public var dSpread: Double
    /// Largest tilt of the anisotropy axis, radians.
    public var maxTilt: Double
    public var seed: UInt64

    public init(grainSize: Double, kuSpread: Double = 0, dSpread: Double = 0, maxTilt: Double = 0, seed: UInt64) {
        self.grainSize = grainSize; self.kuSpread = kuSpread; self.dSpread = dSpread
        self.maxTilt = maxTilt; self.seed = seed
    }

    /// Grain index of every cell (flat mesh index), grains numbered by tile.
    public func grainIndex(mesh: Mesh) -> [Int] {
        let (tx, ty, seeds) = seedPoints(mesh: mesh)
        var out = [Int](repeating: 0, count: mesh.cellCount)
        for iy in 0..<mesh.ny { for ix in 0..<mesh.nx {
            let c = mesh.centre(ix, iy, 0)
            let x = c.x + mesh.size.x / 2, y = c.y + mesh.size.y / 2
            let gx = Int(x / grainSize), gy = Int(y / grainSize)
            var best = 0, bestD = Double.infinity
            for jy in max(0, gy - 2)...min(ty - 1, gy + 2) { for jx in max(0, gx - 2)...min(tx - 1, gx + 2) {
                let s = seeds[jx + tx * jy]
                let d = (s.x - x) * (s.x - x) + (s.y - y) * (s.y - y)
                if d < bestD { bestD = d; best = jx + tx * jy }
            } }
            for iz in 0..<mesh.nz { out[mesh.index(ix, iy, iz)] = best }
        } }
        return out
    }

    private func seedPoints(mesh: Mesh) -> (Int, Int, [SIMD2<Double>]) {
        let tx = max(1, Int((mesh.size.x / grainSize).rounded(.up)))
        let ty = max(1, Int((mesh.size.y / grainSize).rounded(.up)))
        var rng = SeededRandom(seed: seed)
        var seeds = [SIMD2<Double>]()
        seeds.reserveCapacity(tx * ty)
        for jy in 0..<ty { for jx in 0..<tx {
            seeds.append(SIMD2((Double(jx) + rng.uniform()) * grainSize, (Double(jy) + rng.uniform()) * grainSize))
        } }
        return (tx, ty, seeds)
    }

    /// Applies the grain spreads to per-cell parameters.
    public func apply(to p: inout CellParameters, mesh: Mesh) {
        let grain = grainIndex(mesh: mesh)
        let nGrains = (grain.max() ?? 0) + 1
        var rng = SeededRandom(seed: seed ^ 0x5DEECE66D)
        var kuFactor = [Double](), dFactor = [Double](), tilt = [(Double, Double)]()
        for _ in 0..<nGrains {
            kuFactor.append(1 + kuSpread * rng.normal())
            dFactor.append(1 + dSpread * rng.normal())
            tilt.append((maxTilt * rng.uniform(), 2 * Double.pi * rng.uniform()))
        }
        for i in 0..<p.count where p.region[i] >= 0 {
            let g = grain[i]
            p.Ku1[i] *= kuFactor[g]
            p.Dind[i] *= dFactor[g]
            p.Dbulk[i] *= dFactor[g]
            let u = p.anisU[i]
            // Orthonormal frame (e1, e2) perpendicular to u.
            let helper = abs(u.x) < 0.9 ? SIMD3<Double>(1, 0, 0) : SIMD3<Double>(0, 1, 0)
            var e1 = helper - (helper * u).sum() * u
            e1 /= (e1 * e1).sum().squareRoot()
            let e2 = SIMD3(u.y * e1.z - u.z * e1.y, u.z * e1.x - u.x * e1.z, u.x * e1.y - u.y * e1.x)
            let (theta, phi) = tilt[g]
            p.anisU[i] = cos(theta) * u + sin(theta) * (cos(phi) * e1 + sin(phi) * e2)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
