import CVectorExtension
import Foundation
import Numerics
import NeuralNet
import ODE
import Surrogate

/// The NODE-64 benchmark: the gradient of a neural-ODE loss, the workload of surrogate training.
///
/// Definition (followed exactly; the peer script scripts/bench/node64_peers.py runs the same in
/// diffrax and torchdiffeq):
/// - state x in R^4, input u(t) = sin(0.3 t) cos(0.11 t);
///   dx/dt = W3 tanh(W2 tanh(W1 [x; u] + b1) + b2) + b3, widths 5-64-64-4, Float64;
/// - W_l[i][j] = s_l sin(0.37 (i+1) + 0.71 (j+1) + l) / sqrt(m_l) (i output row, j input column,
///   l = 1, 2, 3, m_l the fan-in, s = (3, 3, 2)); b_l[i] = 0.1 cos(0.5 (i+1) + l);
/// - 32 initial states x0[b][k] = 0.5 sin(1.3 (b+1) + 0.7 (k+1)), integrated together (one state of
///   32 x 4, one shared step size);
/// - t in [0, 50], Dormand-Prince 5(4), rtol 1e-6, atol 1e-8; x_0 observed at t_i = 0.5 i, i = 0..100;
///   loss = mean over the 101 x 32 values of (x_0(t_i) - sin(0.2 t_i))^2;
///   gradient with respect to all 4,804 MLP parameters.
/// - Reference at very tight tolerance: loss 78.290497, gradient 2-norm 3000.8805.
public enum Node64 {
    public static let widths = [5, 64, 64, 4]
    public static let scales: [Double] = [3, 3, 2]
    public static let batch = 32
    public static let stateWidth = 4
    public static let t1 = 50.0
    public static let referenceLoss = 78.290497
    public static let referenceGradientNorm = 3000.8805

    /// The network with the benchmark's deterministic weights.
    public static func mlp() throws -> MLP {
        var net = try MLP(widths: widths, activations: [.tanh, .tanh, .identity])
        for l in 1...3 {
            let m = widths[l - 1], out = widths[l], s = scales[l - 1]
            let w = Matrix(rows: out, columns: m) { i, j in
                s * sin(0.37 * Double(i + 1) + 0.71 * Double(j + 1) + Double(l)) / Double(m).squareRoot()
            }
            try net.setWeight(layer: l - 1, w)
            try net.setBias(layer: l - 1, (0..<out).map { 0.1 * cos(0.5 * Double($0 + 1) + Double(l)) })
        }
        return net
    }

    /// u(t) = sin(0.3 t) cos(0.11 t).
    @inlinable public static func input(_ t: Double) -> Double { sin(0.3 * t) * cos(0.11 * t) }

    /// The batched vector field (a `NeuralVectorField` with the input u(t) as its one extra input).
    public static func system() throws -> NeuralVectorField {
        try NeuralVectorField(mlp: mlp(), stateWidth: stateWidth, extraInputCount: 1, batch: batch,
                              extraInputs: { t, batch, e, stride in
                                  let u = Node64.input(t)
                                  for b in 0..<batch { e[b * stride] = u }
                              })
    }

    /// The same vector field with forward records for the discrete adjoint (see `Node64VectorField`).
    public static func tapedSystem() throws -> Node64VectorField {
        try Node64VectorField(mlp: mlp(), batch: batch)
    }

    /// x0, flat [32 x 4].
    public static func initialState() -> [Double] {
        (0..<batch).flatMap { b in (0..<stateWidth).map { k in 0.5 * sin(1.3 * Double(b + 1) + 0.7 * Double(k + 1)) } }
    }

    /// t_i = 0.5 i, i = 0..100.
    public static let observationTimes: [Double] = (0...100).map { 0.5 * Double($0) }

    /// Mean squared error of x_0 of every member against sin(0.2 t_i).
    public static func loss() -> MeanSquaredError {
        let targets = observationTimes.flatMap { t in [Double](repeating: sin(0.2 * t), count: batch) }
        return MeanSquaredError(components: (0..<batch).map { $0 * stateWidth }, targets: targets)
    }

