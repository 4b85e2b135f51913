/// Errors of the micromagnetic solver. Each reads as one line with the offending value.
public enum MicromagneticsError: Error, CustomStringConvertible, Equatable {
    /// A mesh with non-positive cell counts or sizes.
    case invalidMesh(String)
    /// A material parameter out of its physical range (name, value, reason).
    case invalidMaterial(parameter: String, value: Double, reason: String)
    /// A region index outside 0...255 or a region without a material.
    case invalidRegion(Int, String)
    /// The geometry holds no magnetic cell.
    case emptyGeometry
    /// A state buffer of the wrong length (expected, got).
    case stateSize(expected: Int, got: Int)
    /// An iteration (relax, minimize) did not converge (method, iterations, last residual).
    case notConverged(method: String, iterations: Int, residual: Double)
    /// The time integration failed (time in s, reason).
    case integrationFailed(time: Double, reason: String)
    /// |m| of a magnetic cell left 1 by more than the tolerance before renormalisation (time in s, flat
    /// cell index and its (ix, iy, iz), |m|, tolerance): the integration diverged or its step is too large.
    case normDrift(time: Double, cell: Int, position: SIMD3<Int>, norm: Double, tolerance: Double)

    public var description: String {
        switch self {
        case .invalidMesh(let s): return "invalid mesh: \(s)"
        case let .invalidMaterial(p, v, r): return "invalid material parameter \(p) = \(v): \(r)"
        case let .invalidRegion(r, s): return "invalid region \(r): \(s)"
        case .emptyGeometry: return "the geometry contains no magnetic cell"
        case let .stateSize(e, g): return "magnetisation buffer holds \(g) values, expected \(e) (3 x cells)"
        case let .notConverged(m, i, r): return "\(m) did not converge in \(i) iterations (last residual \(r))"
        case let .integrationFailed(t, r): return "time integration failed at t = \(t) s: \(r)"
        case let .normDrift(t, _, p, norm, tol):
            let what = norm.isFinite ? "drifted to |m| = \(norm)" : "became non-finite (|m| = \(norm))"
            return "the integration diverged at t = \(t) s: m in cell (\(p.x), \(p.y), \(p.z)) \(what), beyond "
                + "the tolerance ||m| - 1| <= \(tol); use a smaller step or tighter tolerances"
        }
    }
}
