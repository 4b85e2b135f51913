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
/// 1016 (2022)): delay-embedded state of 2, MLP 4-50-50-2 (tanh, tanh, identity; N(0, 0.1) weights),
/// inputs [y_0, y_1, u(t), u(t + dt)], Float64, fixed-step RK4 with d_tau = 0.025 over a zero-order-hold
/// input of random samples (uniform in [-1, 1], seeded), one RK4 step per sample.
///
/// Measured: the fused `FastRK4Kernel` at batch 1 and for 64 independent sequences (1 and 2 threads);
/// for comparison the unfused path (`NeuralVectorField` + a plain RK4 loop) with the direct SIMD kernel
/// at batch 1 and with OpenBLAS dgemm (1 and 2 OpenBLAS threads) for the batch of 64; and one MLP
/// forward pass at batch 1 through dgemm and through the direct kernel. Each figure is the median of
/// `repeats` timed runs after one warm-up run. FLOP counts are nominal MLP flops:
/// 2 (4 x 50 + 50 x 50 + 50 x 2) = 5,600 per evaluation per member, 4 evaluations per step
/// (the kernel's zero padding to 64 neurons and the RK4 vector arithmetic are not counted).
public enum SurrogateRK4Benchmark {
    public struct Configuration: Sendable {
        public var samples = 200_000
        public var batch = 64
        /// Steps per sequence in the batched runs.
        public var batchedSteps = 20_000
        /// Steps of the (slow) unfused reference runs.
        public var referenceSteps = 20_000
        public var repeats = 5
        public var seed: UInt64 = 1
        public var stepSize = 0.025
        public init() {}
    }

    public struct Result: Codable, Sendable {
        public var samples: Int
        public var batch: Int
        public var batched_steps_per_sequence: Int
        public var repeats: Int
        public var step_size: Double
        public var flops_per_step_per_member: Double
        /// Fused kernel, batch 1.
        public var steps_per_second: Double
        public var gflops: Double
        /// Best fused batched variant, sequence-steps per second.
        public var batched_steps_per_second: Double
        public var batched_gflops: Double
        public var batched_variant: String
        public var fused_batched_1thread_steps_per_second: Double
        /// Per CPU-second of the running thread (what one core delivers, whatever else the machine runs).
        public var steps_per_cpu_second: Double
        public var fused_batched_1thread_steps_per_cpu_second: Double
        public var fused_batched_1thread_gflops_per_cpu_second: Double
        public var fused_batched_2thread_steps_per_second: Double
        public var blas_batched_1thread_steps_per_second: Double
        public var blas_batched_2thread_steps_per_second: Double
        public var unfused_batch1_steps_per_second: Double
        /// One `MLP.forward` of the paper network: nanoseconds per call at several batch sizes,
        /// through dgemm and through the direct SIMD kernel (calibrates `MLP.directPathLimit`).
        public var mlp_forward: [ForwardTiming]
        /// 1-minute load average when the run ended (/proc/loadavg; 0 where unavailable): the machine
        /// is shared, and wall-clock rates drop when the load exceeds the core count.
        public var load_average_1min: Double
        /// Final state of the batch-1 run (checksum).
        public var final_state: [Double]
        /// Sum of all final states of the batched run (checksum).
        public var batched_final_state_sum: Double
        /// max |fused - unfused| over the final states of the batch-1 reference-length run.
        public var fused_vs_unfused_max_difference: Double
    }

    public struct ForwardTiming: Codable, Sendable {
        public var batch: Int
        public var blas_ns: Double
        public var direct_ns: Double
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

    /// First field of /proc/loadavg (the 1-minute load average), 0 where unavailable.
    static func loadAverage() -> Double {
        guard let f = fopen("/proc/loadavg", "r") else { return 0 }
        defer { fclose(f) }
        var buf = [CChar](repeating: 0, count: 64)
        guard fgets(&buf, 64, f) != nil else { return 0 }
        let text = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.split(separator: " ").first.flatMap { Double($0) } ?? 0
    }

    /// CPU seconds consumed by the calling thread (robust to other processes on a shared machine).
    static func threadCPUTime() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Median thread-CPU seconds of `repeats` runs of `body` after one warm-up run.
    static func cpuTime(repeats: Int, _ body: () -> Void) -> Double {
        body()
        var t = [Double]()
        for _ in 0..<repeats { let t0 = threadCPUTime(); body(); t.append(threadCPUTime() - t0) }
        return median(t)
    }

    static func median(_ x: [Double]) -> Double {
        let s = x.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
    }

    /// Median seconds of `repeats` runs of `body` after one warm-up run.
    static func time(repeats: Int, _ body: () -> Void) -> Double {
        body()
        var t = [Double]()
        for _ in 0..<repeats { let t0 = now(); body(); t.append(now() - t0) }
        return median(t)
    }