    /// The benchmark's solver at the given tolerances (default: the definition's).
    public static func solver(rtol: Double = 1e-6, atol: Double = 1e-8,
                              controller: StepSizeController = .proportionalIntegral()) -> ODESolver {
        ODESolver(method: .dormandPrince54, stepping: .adaptive(rtol: rtol, atol: atol, controller: controller))
    }

    /// One loss-and-gradient evaluation.
    public static func gradient(system: some DifferentiableODESystem, solver: ODESolver, adjoint: some AdjointMethod,
                                cache: ODESolverCache) throws -> ODEGradient {
        try solver.gradient(system, y0: initialState(), t0: 0, t1: t1, saveAt: observationTimes, loss: loss(),
                            adjoint: adjoint, cache: cache)
    }

    /// What `spinode bench node64` reports.
    public struct Result: Codable, Sendable {
        public var benchmark = "node64"
        public var gradient_method: String
        public var vector_field: String
        public var controller: String
        public var rtol: Double
        public var atol: Double
        public var seconds_per_gradient: Double
        public var all_seconds: [Double]
        public var repeats: Int
        public var blas_threads: Int
        public var loss: Double
        public var gradient_norm: Double
        public var loss_relative_error: Double
        public var gradient_norm_relative_error: Double
        public var parameters: Int
        public var accepted_steps: Int
        public var rejected_steps: Int
        public var rhs_evaluations: Int
        public var backward_accepted_steps: Int
        public var backward_rejected_steps: Int
        public var backward_rhs_evaluations: Int
        public var backward_vjp_evaluations: Int
    }

    /// Runs one warm-up and `repeats` timed gradient evaluations; reports the median time.
    public static func run(adjoint: some AdjointMethod, methodName: String, controller: StepSizeController,
                           rtol: Double = 1e-6, atol: Double = 1e-8, repeats: Int = 7, blasThreads: Int = 1,
                           computePath: MLPComputePath = .automatic, taped: Bool = true) throws -> Result {
        if taped {
            let field = try tapedSystem()
            return try run(system: field, fieldName: "Node64VectorField (BLAS MLP with forward records)", adjoint: adjoint,
                           methodName: methodName, controller: controller, rtol: rtol, atol: atol, repeats: repeats,
                           blasThreads: blasThreads)
        }
        let field = try system()
        field.computePath = computePath
        return try run(system: field, fieldName: "NeuralVectorField", adjoint: adjoint, methodName: methodName,
                       controller: controller, rtol: rtol, atol: atol, repeats: repeats, blasThreads: blasThreads)
    }

    static func run(system: some DifferentiableODESystem, fieldName: String, adjoint: some AdjointMethod, methodName: String,
                    controller: StepSizeController, rtol: Double, atol: Double, repeats: Int, blasThreads: Int) throws -> Result {
        BLAS.setThreadCount(blasThreads)
        let solver = solver(rtol: rtol, atol: atol, controller: controller)
        let cache = ODESolverCache()
        var g = try gradient(system: system, solver: solver, adjoint: adjoint, cache: cache)
        var times = [Double]()
        for _ in 0..<max(repeats, 1) {
            times.append(try Stopwatch.seconds { g = try gradient(system: system, solver: solver, adjoint: adjoint, cache: cache) })
        }
        let norm = BLAS.norm2(g.parameterGradient)
        return Result(gradient_method: methodName, vector_field: fieldName, controller: controller == .integral ? "I" : "PI",
                      rtol: rtol, atol: atol,
                      seconds_per_gradient: Statistics.median(times), all_seconds: times, repeats: times.count,
                      blas_threads: blasThreads, loss: g.loss, gradient_norm: norm,
                      loss_relative_error: abs(g.loss - referenceLoss) / referenceLoss,
                      gradient_norm_relative_error: abs(norm - referenceGradientNorm) / referenceGradientNorm,
                      parameters: system.parameterCount,
                      accepted_steps: g.forwardStatistics.acceptedSteps, rejected_steps: g.forwardStatistics.rejectedSteps,
                      rhs_evaluations: g.forwardStatistics.rhsEvaluations,
                      backward_accepted_steps: g.backwardStatistics.acceptedSteps,
                      backward_rejected_steps: g.backwardStatistics.rejectedSteps,
                      backward_rhs_evaluations: g.backwardStatistics.rhsEvaluations,
                      backward_vjp_evaluations: g.backwardStatistics.vjpEvaluations)
    }
}

