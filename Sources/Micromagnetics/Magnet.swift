/// The magnet: a mesh, a geometry (which cells hold material) and per-region materials, built from
/// plain values.
///
/// Cells outside the geometry are vacuum (region -1): their magnetisation stays zero and they take part
/// in no interaction (free boundaries). Regions 0...255 each carry a `Material`; optional Voronoi grains
/// (`VoronoiGrains`) spread Ku1 and D and tilt the anisotropy axis grain by grain.
///
/// ```swift
/// let mesh = try Mesh(size: 500e-9, 125e-9, 3e-9, cells: 128, 32, 1)
/// var magnet = try Magnet(mesh: mesh, material: .permalloySP4)                  // whole box, region 0
/// try magnet.setRegion(1, shape: .disk(diameter: 50e-9), material: other)      // a second material
/// magnet.setGeometry(.ellipse(500e-9, 125e-9))                                 // cut to an ellipse
/// ```
public struct Magnet: Sendable {
    public let mesh: Mesh
    /// Region of each cell (flat index as `Mesh.index`), -1 for vacuum.
    public private(set) var region: [Int16]
    /// Material of each region 0...255 (nil if the region is unused).
    public private(set) var materials: [Material?]
    /// Optional grain structure applied on top of the region materials.
    public var grains: VoronoiGrains?

    /// A magnet whose cells inside `shape` are region 0 of `material`, the rest vacuum.
    public init(mesh: Mesh, shape: Shape = .universe, material: Material) throws {
        try material.validate()
        self.mesh = mesh
        self.materials = [Material?](repeating: nil, count: 256)
        self.materials[0] = material
        self.region = [Int16](repeating: -1, count: mesh.cellCount)
        for iz in 0..<mesh.nz { for iy in 0..<mesh.ny { for ix in 0..<mesh.nx
            where shape.contains(mesh.centre(ix, iy, iz)) {
            region[mesh.index(ix, iy, iz)] = 0
        } } }
        if magneticCellCount == 0 { throw MicromagneticsError.emptyGeometry }
    }

    /// Assigns region `r` (0...255) with `material` to every cell whose centre lies in `shape`
    /// (vacuum cells inside the shape become magnetic).
    public mutating func setRegion(_ r: Int, shape: Shape, material: Material) throws {
        guard (0...255).contains(r) else { throw MicromagneticsError.invalidRegion(r, "regions are 0...255") }
        try material.validate()
        materials[r] = material
        for iz in 0..<mesh.nz { for iy in 0..<mesh.ny { for ix in 0..<mesh.nx
            where shape.contains(mesh.centre(ix, iy, iz)) {
            region[mesh.index(ix, iy, iz)] = Int16(r)
        } } }
    }

    /// Replaces the material of an existing region.
    public mutating func setMaterial(region r: Int, _ material: Material) throws {
        guard (0...255).contains(r) else { throw MicromagneticsError.invalidRegion(r, "regions are 0...255") }
        try material.validate()
        materials[r] = material
    }

    /// Turns every cell whose centre lies outside `shape` into vacuum (as mumax3 `SetGeometry`).
    public mutating func setGeometry(_ shape: Shape) {
        for iz in 0..<mesh.nz { for iy in 0..<mesh.ny { for ix in 0..<mesh.nx
            where !shape.contains(mesh.centre(ix, iy, iz)) {
            region[mesh.index(ix, iy, iz)] = -1
        } } }
    }

    /// Number of cells holding material.
    public var magneticCellCount: Int { region.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }

    /// Per-cell parameters with grains applied (planar arrays over all cells, zero in vacuum).
    public func cellParameters() -> CellParameters {
        var p = CellParameters(count: mesh.cellCount)
        for i in 0..<mesh.cellCount {
            let r = Int(region[i])
            guard r >= 0, let mat = materials[r] else { p.region[i] = -1; continue }
            p.region[i] = Int16(r)
            p.Msat[i] = mat.Msat; p.Aex[i] = mat.Aex; p.alpha[i] = mat.alpha; p.gamma[i] = mat.gamma
            p.Ku1[i] = mat.Ku1; p.Kc1[i] = mat.Kc1; p.Dind[i] = mat.Dind; p.Dbulk[i] = mat.Dbulk
            let u = mat.anisU / max((mat.anisU * mat.anisU).sum().squareRoot(), 1e-300)
            p.anisU[i] = u
            let c1 = mat.anisC1 / max((mat.anisC1 * mat.anisC1).sum().squareRoot(), 1e-300)
            var c2 = mat.anisC2 - (mat.anisC2 * c1).sum() * c1
            c2 /= max((c2 * c2).sum().squareRoot(), 1e-300)
            p.anisC1[i] = c1; p.anisC2[i] = c2
        }
        if let g = grains { g.apply(to: &p, mesh: mesh) }
        return p
    }
}

/// Per-cell material parameters (SI), the form the field terms consume. Vacuum cells hold zeros and
/// region -1.
public struct CellParameters: Sendable {
    public var region: [Int16]
    public var Msat, Aex, Ku1, Kc1, Dind, Dbulk, alpha, gamma: [Double]
    public var anisU, anisC1, anisC2: [SIMD3<Double>]

    public init(count n: Int) {
        region = [Int16](repeating: -1, count: n)
        Msat = [Double](repeating: 0, count: n)
        Aex = Msat; Ku1 = Msat; Kc1 = Msat; Dind = Msat; Dbulk = Msat; alpha = Msat; gamma = Msat
        anisU = [SIMD3<Double>](repeating: .zero, count: n)
        anisC1 = anisU; anisC2 = anisU
    }

    public var count: Int { Msat.count }
}
