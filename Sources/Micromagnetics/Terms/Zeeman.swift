/// Applied field B_ext(t) (tesla), uniform over the magnet (mumax3 `B_ext`), optionally time-dependent.
/// Energy E = -sum Ms V B . m (energy factor 1).
public final class Zeeman: LocalFieldTerm {
    public let name = "Zeeman"
    public let energyFactor = 1.0
    let n: Int
    /// 1 in magnetic cells, 0 in vacuum.
    let mask: CellBuffer
    /// The applied field in tesla as a function of time in seconds.
    public var field: @Sendable (Double) -> SIMD3<Double>

    public init(mesh: Mesh, parameters p: CellParameters, field: @escaping @Sendable (Double) -> SIMD3<Double>) {
        n = mesh.cellCount
        mask = CellBuffer(n)
        for i in 0..<n where p.Msat[i] > 0 { mask.p[i] = 1 }
        self.field = field
    }

    /// A constant applied field (tesla).
    public convenience init(mesh: Mesh, parameters p: CellParameters, constant: SIMD3<Double>) {
        self.init(mesh: mesh, parameters: p, field: { _ in constant })
    }

    public func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>) {
        addField(t: t, m: m, into: b, cells: 0 ..< n)
    }

    public func addField(t: Double, m: UnsafePointer<Double>, into b: UnsafeMutablePointer<Double>, cells: Range<Int>) {
        let f = field(t), n = self.n, w = mask.p
        for i in cells {
            b[i] += f.x * w[i]; b[n + i] += f.y * w[i]; b[2 * n + i] += f.z * w[i]
        }
    }
}