/// NODE-64's vector field dx_b/dt = MLP([x_b; u(t)]) for a batch of members, with forward records
/// for the discrete adjoint: an evaluation can write the network input rows and the hidden
/// activations (batch x (5 + 64 + 64) values) straight into the record, and the product at a recorded
/// point reads them from there, so the backward pass runs only the reverse sweep (no forward pass,
/// no copies). Parameters are an `MLP`'s flat vector (torch order W_1, b_1, ...), fixed at
/// construction; the matrix products run in a register-blocked SIMD kernel (`product`), tanh is
/// NeuralNet's SIMD `VectorTanh`.
///
/// Hidden activations must be tanh (their derivative 1 - h^2 needs h only), the output identity.
public final class Node64VectorField: DifferentiableODESystem {
    public let mlp: MLP
    public let batch: Int
    public let stateWidth: Int
    let widths: [Int]
    let layers: Int
    /// Network input rows, hidden activations, output and two cotangent buffers for unrecorded passes.
    let input: UnsafeMutablePointer<Double>
    let hidden: [UnsafeMutablePointer<Double>]
    let output: UnsafeMutablePointer<Double>
    let cotangentA: UnsafeMutablePointer<Double>
    let cotangentB: UnsafeMutablePointer<Double>
    /// Offsets of the input rows and of each hidden layer inside a record.
    let recordOffsets: [Int]
    /// W_l^T (in x out, row-major), so the forward products read contiguous rows of B.
    let transposedWeights: [UnsafeMutablePointer<Double>]
    /// Scratch for dW_1^T (in_1 x out_1).
    let weightScratch: UnsafeMutablePointer<Double>

    public var dimension: Int { batch * stateWidth }
    public var parameterCount: Int { mlp.parameterCount }
    public let tapeLength: Int
    /// The record the discrete adjoint will use after the current call (its hint,
    /// `willUseRecordAfterThisCall`), requested in parts between the layers' products
    /// (`requestNextRecord`), on top of the one burst of 34 KB of requests `DiscreteAdjointTape` makes
    /// before each call (the two together measured faster than the burst alone: docs/performance.md).
    /// Set for one taped call only.
    private var nextRecord: UnsafeRawPointer?
    private var nextRecordWritten = false

    public init(mlp: MLP, batch: Int) throws {
        guard mlp.activations.dropLast().allSatisfy({ $0 == .tanh }), mlp.activations.last == .identity,
              mlp.inputWidth == mlp.outputWidth + 1 else {
            throw NeuralNetError.shape("Node64VectorField needs tanh hidden layers, an identity output and one input channel, got \(mlp.widths) \(mlp.activations)")
        }
        self.mlp = mlp
        self.batch = batch
        widths = mlp.widths
        layers = mlp.layerCount
        stateWidth = mlp.outputWidth
        input = .allocate(capacity: batch * widths[0])
        input.initialize(repeating: 0, count: batch * widths[0])
        hidden = (1..<layers).map { l in
            let p = UnsafeMutablePointer<Double>.allocate(capacity: batch * mlp.widths[l])
            p.initialize(repeating: 0, count: batch * mlp.widths[l])
            return p
        }
        output = .allocate(capacity: batch * stateWidth)
        let widest = (widths.max() ?? 1) * batch
        cotangentA = .allocate(capacity: widest)
        cotangentB = .allocate(capacity: widest)
        var offsets = [0], total = batch * widths[0]
        for l in 1..<layers { offsets.append(total); total += batch * widths[l] }
        recordOffsets = offsets
        tapeLength = total
        transposedWeights = (0..<mlp.layerCount).map { l in
            let w = mlp.weight(layer: l)
            let t = UnsafeMutablePointer<Double>.allocate(capacity: w.count)
            for o in 0..<w.rows { for i in 0..<w.columns { t[i * w.rows + o] = w[o, i] } }
            return t
        }
        weightScratch = .allocate(capacity: mlp.widths[0] * mlp.widths[1])
    }

