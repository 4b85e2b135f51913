import Numerics
import NeuralNet
import ODE
import Surrogate
#if canImport(Glibc)
import Glibc
#endif
#if canImport(Dispatch)
import Dispatch
#endif

/// `spinode bench surrogate-rk4`: the paper-sized surrogate run free (Chen et al., Nat. Commun. 13,
/// 1016 (2022)): delay-embedded state of 2, MLP 4-50-50-2 (tanh, tanh, identity), inputs
/// [y_0, y_1, u(t), u(t + dt)], Float64, fixed-step RK4 with d_tau = 0.025 over a zero-order-hold input,
/// one RK4 step per sample; every stage of step n sees [u_n, u_{n+1}].
///
/// Two problem definitions:
/// - `seeded` (default): N(0, 0.1) weights (the paper's initialisation) from `seed`, inputs uniform in
///   [-1, 1) from `seed + 1000`, classical RK4; batch member b starts at (0.1 + 0.01 b, -0.2).
/// - `peer`: the definition of scripts/bench/surrogate_rk4_peers.py (torchdiffeq, torch and numpy
///   loops), so figures and final states compare one to one: W_l[i][j] = sin(0.37 (i+1) + 0.71 (j+1) + l)
///   / sqrt(fan-in), b_l[i] = 0.1 cos(0.5 (i+1) + l), u_n = 2 frac((n + 1 + 1000 b) 0.6180339887498949) - 1,
///   y_b(0) = (0.1 sin(b + 1), 0.1 cos(b + 1)), Kutta's 3/8 rule (torchdiffeq `rk4`), and the batched run
///   has as many steps as the batch-1 run.
///
/// Measured: the fused `FastRK4Kernel` at batch 1 and for `batch` independent sequences (1 and 2
/// threads); for comparison the unfused path (`NeuralVectorField` + a plain RK4 loop) with the direct
/// SIMD kernel at batch 1 and with OpenBLAS dgemm (1 and 2 OpenBLAS threads) for the batch; and one MLP
/// forward pass through dgemm and through the direct kernel at several batch sizes. Each figure is the
/// median of `repeats` timed runs after one warm-up run. FLOP counts are nominal MLP flops:
/// 2 (4 x 50 + 50 x 50 + 50 x 2) = 5,600 per evaluation per member, 4 evaluations per step (the
/// kernel's zero padding and the RK4 vector arithmetic are not counted).
public enum SurrogateRK4Benchmark {
    public enum Problem: String, Sendable, CaseIterable {
        case seeded
        case peer
    }

    public struct Configuration: Sendable {
        public var problem = Problem.seeded
        public var samples = 200_000
        public var batch = 64
        /// Steps per sequence in the batched runs (the `peer` problem uses `samples`).
        public var batchedSteps = 20_000
        /// Steps of the (slow) unfused reference runs.
        public var referenceSteps = 20_000
        public var repeats = 5
        public var seed: UInt64 = 1
        public var stepSize = 0.025
        /// The fused kernel's network arithmetic (`FastRK4Kernel.precision`; the unfused paths stay Float64).
        public var precision = TrainingPrecision.float64
        public init() {}
    }

    public struct ForwardTiming: Codable, Sendable {
        public var batch: Int
        public var blas_ns: Double
        public var direct_ns: Double
    }

    public struct Result: Codable, Sendable {
        public var problem: String
        public var integrator: String
        /// The fused kernel's network arithmetic: "float64" or "float32" (state and RK4 stages Float64).
        public var precision: String
        public var samples: Int
        public var batch: Int
        public var batched_steps_per_sequence: Int
        public var repeats: Int
        public var step_size: Double
        public var flops_per_step_per_member: Double
        /// Fused kernel, batch 1, steps per wall-clock second.
        public var steps_per_second: Double
        public var gflops: Double
        /// Best fused batched variant, sequence-steps per wall-clock second.
        public var batched_steps_per_second: Double
        public var batched_gflops: Double
        public var batched_variant: String
        public var fused_batched_1thread_steps_per_second: Double
        public var fused_batched_2thread_steps_per_second: Double
        /// Per CPU-second of the running thread (what one core delivers, whatever else the machine runs).
        public var steps_per_cpu_second: Double
        public var fused_batched_1thread_steps_per_cpu_second: Double
        public var fused_batched_1thread_gflops_per_cpu_second: Double
        public var blas_batched_1thread_steps_per_second: Double
        public var blas_batched_2thread_steps_per_second: Double
        public var unfused_batch1_steps_per_second: Double
        /// One `MLP.forward` of the network: nanoseconds per call at several batch sizes, through dgemm
        /// and through the direct SIMD kernel (calibrates `MLP.directPathLimit`).
        public var mlp_forward: [ForwardTiming]
        /// tanh cost in nanoseconds per value over 4,096 arguments in [-3, 3]: `VectorTanh.apply`
        /// (SIMD8) and Glibc's scalar tanh.
        public var tanh_vector_ns_per_value: Double
        public var tanh_libm_ns_per_value: Double
        /// 1-minute load average when the run ended (/proc/loadavg; 0 where unavailable): the machine
        /// is shared, and wall-clock rates drop when the load exceeds the core count.
        public var load_average_1min: Double
        /// Final state of the batch-1 run (checksum; `peer`: compare with `final_state_batch1`).
        public var final_state: [Double]
        /// Final state of member 0 of the batched run (`peer`: compare with `final_state_batched_first`).
        public var batched_final_state_first: [Double]
        /// Sum of all final states of the batched run (checksum).
        public var batched_final_state_sum: Double
        /// max |fused - unfused| over the final states of a batch-1 run of `referenceSteps` steps (with
        /// `precision` float32: the Float32 network against the Float64 one).
        public var fused_vs_unfused_max_difference: Double
    }

