/// Initial magnetisation states, planar (see `LLGSystem`), unit length in magnetic cells, zero in vacuum.
extension Magnet {
    /// m(r) = f(r) / |f(r)| at every magnetic cell centre r (metres, origin at the mesh centre).
    public func magnetisation(_ f: (SIMD3<Double>) -> SIMD3<Double>) -> [Double] {
        let n = mesh.cellCount
        var m = [Double](repeating: 0, count: 3 * n)
        for iz in 0..<mesh.nz { for iy in 0..<mesh.ny { for ix in 0..<mesh.nx {
            let i = mesh.index(ix, iy, iz)
            guard region[i] >= 0 else { continue }
            let v = f(mesh.centre(ix, iy, iz))
            let r = (v * v).sum().squareRoot()
            guard r > 0 else { continue }
            m[i] = v.x / r; m[n + i] = v.y / r; m[2 * n + i] = v.z / r
        } } }
        return m
    }

    /// Uniform magnetisation along `direction` (normalised), as mumax3 `Uniform(x, y, z)`.
    public func uniform(_ direction: SIMD3<Double>) -> [Double] { magnetisation { _ in direction } }

    /// A Neel skyrmion of radius `radius` (metres) centred at `centre`: core m_z = `core` (+1 or -1), the
    /// background opposite, with a 360-degree-free domain-wall profile of width `wallWidth` (metres):
    /// theta(r) = 2 atan(exp((r - radius) / wallWidth)) from the core to the background, radial in-plane
    /// component (Neel, as interfacial DMI favours). As mumax3 `NeelSkyrmion(charge, pol)` up to the profile.
    public func neelSkyrmion(centre: SIMD2<Double> = .zero, radius: Double, wallWidth: Double,
                             core: Double = 1) -> [Double] {
        neelSkyrmions(centres: [centre], radius: radius, wallWidth: wallWidth, core: core)
    }

    /// Several Neel skyrmions of the same radius, wall width and core (each cell takes the profile of the
    /// nearest centre), e.g. the paper's four skyrmions 30 nm off the centre of a 120 nm disk
    /// (Chen et al., Nat. Commun. 13, 1016 (2022)).
    public func neelSkyrmions(centres: [SIMD2<Double>], radius: Double, wallWidth: Double,
                              core: Double = 1) -> [Double] {
        magnetisation { p in
            let centre = centres.min { a, b in
                (a.x - p.x) * (a.x - p.x) + (a.y - p.y) * (a.y - p.y) < (b.x - p.x) * (b.x - p.x) + (b.y - p.y) * (b.y - p.y)
            } ?? .zero
            let dx = p.x - centre.x, dy = p.y - centre.y
            let r = (dx * dx + dy * dy).squareRoot()
            let theta = 2 * atan(exp((r - radius) / wallWidth))
            let phi = atan2(dy, dx)
            return SIMD3(sin(theta) * cos(phi), sin(theta) * sin(phi), core * cos(theta))
        }
    }
    /// mumax3's `NeelSkyrmion(charge, pol)` (engine/config.go), optionally `.transl`ated to `centre` and set
    /// only inside `circle(diameter)` around it (`m.setInShape(circle(D), NeelSkyrmion(charge, pol))`):
    /// with w = 8 dx (the cell size along x, as mumax3) and (x, y) the cell centre relative to `centre`
    /// (metres, mesh origin at its centre as in mumax3), r^2 = x^2 + y^2,
    ///   m_z = 2 pol (exp(-r^2 / w^2) - 1/2),  (m_x, m_y) = charge (x, y) / r (1 - |m_z|),
    /// normalised; (0, 0, pol) at r = 0 (mumax3's noNaN). Cells outside the circle, x^2 + y^2 > D^2 / 4
    /// (mumax3's Cylinder test), take `background`. `charge` and `pol` are +1 or -1.
    public func mumaxNeelSkyrmion(charge: Double, polarisation pol: Double, centre: SIMD2<Double> = .zero,
                                  diameter: Double? = nil, background: SIMD3<Double>) -> [Double] {
        let w2 = 64 * mesh.dx * mesh.dx
        return magnetisation { p in
            let x = p.x - centre.x, y = p.y - centre.y
            let r2 = x * x + y * y
            if let d = diameter, r2 / (d * d) > 0.25 { return background }
            guard r2 > 0 else { return SIMD3(0, 0, pol) }
            let r = r2.squareRoot()
            let mz = 2 * pol * (exp(-r2 / w2) - 0.5)
            let inPlane = charge / r * (1 - abs(mz))
            return SIMD3(x * inPlane, y * inPlane, mz)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