    deinit {
        input.deallocate(); output.deallocate(); cotangentA.deallocate(); cotangentB.deallocate()
        for p in hidden { p.deallocate() }
        for p in transposedWeights { p.deallocate() }
        weightScratch.deallocate()
    }

    /// C (m x n, row stride ldc) = or += A B with A(i, q) = a[i am + q ak] and B row-major (k x n, row
    /// stride ldb). Register-blocked SIMD: 4 rows x 16 columns of C in eight SIMD8 accumulators per
    /// k step where they fit the register file (AVX-512; on AVX2 they are 16 of its 16 registers and
    /// spill), then 4 rows x 8 columns (four SIMD8, eight AVX2 registers), 4-column chunks and single
    /// rows; every element summed over k in the same order whatever its tile; `bias` (length n), when given, starts every
    /// row of the sum (C = bias + A B, `accumulate` false). For the small shapes of NODE-64
    /// (32 x 64 x 64 and narrower) this avoids dgemm's packing and call overhead.
    @inline(__always)
    static func product(m: Int, n: Int, k: Int, a: UnsafePointer<Double>, am: Int, ak: Int,
                        b: UnsafePointer<Double>, ldb: Int, c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool,
                        bias: UnsafePointer<Double>? = nil) {
        typealias V8 = SIMD8<Double>
        typealias V4 = SIMD4<Double>
        @inline(__always) func load8(_ p: UnsafePointer<Double>) -> V8 { UnsafeRawPointer(p).loadUnaligned(as: V8.self) }
        @inline(__always) func load4(_ p: UnsafePointer<Double>) -> V4 { UnsafeRawPointer(p).loadUnaligned(as: V4.self) }
        @inline(__always) func store8(_ v: V8, _ p: UnsafeMutablePointer<Double>) {
            let r = accumulate ? v + UnsafeRawPointer(p).loadUnaligned(as: V8.self) : v
            UnsafeMutableRawPointer(p).storeBytes(of: r, as: V8.self)
        }
        @inline(__always) func store4(_ v: V4, _ p: UnsafeMutablePointer<Double>) {
            let r = accumulate ? v + UnsafeRawPointer(p).loadUnaligned(as: V4.self) : v
            UnsafeMutableRawPointer(p).storeBytes(of: r, as: V4.self)
        }
        let wide = VectorRegisters.fit(8, of: V8.self)
        var j = 0
        while wide && j + 16 <= n {
            var i = 0
            while i + 4 <= m {
                let s0 = bias.map { load8($0 + j) } ?? V8(), s1 = bias.map { load8($0 + j + 8) } ?? V8()
                var c00 = s0, c01 = s1, c10 = s0, c11 = s1, c20 = s0, c21 = s1, c30 = s0, c31 = s1
                let a0 = a + i * am, a1 = a0 + am, a2 = a1 + am, a3 = a2 + am
                for q in 0..<k {
                    let bp = b + q * ldb + j
                    let b0 = load8(bp), b1 = load8(bp + 8)
                    let x0 = a0[q * ak], x1 = a1[q * ak], x2 = a2[q * ak], x3 = a3[q * ak]
                    c00 = c00.addingProduct(x0, b0); c01 = c01.addingProduct(x0, b1)
                    c10 = c10.addingProduct(x1, b0); c11 = c11.addingProduct(x1, b1)
                    c20 = c20.addingProduct(x2, b0); c21 = c21.addingProduct(x2, b1)
                    c30 = c30.addingProduct(x3, b0); c31 = c31.addingProduct(x3, b1)
                }
                let cp = c + i * ldc + j
                store8(c00, cp); store8(c01, cp + 8)
                store8(c10, cp + ldc); store8(c11, cp + ldc + 8)
                store8(c20, cp + 2 * ldc); store8(c21, cp + 2 * ldc + 8)
                store8(c30, cp + 3 * ldc); store8(c31, cp + 3 * ldc + 8)
                i += 4
            }
            while i < m {
                var c0 = bias.map { load8($0 + j) } ?? V8(), c1 = bias.map { load8($0 + j + 8) } ?? V8()
                let ai = a + i * am
                for q in 0..<k {
                    let bp = b + q * ldb + j, x = ai[q * ak]
                    c0 = c0.addingProduct(x, load8(bp)); c1 = c1.addingProduct(x, load8(bp + 8))
                }
                store8(c0, c + i * ldc + j); store8(c1, c + i * ldc + j + 8)
                i += 1
            }
            j += 16
        }
        while j + 8 <= n {
            var i = 0
            // Without the 4 x 16 tile (16 registers): 6 rows x 8 columns, 6 SIMD8 accumulators (12 AVX2
            // registers) with one B vector (2) and one broadcast (1). Rows left over go in 4-row tiles:
            // m = 32 (NODE-64's batch) is 4 x 6 + 2 x 4, not 5 x 6 and two single rows, each of which
            // would wait on its own two chains of k fused multiply-adds.
            var sixRowsEnd = m - m % 6
            if m % 6 == 2 && m >= 8 { sixRowsEnd -= 6 }
            while !wide && i + 6 <= sixRowsEnd {
                let s0 = bias.map { load8($0 + j) } ?? V8()
                var c0 = s0, c1 = s0, c2 = s0, c3 = s0, c4 = s0, c5 = s0
                let a0 = a + i * am, a1 = a0 + am, a2 = a1 + am, a3 = a2 + am, a4 = a3 + am, a5 = a4 + am
                for q in 0..<k {
                    let b0 = load8(b + q * ldb + j)
                    c0 = c0.addingProduct(a0[q * ak], b0); c1 = c1.addingProduct(a1[q * ak], b0)
                    c2 = c2.addingProduct(a2[q * ak], b0); c3 = c3.addingProduct(a3[q * ak], b0)
                    c4 = c4.addingProduct(a4[q * ak], b0); c5 = c5.addingProduct(a5[q * ak], b0)
                }
                let cp = c + i * ldc + j
                store8(c0, cp); store8(c1, cp + ldc); store8(c2, cp + 2 * ldc); store8(c3, cp + 3 * ldc)
                store8(c4, cp + 4 * ldc); store8(c5, cp + 5 * ldc)
                i += 6
            }
            while i + 4 <= m {
                let s0 = bias.map { load8($0 + j) } ?? V8()
                var c0 = s0, c1 = s0, c2 = s0, c3 = s0
                let a0 = a + i * am, a1 = a0 + am, a2 = a1 + am, a3 = a2 + am
                for q in 0..<k {
                    let b0 = load8(b + q * ldb + j)
                    c0 = c0.addingProduct(a0[q * ak], b0); c1 = c1.addingProduct(a1[q * ak], b0)
                    c2 = c2.addingProduct(a2[q * ak], b0); c3 = c3.addingProduct(a3[q * ak], b0)
                }
                let cp = c + i * ldc + j
                store8(c0, cp); store8(c1, cp + ldc); store8(c2, cp + 2 * ldc); store8(c3, cp + 3 * ldc)
                i += 4
            }
            while i < m {
                var c0 = bias.map { load8($0 + j) } ?? V8()
                let ai = a + i * am
                for q in 0..<k { c0 = c0.addingProduct(ai[q * ak], load8(b + q * ldb + j)) }
                store8(c0, c + i * ldc + j)
                i += 1
            }
            j += 8
        }
        while j + 4 <= n {
            // Narrow C (NODE-64's output layer and state cotangent: 4 columns, k = 64): 8 rows at a
            // time, so that 8 independent accumulator chains share each B vector (one chain per row
            // left the core waiting on each fused multiply-add's latency).
            var i = 0
            while i + 8 <= m {
                let s0 = bias.map { load4($0 + j) } ?? V4()
                var c0 = s0, c1 = s0, c2 = s0, c3 = s0, c4 = s0, c5 = s0, c6 = s0, c7 = s0
                let a0 = a + i * am, a1 = a0 + am, a2 = a1 + am, a3 = a2 + am
                let a4 = a3 + am, a5 = a4 + am, a6 = a5 + am, a7 = a6 + am
                for q in 0..<k {
                    let b0 = load4(b + q * ldb + j)
                    c0 = c0.addingProduct(a0[q * ak], b0); c1 = c1.addingProduct(a1[q * ak], b0)
                    c2 = c2.addingProduct(a2[q * ak], b0); c3 = c3.addingProduct(a3[q * ak], b0)
                    c4 = c4.addingProduct(a4[q * ak], b0); c5 = c5.addingProduct(a5[q * ak], b0)
                    c6 = c6.addingProduct(a6[q * ak], b0); c7 = c7.addingProduct(a7[q * ak], b0)
                }
                let cp = c + i * ldc + j
                store4(c0, cp); store4(c1, cp + ldc); store4(c2, cp + 2 * ldc); store4(c3, cp + 3 * ldc)
                store4(c4, cp + 4 * ldc); store4(c5, cp + 5 * ldc); store4(c6, cp + 6 * ldc); store4(c7, cp + 7 * ldc)
                i += 8
            }
            while i < m {
                var c0 = bias.map { load4($0 + j) } ?? V4()
                let ai = a + i * am
                for q in 0..<k { c0 = c0.addingProduct(ai[q * ak], load4(b + q * ldb + j)) }
                store4(c0, c + i * ldc + j)
                i += 1
            }
            j += 4
        }
        while j < n {
            for i in 0..<m {
                var acc = bias?[j] ?? 0
                for q in 0..<k { acc += a[i * am + q * ak] * b[q * ldb + j] }
                c[i * ldc + j] = accumulate ? c[i * ldc + j] + acc : acc
            }
            j += 1
        }
    }