    /// First field of /proc/loadavg (the 1-minute load average), 0 where unavailable.
    static func loadAverage() -> Double {
        guard let f = fopen("/proc/loadavg", "r") else { return 0 }
        defer { fclose(f) }
        var buf = [CChar](repeating: 0, count: 64)
        guard fgets(&buf, 64, f) != nil else { return 0 }
        let text = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.split(separator: " ").first.flatMap { Double($0) } ?? 0
    }

    /// Median (wall seconds, thread-CPU seconds) of `repeats` runs of `body` after one warm-up run.
    static func time(repeats: Int, _ body: () -> Void) -> (wall: Double, cpu: Double) {
        body()
        var wall = [Double](), cpu = [Double]()
        for _ in 0..<repeats {
            let watch = Stopwatch(), c0 = CPUTime.threadSeconds()
            body()
            cpu.append(CPUTime.threadSeconds() - c0)
            wall.append(watch.elapsedSeconds)
        }
        return (Statistics.median(wall), Statistics.median(cpu))
    }

    /// A plain RK4 loop (classical or 3/8) over `f`, the step index handed to `setStep` first.
    static func plainRK4(field f: NeuralVectorField, steps: Int, h: Double, rule: FastRK4Kernel.Rule,
                         y: UnsafeMutablePointer<Double>, setStep: (Int) -> Void) {
        let d = f.dimension
        let k = UnsafeMutablePointer<Double>.allocate(capacity: 5 * d)
        defer { k.deallocate() }
        let k1 = k, k2 = k + d, k3 = k + 2 * d, k4 = k + 3 * d, tmp = k + 4 * d
        var t = 0.0
        for s in 0..<steps {
            setStep(s)
            f.evaluate(t: t, y: y, dydt: k1)
            if rule == .classical {
                for i in 0..<d { tmp[i] = y[i] + 0.5 * h * k1[i] }
                f.evaluate(t: t + 0.5 * h, y: tmp, dydt: k2)
                for i in 0..<d { tmp[i] = y[i] + 0.5 * h * k2[i] }
                f.evaluate(t: t + 0.5 * h, y: tmp, dydt: k3)
                for i in 0..<d { tmp[i] = y[i] + h * k3[i] }
                f.evaluate(t: t + h, y: tmp, dydt: k4)
                for i in 0..<d { y[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) }
            } else {
                for i in 0..<d { tmp[i] = y[i] + h / 3 * k1[i] }
                f.evaluate(t: t + h / 3, y: tmp, dydt: k2)
                for i in 0..<d { tmp[i] = y[i] + h * (k2[i] - k1[i] / 3) }
                f.evaluate(t: t + 2 * h / 3, y: tmp, dydt: k3)
                for i in 0..<d { tmp[i] = y[i] + h * (k1[i] - k2[i] + k3[i]) }
                f.evaluate(t: t + h, y: tmp, dydt: k4)
                for i in 0..<d { y[i] += (k1[i] + 3 * (k2[i] + k3[i]) + k4[i]) * (h * 0.125) }
            }
            t += h
        }
    }

