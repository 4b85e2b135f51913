import Micromagnetics
import XCTest

/// `Demag.Precision.float32`: the convolution's transforms and product in single precision against the
/// Float64 convolution of the same tensor, on a thin film and on a three-layer block.
final class DemagPrecisionTests: XCTestCase {
    /// A non-uniform m (so every Fourier mode carries weight) on `mesh`, Ms 800 kA/m.
    func fields(_ mesh: Mesh, threads: Int = 1) throws -> (float64: [Double], float32: [Double]) {
        let magnet = try Magnet(mesh: mesh, material: Material(Msat: 800e3))
        let m = magnet.magnetisation { r in SIMD3(cos(r.x * 3e8), sin(r.y * 5e8 + r.z * 2e8), 0.4 + 0.3 * sin(r.x * 1e8)) }
        func field(_ precision: Demag.Precision) -> [Double] {
            let demag = Demag(mesh: mesh, parameters: magnet.cellParameters(), precision: precision)
            demag.setPartition(CellPartition(cellCount: mesh.cellCount, threads: threads))
            var b = [Double](repeating: 0, count: 3 * mesh.cellCount)
            demag.addField(t: 0, m: m, into: &b)
            return b
        }
        return (field(.float64), field(.float32))
    }

    /// Largest difference over the largest Float64 field component: Float32 round-off (about 1e-7 of
    /// the largest value passes through every transform stage), and not zero (the Float32 path ran).
    /// The threaded transform (2 shares) gives the same field to the same tolerance.
    func testFloat32FieldIsFloat64ToSinglePrecision() throws {
        // A film, a block, and two lines (the transform's copy paths for axes of one cell).
        let meshes = [try Mesh(nx: 32, ny: 16, nz: 1, dx: 2e-9, dy: 2e-9, dz: 1e-9),
                      try Mesh(nx: 12, ny: 8, nz: 3, dx: 3e-9, dy: 2e-9, dz: 2e-9),
                      try Mesh(nx: 64, ny: 1, nz: 1, dx: 2e-9, dy: 2e-9, dz: 2e-9),
                      try Mesh(nx: 1, ny: 1, nz: 24, dx: 2e-9, dy: 2e-9, dz: 2e-9)]
        for mesh in meshes {
            let (b64, b32) = try fields(mesh)
            let scale = b64.map(abs).max()!
            let difference = zip(b64, b32).map { abs($0 - $1) }.max()!
            print("demag float32 on \(mesh.nx)x\(mesh.ny)x\(mesh.nz): largest field \(scale) T, difference \(difference / scale) relative")
            XCTAssertGreaterThan(scale, 0.1)
            XCTAssertLessThan(difference, 2e-6 * scale)
            XCTAssertGreaterThan(difference, 1e-10 * scale, "float32 gave the Float64 field: the precision did not reach the transforms")
            let threaded = try fields(mesh, threads: 2).float32
            let split = zip(b64, threaded).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(split, 2e-6 * scale, "2 threads")
        }
    }

    /// A uniformly magnetised cube of 4^3 cells: the average field is -mu0 Ms / 3 on each axis in single
    /// precision too (the Newell identity of DemagTests, to Float32 round-off).
    func testFloat32CubeAveragesOneThird() throws {
        let mesh = try Mesh(nx: 4, ny: 4, nz: 4, dx: 2e-9, dy: 2e-9, dz: 2e-9)
        let ms = 8e5, mu0 = 4e-7 * Double.pi
        let magnet = try Magnet(mesh: mesh, material: Material(Msat: ms))
        let demag = Demag(mesh: mesh, parameters: magnet.cellParameters(), precision: .float32)
        for axis in 0..<3 {
            var u = SIMD3<Double>.zero
            u[axis] = 1
            var b = [Double](repeating: 0, count: 3 * mesh.cellCount)
            demag.addField(t: 0, m: magnet.uniform(u), into: &b)
            let n = mesh.cellCount
            let mean = (0..<n).reduce(0) { $0 + b[axis * n + $1] } / Double(n)
            XCTAssertEqual(mean, -mu0 * ms / 3, accuracy: 1e-6 * mu0 * ms)
        }
    }
}