    /// Part `part` of `parts` of `nextRecord`, if set (a cache hint; never faults).
    @inline(__always)
    private func requestNextRecord(part: Int, of parts: Int) {
        guard let nextRecord else { return }
        let bytes = tapeLength * MemoryLayout<Double>.stride, size = (bytes / parts + 63) & ~63
        let start = part * size, count = min(size, bytes - start)
        guard count > 0 else { return }
        if nextRecordWritten {
            spinode_prefetch_range_for_write(UnsafeMutableRawPointer(mutating: nextRecord + start), count)
        } else {
            spinode_prefetch_range(nextRecord + start, count)
        }
    }

    /// Forward pass with the input rows at `x` and hidden activations at `h[l]`, output to `out`.
    private func forward(t: Double, y: UnsafePointer<Double>, x: UnsafeMutablePointer<Double>,
                         h: (Int) -> UnsafeMutablePointer<Double>, out: UnsafeMutablePointer<Double>) {
        let u = Node64.input(t), n = stateWidth, w0 = widths[0]
        for b in 0..<batch {
            let xb = x + b * w0, yb = y + b * n
            for c in 0..<n { xb[c] = yb[c] }
            xb[n] = u
        }
        mlp.parameters.withUnsafeBufferPointer { theta in
            let p = theta.baseAddress!
            var previous = UnsafePointer(x)
            for l in 0..<layers {
                let nIn = widths[l], nOut = widths[l + 1]
                let z = l < layers - 1 ? h(l) : out
                let bias = p + mlp.biasOffsets[l]
                // Z = 1 b_l^T + H_{l-1} W_l^T
                requestNextRecord(part: 2 * l, of: 2 * layers)
                Node64VectorField.product(m: batch, n: nOut, k: nIn, a: previous, am: nIn, ak: 1,
                                          b: transposedWeights[l], ldb: nOut, c: z, ldc: nOut, accumulate: false,
                                          bias: bias)
                requestNextRecord(part: 2 * l + 1, of: 2 * layers)
                if l < layers - 1 {
                    VectorTanh.apply(count: batch * nOut, x: z, y: z)
                    previous = UnsafePointer(z)
                }
            }
        }
    }

