import Foundation
import Numerics
import Micromagnetics
import ODE

/// Benchmark: muMAG standard problem 4, field 1 (Micromagnetics.StandardProblem4) on 128 x 32 x 1 cells.
///
/// Untimed: building the system (demag tensor, Newell by default, FFTW plans) and relaxing the S-state
/// with that tensor. Timed: the 1 ns
/// reversal under (-24.6, 4.3, 0) mT with Dormand-Prince 5(4), adaptive, rtol = atol = 1e-6 by default
/// (RMS error norm over the 3 n components of m; at these tolerances the steps are set by stability, so
/// looser tolerances do not save work), <m> sampled every 1 ps from the dense output for the zero crossing.
/// The peer is scripts/bench/sp4_peers.py (magnum.np 2.2, RKF45, rtol = atol = 1e-5).
public struct SP4Benchmark: Sendable {
    public var rtol = 1e-6
    public var atol = 1e-6
    /// Integrator: "dopri5" (adaptive, default), "tsit5" (adaptive) or "rk4" (fixed `step`).
    public var method = "dopri5"
    /// Fixed step of "rk4", seconds (its stability limit here is about 0.9 ps).
    public var step = 0.8e-12
    /// Timed repetitions of the reversal (the median is reported).
    public var repeats = 3
    public var nx = 128, ny = 32
    /// Demag tensor: "newell" (exact, default) or "mumax3" (`FaceChargeDemagKernel`, to compare with
    /// mumax3's <m>(1 ns) = (-0.9846124, 0.1260409, 0.0432712); docs/micromagnetics.md).
    public var kernel = "newell"
    /// Threads of the LLG system (cell loops and FFTW transforms; `LLGSystem.threads`).
    public var threads = 1

    public init(rtol: Double = 1e-6, atol: Double = 1e-6, repeats: Int = 3, method: String = "dopri5",
                step: Double = 0.8e-12, kernel: String = "newell") {
        self.rtol = rtol; self.atol = atol; self.repeats = max(1, repeats)
        self.method = method; self.step = step; self.kernel = kernel
    }

    /// The demag tensor for `kernel`; throws for an unknown name.
    func demagKernel() throws -> Demag.Kernel {
        switch kernel {
        case "newell": return .newell
        case "mumax3": return .mumax3()
        default: throw MicromagneticsError.integrationFailed(time: 0, reason: "unknown demag kernel \(kernel) (newell, mumax3)")
        }
    }

    /// The solver for `method`; throws for an unknown name.
    func solver() throws -> (ODESolver, String) {
        switch method {
        case "dopri5":
            return (ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: rtol, atol: atol)),
                    "Dormand-Prince 5(4) adaptive (SpinODE ODE engine)")
        case "tsit5":
            return (ODESolver(method: .tsitouras54, stepping: .adaptive(rtol: rtol, atol: atol)),
                    "Tsitouras 5(4) adaptive (SpinODE ODE engine)")
        case "rk4":
            return (ODESolver(method: .rk4, stepping: .fixed(step: step)), "RK4 fixed step \(step) s (SpinODE ODE engine)")
        default:
            throw MicromagneticsError.integrationFailed(time: 0, reason: "unknown method \(method) (dopri5, tsit5, rk4)")
        }
    }

    public struct Result: Codable, Sendable {
        public var benchmark = "sp4-field1"
        /// Threads of the LLG system.
        public var threads: Int
        public var cells: Int
        public var solver: String
        /// "newell" or "mumax3".
        public var demag_kernel: String
        public var rtol: Double
        public var atol: Double
        /// Median wall time of the timed reversal, seconds.
        public var wall_seconds: Double
        public var wall_seconds_all: [Double]
        /// Median CPU time of this process during the timed reversal, seconds (robust on a loaded machine).
        public var cpu_seconds: Double
        /// cells x RHS evaluations / median CPU seconds.
        public var cell_updates_per_cpu_second: Double
        public var rhs_evaluations: Int
        public var accepted_steps: Int
        public var rejected_steps: Int
        /// cells x RHS evaluations / median wall seconds.
        public var cell_updates_per_second: Double
        public var final_m: [Double]
        public var mx_zero_crossing_ns: Double?
        public var setup_seconds: Double
        public var relax_seconds: Double
        public var m_relaxed: [Double]
        public var published_final_m_mumax3 = [-0.9846, 0.1260, 0.0433]
        public var published_mx_zero_crossing_ns_oommf = 0.1385
    }

    public func run() throws -> Result {
        var setupTime = 0.0, relaxTime = 0.0
        var built: (Magnet, LLGSystem)? = nil
        let demagKernel = try self.demagKernel()
        setupTime = try Stopwatch.seconds { built = try StandardProblem4.system(nx: nx, ny: ny, demagKernel: demagKernel) }
        let (magnet, system) = built!
        system.threads = threads
        var s: [Double] = []
        relaxTime = try Stopwatch.seconds { s = try StandardProblem4.sState(magnet, system) }
        let relaxed = s.withUnsafeBufferPointer { system.averageMagnetisation($0.baseAddress!) }
        let (solver, solverName) = try self.solver()
        var walls: [Double] = [], cpus: [Double] = []
        var last: StandardProblem4.Reversal? = nil
        for _ in 0..<repeats {
            let c0 = CPUTime.processSeconds()
            let wall = try Stopwatch.seconds { last = try StandardProblem4.reverse(system, from: s, solver: solver) }
            cpus.append(CPUTime.processSeconds() - c0)
            walls.append(wall)
        }
        let cpu = Statistics.median(cpus)
        let r = last!
        let median = Statistics.median(walls)
        let cells = nx * ny
        return Result(threads: system.threads, cells: cells, solver: solverName, demag_kernel: kernel, rtol: rtol, atol: atol,
                      wall_seconds: median, wall_seconds_all: walls, cpu_seconds: cpu,
                      cell_updates_per_cpu_second: Double(cells * r.statistics.rhsEvaluations) / cpu,
                      rhs_evaluations: r.statistics.rhsEvaluations,
                      accepted_steps: r.statistics.acceptedSteps, rejected_steps: r.statistics.rejectedSteps,
                      cell_updates_per_second: Double(cells * r.statistics.rhsEvaluations) / median,
                      final_m: [r.finalM.x, r.finalM.y, r.finalM.z],
                      mx_zero_crossing_ns: r.zeroCrossing.map { $0 * 1e9 },
                      setup_seconds: setupTime, relax_seconds: relaxTime,
                      m_relaxed: [relaxed.x, relaxed.y, relaxed.z])
    }
}
