/// A regular finite-difference grid of nx x ny x nz rectangular cells of size dx x dy x dz (metres).
///
/// Cell (ix, iy, iz) has flat index `ix + nx * (iy + ny * iz)` (x fastest, as mumax3 and OOMMF).
/// Coordinates follow mumax3: the origin is the centre of the mesh, so cell centres sit at
/// x = (ix + 1/2) dx - nx dx / 2 (and likewise in y and z).
public struct Mesh: Sendable, Equatable {
    public let nx: Int, ny: Int, nz: Int
    /// Cell sizes in metres.
    public let dx: Double, dy: Double, dz: Double

    /// A mesh of nx x ny x nz cells of dx x dy x dz metres. Throws on non-positive counts or sizes.
    public init(nx: Int, ny: Int, nz: Int, dx: Double, dy: Double, dz: Double) throws {
        guard nx > 0, ny > 0, nz > 0 else {
            throw MicromagneticsError.invalidMesh("cell counts must be positive, got \(nx) x \(ny) x \(nz)")
        }
        guard dx > 0, dy > 0, dz > 0, dx.isFinite, dy.isFinite, dz.isFinite else {
            throw MicromagneticsError.invalidMesh("cell sizes must be positive metres, got \(dx) x \(dy) x \(dz)")
        }
        self.nx = nx; self.ny = ny; self.nz = nz
        self.dx = dx; self.dy = dy; self.dz = dz
    }

    /// A mesh covering a box of sizeX x sizeY x sizeZ metres with the given cell counts.
    public init(size sizeX: Double, _ sizeY: Double, _ sizeZ: Double, cells nx: Int, _ ny: Int, _ nz: Int) throws {
        try self.init(nx: nx, ny: ny, nz: nz, dx: sizeX / Double(max(nx, 1)), dy: sizeY / Double(max(ny, 1)),
                      dz: sizeZ / Double(max(nz, 1)))
    }

    /// Number of cells nx ny nz.
    @inlinable public var cellCount: Int { nx * ny * nz }
    /// Cell volume dx dy dz in m^3.
    @inlinable public var cellVolume: Double { dx * dy * dz }
    /// Flat index of cell (ix, iy, iz).
    @inlinable public func index(_ ix: Int, _ iy: Int, _ iz: Int) -> Int { ix + nx * (iy + ny * iz) }

    /// Centre of cell (ix, iy, iz) in metres, origin at the mesh centre.
    @inlinable public func centre(_ ix: Int, _ iy: Int, _ iz: Int) -> SIMD3<Double> {
        SIMD3((Double(ix) + 0.5) * dx - Double(nx) * dx / 2,
              (Double(iy) + 0.5) * dy - Double(ny) * dy / 2,
              (Double(iz) + 0.5) * dz - Double(nz) * dz / 2)
    }

    /// Total extent of the mesh in metres.
    public var size: SIMD3<Double> { SIMD3(Double(nx) * dx, Double(ny) * dy, Double(nz) * dz) }
}