    /// Reverse sweep from the output cotangent v at the pass whose input rows are `x` and hidden
    /// activations `h[l]`: D_L = v; dW_l += D_l^T H_{l-1}; db_l += sum_rows D_l;
    /// D_{l-1} = (D_l W_l) (.) (1 - H_{l-1}^2); the state cotangent gets the first n columns of D_1 W_1.
    private func reverse(x: UnsafePointer<Double>, h: (Int) -> UnsafePointer<Double>, v: UnsafePointer<Double>,
                         stateCotangent: UnsafeMutablePointer<Double>, parameterCotangent: UnsafeMutablePointer<Double>) {
        mlp.parameters.withUnsafeBufferPointer { theta in
            let p = theta.baseAddress!
            var d = v
            var next = cotangentA, spare = cotangentB
            for l in stride(from: layers - 1, through: 0, by: -1) {
                let nIn = widths[l], nOut = widths[l + 1]
                let previous = l == 0 ? x : h(l - 1)
                let w = p + mlp.weightOffsets[l]
                let dW = parameterCotangent + mlp.weightOffsets[l]
                requestNextRecord(part: 2 * (layers - 1 - l), of: 2 * layers)
                if nIn >= 16 || nIn >= nOut {
                    // dW_l += D_l^T H_{l-1}: A(o, r) = D[r, o]
                    Node64VectorField.product(m: nOut, n: nIn, k: batch, a: d, am: 1, ak: nOut,
                                              b: previous, ldb: nIn, c: dW, ldc: nIn, accumulate: true)
                } else {
                    // Narrow input: dW_l^T = H_{l-1}^T D_l into scratch, added transposed.
                    Node64VectorField.product(m: nIn, n: nOut, k: batch, a: previous, am: 1, ak: nIn,
                                              b: d, ldb: nOut, c: weightScratch, ldc: nOut, accumulate: false)
                    for o in 0..<nOut { for i in 0..<nIn { dW[o * nIn + i] += weightScratch[i * nOut + o] } }
                }
                let gb = parameterCotangent + mlp.biasOffsets[l]
                for r in 0..<batch {
                    let dr = d + r * nOut
                    for o in 0..<nOut { gb[o] += dr[o] }
                }
                requestNextRecord(part: 2 * (layers - 1 - l) + 1, of: 2 * layers)
                if l > 0 {
                    Node64VectorField.product(m: batch, n: nIn, k: nOut, a: d, am: nOut, ak: 1, b: w, ldb: nIn,
                                              c: next, ldc: nIn, accumulate: false)
                    for q in 0..<(batch * nIn) { let a = previous[q]; next[q] *= 1 - a * a }
                    d = UnsafePointer(next)
                    swap(&next, &spare)
                } else {
                    Node64VectorField.product(m: batch, n: stateWidth, k: nOut, a: d, am: nOut, ak: 1, b: w, ldb: nIn,
                                              c: stateCotangent, ldc: stateWidth, accumulate: true)
                }
            }
        }
    }