    /// The network, inputs ([member][step], `length` per member) and initial states of a problem.
    static func setUp(_ c: Configuration, batch: Int, length: Int) throws -> (mlp: MLP, u: [Double], y0: [Double]) {
        let widths = [4, 50, 50, 2]
        var u = [Double](), y0 = [Double]()
        u.reserveCapacity(batch * length)
        switch c.problem {
        case .seeded:
            let mlp = try MLP(widths: widths, activations: [.tanh, .tanh, .identity], initialisation: .paper, seed: c.seed)
            var rng = SeededRandom(seed: c.seed &+ 1000)
            for _ in 0..<(batch * length) { u.append(rng.uniform(-1, 1)) }
            for b in 0..<batch { y0.append(0.1 + 0.01 * Double(b)); y0.append(-0.2) }
            return (mlp, u, y0)
        case .peer:
            var mlp = try MLP(widths: widths, activations: [.tanh, .tanh, .identity])
            for l in 1...3 {
                let m = widths[l - 1], n = widths[l]
                try mlp.setWeight(layer: l - 1, Matrix(rows: n, columns: m) { i, j in
                    sin(0.37 * Double(i + 1) + 0.71 * Double(j + 1) + Double(l)) / Double(m).squareRoot()
                })
                try mlp.setBias(layer: l - 1, (0..<n).map { 0.1 * cos(0.5 * Double($0 + 1) + Double(l)) })
            }
            let golden = 0.6180339887498949
            for b in 0..<batch {
                for n in 0..<length {
                    let x = (Double(n) + 1 + 1000 * Double(b)) * golden
                    u.append(2 * (x - x.rounded(.down)) - 1)
                }
                y0.append(0.1 * sin(Double(b + 1))); y0.append(0.1 * cos(Double(b + 1)))
            }
            return (mlp, u, y0)
        }
    }

