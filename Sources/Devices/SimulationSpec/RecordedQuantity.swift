import Micromagnetics

/// A quantity that a micromagnetic run records at every output sample (`[output] quantities`).
///
/// - `mx`, `my`, `mz`: the average of one component of m over the magnet (mumax3 `m.comp(i).average()`),
///   dimensionless; `mz.region3` over the cells of region 3.
/// - `topological_charge`: the skyrmion number Q, Berg-Luescher lattice form as mumax3's
///   `ext_topologicalchargelattice` (`LLGSystem.topologicalCharge`), dimensionless. A disk's rim, tilted by
///   the DMI, adds a band of its own (about (1 - |m_z at the rim|) / 2), so a skyrmion in the paper's disk
///   reads about -0.93 rather than -1; its annihilation moves Q by 1.
/// - `skyrmion_radius`: sqrt(A / pi) of the core's area A (cells whose m_z is opposite to the magnet's
///   average; `LLGSystem.skyrmionRadius`), metres; 0 without a reversed core.
public enum RecordedQuantity: Equatable, Sendable {
    case magnetisation(component: Int, region: Int?)
    case topologicalCharge
    case skyrmionRadius

    /// What `[output] quantities` accepts, for error messages.
    public static let accepted = "mx, my, mz, mx.regionN, my.regionN, mz.regionN, topological_charge or skyrmion_radius"

    /// Parses "mx", "my", "mz", "mz.region3", "topological_charge" or "skyrmion_radius".
    public init?(_ name: String) {
        switch name {
        case "topological_charge": self = .topologicalCharge; return
        case "skyrmion_radius": self = .skyrmionRadius; return
        default: break
        }
        let parts = name.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let c = ["mx", "my", "mz"].firstIndex(of: parts[0]) else { return nil }
        if parts.count == 1 { self = .magnetisation(component: c, region: nil); return }
        guard parts[1].hasPrefix("region"), let r = Int(parts[1].dropFirst(6)), (0...255).contains(r) else { return nil }
        self = .magnetisation(component: c, region: r)
    }

    /// SI unit of the recorded values ("" for dimensionless).
    public var unit: String {
        if case .skyrmionRadius = self { return "m" }
        return ""
    }

    /// The region this quantity averages over, if any.
    public var region: Int? {
        if case .magnetisation(_, let r) = self { return r }
        return nil
    }

    /// Its value on state m of `system`.
    public func value(_ system: LLGSystem, _ m: UnsafePointer<Double>) -> Double {
        switch self {
        case .magnetisation(let c, let r): return system.averageMagnetisation(m, region: r)[c]
        case .topologicalCharge: return system.topologicalCharge(m)
        case .skyrmionRadius: return system.skyrmionRadius(m)
        }
    }
}