    public func willUseRecordAfterThisCall(_ record: UnsafeRawPointer?, forWriting: Bool) {
        nextRecord = record
        nextRecordWritten = forWriting
    }

    public func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>) {
        forward(t: t, y: y, x: input, h: { self.hidden[$0] }, out: dydt)
    }

    public func evaluate(t: Double, y: UnsafePointer<Double>, dydt: UnsafeMutablePointer<Double>,
                         tape: UnsafeMutablePointer<Double>) {
        defer { nextRecord = nil }
        forward(t: t, y: y, x: tape, h: { tape + self.recordOffsets[$0 + 1] }, out: dydt)
    }

    public func vectorJacobianProduct(t: Double, y: UnsafePointer<Double>, cotangent v: UnsafePointer<Double>,
                                      stateCotangent: UnsafeMutablePointer<Double>,
                                      parameterCotangent: UnsafeMutablePointer<Double>) {
        forward(t: t, y: y, x: input, h: { self.hidden[$0] }, out: output)
        reverse(x: input, h: { UnsafePointer(self.hidden[$0]) }, v: v, stateCotangent: stateCotangent,
                parameterCotangent: parameterCotangent)
    }

    public func vectorJacobianProduct(t: Double, y: UnsafePointer<Double>, tape: UnsafePointer<Double>,
                                      cotangent v: UnsafePointer<Double>, stateCotangent: UnsafeMutablePointer<Double>,
                                      parameterCotangent: UnsafeMutablePointer<Double>) {
        defer { nextRecord = nil }
        reverse(x: tape, h: { tape + self.recordOffsets[$0 + 1] }, v: v, stateCotangent: stateCotangent,
                parameterCotangent: parameterCotangent)
    }
}