    public static func run(_ c: Configuration) throws -> Result {
        let h = c.stepSize
        let rule: FastRK4Kernel.Rule = c.problem == .peer ? .threeEighths : .classical
        let batchedSteps = c.problem == .peer ? c.samples : c.batchedSteps
        let macsPerEvaluation: Int = 4 * 50 + 50 * 50 + 50 * 2
        let flopsPerStep = Double(4 * 2 * macsPerEvaluation)

        // Batch 1 and batch B problems (member 0 of the batch is the batch-1 problem in `peer`).
        let (mlp, u1, y01) = try setUp(c, batch: 1, length: c.samples + 1)
        let (_, uB, y0B) = try setUp(c, batch: c.batch, length: batchedSteps + 1)
        let kernel = try FastRK4Kernel(mlp: mlp, stateWidth: 2, sequenceInputCount: 2, maxThreads: 2, precision: c.precision)

        func fused(_ u: [Double], _ y0: [Double], batch: Int, steps: Int, threads: Int) -> (wall: Double, cpu: Double, y: [Double]) {
            var y = y0
            let t = u.withUnsafeBufferPointer { up in
                time(repeats: c.repeats) {
                    y = y0
                    y.withUnsafeMutableBufferPointer { yp in
                        kernel.integrate(batch: batch, steps: steps, stepSize: h, state: yp.baseAddress!,
                                         inputs: .init(base: up.baseAddress!, memberStride: steps + 1, stepStride: 1, inputStride: 1),
                                         threads: threads, rule: rule)
                    }
                }
            }
            return (t.wall, t.cpu, y)
        }
        let f1 = fused(u1, y01, batch: 1, steps: c.samples, threads: 1)
        let fB1 = fused(uB, y0B, batch: c.batch, steps: batchedSteps, threads: 1)
        let fB2 = fused(uB, y0B, batch: c.batch, steps: batchedSteps, threads: 2)

        // Unfused: NeuralVectorField + plain RK4; the extra inputs of the current step read from `u`.
        func unfused(_ u: [Double], _ y0: [Double], batch: Int, length: Int, steps: Int, path: MLPComputePath,
                     blasThreads: Int) throws -> (seconds: Double, y: [Double]) {
            BLAS.setThreadCount(blasThreads)
            defer { BLAS.setThreadCount(1) }
            var step = 0
            var y = y0
            let t = try u.withUnsafeBufferPointer { up -> Double in
                let base = up.baseAddress!
                let field = try NeuralVectorField(mlp: mlp, stateWidth: 2, extraInputCount: 2, batch: batch) { _, batch, e, stride in
                    for b in 0..<batch {
                        let off = b * length + step
                        e[b * stride] = base[off]; e[b * stride + 1] = base[off + 1]
                    }
                }
                field.computePath = path
                return time(repeats: max(1, c.repeats / 2)) {
                    y = y0
                    y.withUnsafeMutableBufferPointer { yp in
                        plainRK4(field: field, steps: steps, h: h, rule: rule, y: yp.baseAddress!) { step = $0 }
                    }
                }.wall
            }
            return (t, y)
        }
        let refSteps = min(c.referenceSteps, c.samples)
        let blasSteps = max(1, min(refSteps / 10, batchedSteps))
        let unfused1 = try unfused(u1, y01, batch: 1, length: c.samples + 1, steps: refSteps, path: .direct, blasThreads: 1)
        let blas1 = try unfused(uB, y0B, batch: c.batch, length: batchedSteps + 1, steps: blasSteps, path: .blas, blasThreads: 1)
        let blas2 = try unfused(uB, y0B, batch: c.batch, length: batchedSteps + 1, steps: blasSteps, path: .blas, blasThreads: 2)

        // Agreement of fused and unfused over the reference length.
        var yFusedRef = y01
        u1.withUnsafeBufferPointer { up in
            yFusedRef.withUnsafeMutableBufferPointer { yp in
                kernel.integrate(batch: 1, steps: refSteps, stepSize: h, state: yp.baseAddress!,
                                 inputs: .init(base: up.baseAddress!, memberStride: 0, stepStride: 1, inputStride: 1), rule: rule)
            }
        }
        let diff = zip(yFusedRef, unfused1.y).map { abs($0 - $1) }.max() ?? 0

        // One forward pass at several batch sizes, dgemm vs direct (one OpenBLAS thread).
        func forwardTime(batch: Int, path: MLPComputePath) -> Double {
            let ws = MLPWorkspace(for: mlp, maxBatch: batch)
            let x = (0..<(batch * 4)).map { Double($0 % 7) * 0.1 - 0.3 }
            let calls = max(200, 20_000 / batch)
            return x.withUnsafeBufferPointer { xp in
                time(repeats: c.repeats) {
                    for _ in 0..<calls { mlp.forward(batch: batch, input: xp.baseAddress!, inputStride: 4, workspace: ws, path: path) }
                }.wall / Double(calls) * 1e9
            }
        }
        BLAS.setThreadCount(1)
        let forwardTimings = [1, 2, 4, 8, 16, 64].map {
            ForwardTiming(batch: $0, blas_ns: forwardTime(batch: $0, path: .blas), direct_ns: forwardTime(batch: $0, path: .direct))
        }

        // tanh: vector vs libm.
        let tanhArguments = (0..<4096).map { -3 + 6 * Double($0) / 4095 }
        var tanhValues = [Double](repeating: 0, count: 4096)
        let tanhRounds = 200
        let tVector = time(repeats: c.repeats) {
            for _ in 0..<tanhRounds { VectorTanh.apply(count: 4096, x: tanhArguments, y: &tanhValues) }
        }.wall
        var sink = 0.0
        let tLibm = time(repeats: c.repeats) {
            for _ in 0..<tanhRounds {
                for i in 0..<4096 { tanhValues[i] = tanh(tanhArguments[i]) }
                sink += tanhValues[17]
            }
        }.wall
        if sink.isNaN { print("") }

        let seqSteps = Double(c.batch * batchedSteps)
        let rate1 = seqSteps / fB1.wall, rate2 = seqSteps / fB2.wall
        let best = max(rate1, rate2)
        let blasSeqSteps = Double(c.batch * blasSteps)
        return Result(problem: c.problem.rawValue,
                      integrator: rule == .classical ? "classical RK4" : "RK4, Kutta 3/8 rule (torchdiffeq method='rk4')",
                      precision: c.precision.rawValue,
                      samples: c.samples, batch: c.batch, batched_steps_per_sequence: batchedSteps, repeats: c.repeats,
                      step_size: h, flops_per_step_per_member: flopsPerStep,
                      steps_per_second: Double(c.samples) / f1.wall, gflops: Double(c.samples) / f1.wall * flopsPerStep * 1e-9,
                      batched_steps_per_second: best, batched_gflops: best * flopsPerStep * 1e-9,
                      batched_variant: rate2 > rate1 ? "fused kernel, 2 threads" : "fused kernel, 1 thread",
                      fused_batched_1thread_steps_per_second: rate1, fused_batched_2thread_steps_per_second: rate2,
                      steps_per_cpu_second: Double(c.samples) / f1.cpu,
                      fused_batched_1thread_steps_per_cpu_second: seqSteps / fB1.cpu,
                      fused_batched_1thread_gflops_per_cpu_second: seqSteps / fB1.cpu * flopsPerStep * 1e-9,
                      blas_batched_1thread_steps_per_second: blasSeqSteps / blas1.seconds,
                      blas_batched_2thread_steps_per_second: blasSeqSteps / blas2.seconds,
                      unfused_batch1_steps_per_second: Double(refSteps) / unfused1.seconds,
                      mlp_forward: forwardTimings,
                      tanh_vector_ns_per_value: tVector / Double(tanhRounds * 4096) * 1e9,
                      tanh_libm_ns_per_value: tLibm / Double(tanhRounds * 4096) * 1e9,
                      load_average_1min: loadAverage(),
                      final_state: f1.y, batched_final_state_first: Array(fB1.y[0..<2]),
                      batched_final_state_sum: fB1.y.reduce(0, +),
                      fused_vs_unfused_max_difference: diff)
    }
}
