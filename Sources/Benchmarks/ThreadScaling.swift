import Foundation
import Numerics
import Micromagnetics
import ODE

/// Speed-up of the threaded micromagnetic solver (`LLGSystem.threads`): wall time of fixed-step RK4
/// integrations of two problems for each thread count, the counts interleaved round by round (1, 2, 1,
/// 2, ...) so that a shared machine's changing load falls on all counts alike; medians per count.
///
/// Problems:
/// - "skyrmion-disk": Datasets/specs/skyrmion-disk.toml's magnet (80 nm disk on 80 x 80 x 1 cells of
///   1 nm; Ms 580 kA/m, A 15 pJ/m, Ku 0.8 MJ/m^3, Dind 3.5 mJ/m^2, demag, alpha 0.01), a Neel skyrmion,
///   RK4 at the spec's 25 fs. Reported as wall seconds per simulated ns.
/// - "sp4": muMAG standard problem 4 (128 x 32 x 1 cells, exchange, demag, field 1), from m = (1, 0.1,
///   0) unrelaxed, RK4 at 0.8 ps (bench sp4 --method rk4). Reported as seconds per simulated ns too.
/// With several `precisions` (the demag transforms' `Demag.Precision`) every (precision, thread count)
/// pair runs in each round, precisions outer; the speed-up is over the first pair. With several `splits`
/// (`Demag.ThreadSplit`; nil: the solver's own choice) every thread count above one runs once per split.
/// Each run also returns its final state, and every count must give the same <m_z> to 1e-9 within a
/// precision (the threaded runs agree to round-off), and to 1e-6 across precisions (a larger gap would
/// mean a wrong result, not a slow one).
public struct ThreadScalingBenchmark: Sendable {
    public var threads: [Int] = [1, 2]
    public var precisions: [Demag.Precision] = [.float64]
    public var splits: [Demag.ThreadSplit?] = [nil]
    public var rounds = 5
    /// Simulated time per timed run, seconds, per problem.
    public var skyrmionDuration = 2.5e-12
    public var sp4Duration = 40e-12
    public init() {}

    public struct Row: Codable, Sendable {
        public var problem: String
        public var cells: Int
        public var threads: Int
        /// The demag transforms' precision, "float64" or "float32".
        public var demag_precision: String
        /// How the demag convolution was shared among the threads ("shares" or "components";
        /// "none" on one thread).
        public var demag_split: String
        public var step_s: Double
        public var simulated_s: Double
        /// Median wall time of a run, seconds, and all of them in round order.
        public var median_wall_s: Double
        public var wall_s: [Double]
        /// median_wall_s scaled to one simulated ns.
        public var wall_s_per_simulated_ns: Double
        /// Median wall time of the first (precision, thread count) over this one's.
        public var speedup: Double
        public var final_mz: Double
    }

    public struct Report: Codable, Sendable {
        public var benchmark = "threads"
        public var rounds: Int
        /// 1-minute load average before and after the measurement.
        public var load_average_before: Double
        public var load_average_after: Double
        public var rows: [Row]
    }

    func problems(_ precision: Demag.Precision) throws -> [(name: String, system: LLGSystem, m: [Double], step: Double, duration: Double)] {
        let mesh = try Mesh(nx: 80, ny: 80, nz: 1, dx: 1e-9, dy: 1e-9, dz: 1e-9)
        let material = Material(Msat: 580e3, Aex: 15e-12, Ku1: 0.8e6, anisU: SIMD3(0, 0, 1), Dind: 3.5e-3, alpha: 0.01)
        let disk = try Magnet(mesh: mesh, shape: .disk(diameter: 80e-9), material: material)
        let skyrmion = LLGSystem(magnet: disk, demag: true, demagPrecision: precision)
        let (film, sp4) = try StandardProblem4.system(demagPrecision: precision)
        sp4.term(Zeeman.self)?.field = { _ in StandardProblem4.field1 }
        return [("skyrmion-disk", skyrmion, disk.neelSkyrmion(radius: 20e-9, wallWidth: 3e-9, core: -1), 25e-15, skyrmionDuration),
                ("sp4", sp4, film.uniform(SIMD3(1, 0.1, 0)), 0.8e-12, sp4Duration)]
    }

