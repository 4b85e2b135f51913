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
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