    /// Plain RK4 with the ZOH inputs of step s, over a `NeuralVectorField` whose extra inputs read `current`.
    static func plainRK4(field f: NeuralVectorField, steps: Int, h: Double, y: UnsafeMutablePointer<Double>,
                         setStep: (Int) -> Void) {
        let d = f.dimension
        let k = UnsafeMutablePointer<Double>.allocate(capacity: 5 * d)
        defer { k.deallocate() }
        let k1 = k, k2 = k + d, k3 = k + 2 * d, k4 = k + 3 * d, tmp = k + 4 * d
        var t = 0.0
        for s in 0..<steps {
            setStep(s)
            f.evaluate(t: t, y: y, dydt: k1)
            for i in 0..<d { tmp[i] = y[i] + 0.5 * h * k1[i] }
            f.evaluate(t: t + 0.5 * h, y: tmp, dydt: k2)
            for i in 0..<d { tmp[i] = y[i] + 0.5 * h * k2[i] }
            f.evaluate(t: t + 0.5 * h, y: tmp, dydt: k3)
            for i in 0..<d { tmp[i] = y[i] + h * k3[i] }
            f.evaluate(t: t + h, y: tmp, dydt: k4)
            for i in 0..<d { y[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) }
            t += h
        }
    }

    public static func run(_ c: Configuration) throws -> Result {
        let mlp = try MLP(widths: [4, 50, 50, 2], activations: [.tanh, .tanh, .identity], initialisation: .paper, seed: c.seed)
        var rng = SeededRandom(seed: c.seed &+ 1000)
        let sequenceOffset = 3_001
        let inputCount = max(c.samples + 1, (c.batch - 1) * sequenceOffset + c.batchedSteps + 1)
        let u = (0..<inputCount).map { _ in rng.uniform(-1, 1) }
        let y0: [Double] = [0.1, -0.2]
        let macsPerEvaluation: Int = 4 * 50 + 50 * 50 + 50 * 2
        let flopsPerStep = Double(4 * 2 * macsPerEvaluation)
        let h = c.stepSize
        let kernel = try FastRK4Kernel(mlp: mlp, stateWidth: 2, sequenceInputCount: 2, maxThreads: 2)

        // Fused, batch 1: member 0 reads u[s], u[s + 1].
        var final1 = y0
        let tFused1 = u.withUnsafeBufferPointer { up in
            time(repeats: c.repeats) {
                final1 = y0
                final1.withUnsafeMutableBufferPointer { yp in
                    kernel.integrate(batch: 1, steps: c.samples, stepSize: h, state: yp.baseAddress!,
                                     inputs: .init(base: up.baseAddress!, memberStride: 0, stepStride: 1, inputStride: 1))
                }
            }
        }

        let cpuFused1 = u.withUnsafeBufferPointer { up in
            cpuTime(repeats: c.repeats) {
                var y = y0
                y.withUnsafeMutableBufferPointer { yp in
                    kernel.integrate(batch: 1, steps: c.samples, stepSize: h, state: yp.baseAddress!,
                                     inputs: .init(base: up.baseAddress!, memberStride: 0, stepStride: 1, inputStride: 1))
                }
            }
        }

        // Fused, batch 64: sequence b reads u from offset 3,001 b, starts from (0.1 + 0.01 b, -0.2).
        var yB0 = [Double]()
        for b in 0..<c.batch { yB0.append(0.1 + 0.01 * Double(b)); yB0.append(-0.2) }
        var finalB = yB0
        func fusedBatched(threads: Int) -> Double {
            u.withUnsafeBufferPointer { up in
                time(repeats: c.repeats) {
                    finalB = yB0
                    finalB.withUnsafeMutableBufferPointer { yp in
                        kernel.integrate(batch: c.batch, steps: c.batchedSteps, stepSize: h, state: yp.baseAddress!,
                                         inputs: .init(base: up.baseAddress!, memberStride: sequenceOffset, stepStride: 1, inputStride: 1),
                                         threads: threads)
                    }
                }
            }
        }
        let tB1 = fusedBatched(threads: 1)
        let cpuB1 = u.withUnsafeBufferPointer { up in
            cpuTime(repeats: c.repeats) {
                var y = yB0
                y.withUnsafeMutableBufferPointer { yp in
                    kernel.integrate(batch: c.batch, steps: c.batchedSteps, stepSize: h, state: yp.baseAddress!,
                                     inputs: .init(base: up.baseAddress!, memberStride: sequenceOffset, stepStride: 1, inputStride: 1),
                                     threads: 1)
                }
            }
        }
        let tB2 = fusedBatched(threads: 2)
        let batchedSum = finalB.reduce(0, +)

        // Unfused: NeuralVectorField + plain RK4; extra inputs of the current step from `u`.
        func unfused(batch: Int, steps: Int, path: MLPComputePath, blasThreads: Int, y: inout [Double]) throws -> Double {
            BLAS.setThreadCount(blasThreads)
            defer { BLAS.setThreadCount(1) }
            var step = 0
            let field = try u.withUnsafeBufferPointer { up -> NeuralVectorField in
                let base = up.baseAddress!
                return try NeuralVectorField(mlp: mlp, stateWidth: 2, extraInputCount: 2, batch: batch) { _, batch, e, stride in
                    for b in 0..<batch {
                        let off = b * sequenceOffset + step
                        e[b * stride] = base[off]; e[b * stride + 1] = base[off + 1]
                    }
                }
            }
            field.computePath = path
            let start = y
            var out = y
            let t = time(repeats: max(1, c.repeats / 2)) {
                out = start
                out.withUnsafeMutableBufferPointer { yp in
                    plainRK4(field: field, steps: steps, h: h, y: yp.baseAddress!) { step = $0 }
                }
            }
            y = out
            return t
        }
        var yRef = y0
        let tUnfused1 = try unfused(batch: 1, steps: c.referenceSteps, path: .direct, blasThreads: 1, y: &yRef)
        var yBlas = yB0
        let tBlas1 = try unfused(batch: c.batch, steps: c.referenceSteps / 10, path: .blas, blasThreads: 1, y: &yBlas)
        let tBlas2 = try unfused(batch: c.batch, steps: c.referenceSteps / 10, path: .blas, blasThreads: 2, y: &yBlas)

        // Agreement of fused and unfused over the reference length.
        var yFusedRef = y0
        u.withUnsafeBufferPointer { up in
            yFusedRef.withUnsafeMutableBufferPointer { yp in
                kernel.integrate(batch: 1, steps: c.referenceSteps, stepSize: h, state: yp.baseAddress!,
                                 inputs: .init(base: up.baseAddress!, memberStride: 0, stepStride: 1, inputStride: 1))
            }
        }
        let diff = zip(yFusedRef, yRef).map { abs($0 - $1) }.max() ?? 0

        // One forward pass, batch 1 and 64, dgemm vs direct.
        func forwardTime(batch: Int, path: MLPComputePath) -> Double {
            let ws = MLPWorkspace(for: mlp, maxBatch: batch)
            let x = (0..<(batch * 4)).map { Double($0 % 7) * 0.1 - 0.3 }
            let calls = max(200, 20_000 / batch)
            return x.withUnsafeBufferPointer { xp in
                time(repeats: c.repeats) {
                    for _ in 0..<calls { mlp.forward(batch: batch, input: xp.baseAddress!, inputStride: 4, workspace: ws, path: path) }
                } / Double(calls) * 1e9
            }
        }
        BLAS.setThreadCount(1)
        let forwardTimings = [1, 2, 4, 8, 16, 64].map {
            ForwardTiming(batch: $0, blas_ns: forwardTime(batch: $0, path: .blas), direct_ns: forwardTime(batch: $0, path: .direct))
        }

        let seqSteps = Double(c.batch * c.batchedSteps)
        let rate1 = Double(c.batch * c.batchedSteps) / tB1, rate2 = seqSteps / tB2
        let best = max(rate1, rate2)
        return Result(samples: c.samples, batch: c.batch, batched_steps_per_sequence: c.batchedSteps, repeats: c.repeats,
                      step_size: h, flops_per_step_per_member: flopsPerStep,
                      steps_per_second: Double(c.samples) / tFused1, gflops: Double(c.samples) / tFused1 * flopsPerStep * 1e-9,
                      batched_steps_per_second: best, batched_gflops: best * flopsPerStep * 1e-9,
                      batched_variant: rate2 > rate1 ? "fused kernel, 2 threads" : "fused kernel, 1 thread",
                      fused_batched_1thread_steps_per_second: rate1,
                      steps_per_cpu_second: Double(c.samples) / cpuFused1,
                      fused_batched_1thread_steps_per_cpu_second: seqSteps / cpuB1,
                      fused_batched_1thread_gflops_per_cpu_second: seqSteps / cpuB1 * flopsPerStep * 1e-9, fused_batched_2thread_steps_per_second: rate2,
                      blas_batched_1thread_steps_per_second: Double(c.batch * (c.referenceSteps / 10)) / tBlas1,
                      blas_batched_2thread_steps_per_second: Double(c.batch * (c.referenceSteps / 10)) / tBlas2,
                      unfused_batch1_steps_per_second: Double(c.referenceSteps) / tUnfused1,
                      mlp_forward: forwardTimings, load_average_1min: loadAverage(),
                      final_state: final1, batched_final_state_sum: batchedSum,
                      fused_vs_unfused_max_difference: diff)
    }
}