    public func run() throws -> Report {
        let before = ThreadScalingBenchmark.loadAverage()
        var rows: [Row] = []
        let systems = try precisions.map { try problems($0) }
        let pairs = precisions.indices.flatMap { p in
            threads.flatMap { t in (t == 1 ? [nil] : splits).map { (p, t, $0) } }
        }
        for problem in systems[0].indices {
            let first = systems[0][problem]
            var walls = [[Double]](repeating: [], count: pairs.count)
            var finals = [Double](repeating: 0, count: pairs.count)
            let solver = ODESolver(method: .rk4, stepping: .fixed(step: first.step))
            let n = first.system.cellCount
            var used = [String](repeating: "none", count: pairs.count)
            for round in 0...rounds {
                for (k, (precision, t, split)) in pairs.enumerated() {
                    let p = systems[precision][problem]
                    p.system.threads = t
                    if let demag = p.system.term(Demag.self) {
                        demag.preferredSplit = split
                        if t > 1 { used[k] = demag.threadSplit.rawValue }
                    }
                    var m = p.m
                    let start = ContinuousClock.now
                    try p.system.run(&m, from: 0, to: p.duration, solver: solver)
                    let wall = Stopwatch.seconds(ContinuousClock.now - start)
                    if round > 0 { walls[k].append(wall) }   // round 0 warms caches and plans
                    finals[k] = m[(2 * n)..<(3 * n)].reduce(0, +) / Double(n)
                }
            }
            let medians = walls.map { $0.sorted()[$0.count / 2] }
            for (k, (precision, t, _)) in pairs.enumerated() {
                let reference = pairs.firstIndex { $0.0 == precision }!
                let tolerance = precision == pairs[0].0 ? 1e-9 : 1e-6
                guard abs(finals[k] - finals[reference]) <= 1e-9, abs(finals[k] - finals[0]) <= tolerance else {
                    throw MicromagneticsError.integrationFailed(time: first.duration, reason:
                        "\(precisions[precision].rawValue) demag on \(t) threads gives <m_z> \(finals[k]), the first run \(finals[0])")
                }
                rows.append(Row(problem: first.name, cells: n, threads: t, demag_precision: precisions[precision].rawValue,
                                demag_split: used[k],
                                step_s: first.step, simulated_s: first.duration,
                                median_wall_s: medians[k], wall_s: walls[k],
                                wall_s_per_simulated_ns: medians[k] / first.duration * 1e-9,
                                speedup: medians[0] / medians[k], final_mz: finals[k]))
            }
        }
        return Report(rounds: rounds, load_average_before: before, load_average_after: ThreadScalingBenchmark.loadAverage(), rows: rows)
    }

    /// Precisions from a comma-separated list of their names ("float64,float32"); nil if a name is unknown,
    /// repeated or the list is empty.
    public static func precisions(_ list: String) -> [Demag.Precision]? {
        let parts = list.split(separator: ",").map { Demag.Precision(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }), Set(parts.map { $0! }).count == parts.count else { return nil }
        return parts.map { $0! }
    }

    /// Splits from a comma-separated list of `Demag.ThreadSplit` names or "auto" (the solver's choice);
    /// nil if a name is unknown, repeated or the list is empty.
    public static func splits(_ list: String) -> [Demag.ThreadSplit?]? {
        let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty, Set(names).count == names.count,
              names.allSatisfy({ $0 == "auto" || Demag.ThreadSplit(rawValue: $0) != nil }) else { return nil }
        return names.map { $0 == "auto" ? nil : Demag.ThreadSplit(rawValue: $0) }
    }

    /// The 1-minute load average (/proc/loadavg; 0 if unreadable).
    static func loadAverage() -> Double {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return Double(text.split(separator: " ").first ?? "") ?? 0
    }
}
