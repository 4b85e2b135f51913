import Numerics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The software baseline: a leaky-integrator echo state network (Jaeger, GMD Report 148 (2001);
/// Jaeger, Lukosevicius, Popovici and Siewert, Neural Networks 20, 335 (2007), eq. 1):
///
///     x(n) = (1 - a) x(n-1) + a tanh(W x(n-1) + W_in u(n) + b),   x(-1) = 0,
///
/// with N nodes, leak rate a in (0, 1], W an N x N random matrix (entries uniform in [-1, 1], a
/// fraction `density` of them non-zero) rescaled to spectral radius rho (computed exactly with LAPACK
/// dgeev rather than power iteration, which does not converge when the dominant eigenvalues are a
/// complex pair), W_in N x C uniform in [-s_in, s_in] and b uniform in [-s_b, s_b]. The states x(n) are
/// the features. It conforms to `ReservoirFeatureSource`, so every task runs on it as on a device.
public final class EchoStateNetwork: ReservoirFeatureSource {
    /// The hyper-parameters of an echo state network.
    public struct Configuration: Sendable, Codable, Equatable {
        /// N, the number of nodes.
        public var nodes: Int
        /// rho, the spectral radius of W after rescaling (< 1 is the usual echo-state regime).
        public var spectralRadius: Double
        /// s_in, the half-width of the input weights' uniform distribution.
        public var inputScaling: Double
        /// s_b, the half-width of the bias' uniform distribution (0: no bias). Default 0.2: without a bias
        /// tanh makes every state an odd function of the input history, and tasks whose answer is even in
        /// the input (sine/square classification, energy-like targets) become impossible for a linear readout.
        public var biasScaling: Double
        /// a in (0, 1], the leak rate (1: no leaking).
        public var leakRate: Double
        /// Fraction of non-zero entries of W, in (0, 1].
        public var density: Double
        /// Seed of W, W_in and b.
        public var seed: UInt64

        public init(nodes: Int = 100, spectralRadius: Double = 0.9, inputScaling: Double = 1,
                    biasScaling: Double = 0.2, leakRate: Double = 1, density: Double = 1, seed: UInt64 = 1) {
            self.nodes = nodes
            self.spectralRadius = spectralRadius
            self.inputScaling = inputScaling
            self.biasScaling = biasScaling
            self.leakRate = leakRate
            self.density = density
            self.seed = seed
        }
    }

    public let configuration: Configuration
    /// W, N x N, spectral radius `configuration.spectralRadius`.
    public let weights: Matrix
    /// W_in, N x C.
    public let inputWeights: Matrix
    /// b, N values.
    public let bias: [Double]
    public let inputChannels: Int
    public let deviceSecondsSimulated: Double = 0

    public var name: String { "esn" }
    public var nodeCount: Int { configuration.nodes }

    public init(configuration c: Configuration, inputChannels: Int = 1) throws {
        guard c.nodes >= 1 else {
            throw ReservoirError.invalidParameter(name: "nodes", value: "\(c.nodes)", expected: ">= 1")
        }
        guard c.leakRate > 0 && c.leakRate <= 1 else {
            throw ReservoirError.invalidParameter(name: "leak rate", value: "\(c.leakRate)", expected: "in (0, 1]")
        }
        guard c.density > 0 && c.density <= 1 else {
            throw ReservoirError.invalidParameter(name: "density", value: "\(c.density)", expected: "in (0, 1]")
        }
        guard c.spectralRadius >= 0 && c.spectralRadius.isFinite else {
            throw ReservoirError.invalidParameter(name: "spectral radius", value: "\(c.spectralRadius)",
                                                  expected: "finite and >= 0")
        }
        guard inputChannels >= 1 else {
            throw ReservoirError.invalidParameter(name: "input channels", value: "\(inputChannels)", expected: ">= 1")
        }
        let n = c.nodes
        var rng = SeededRandom(seed: c.seed)
        var w = Matrix(rows: n, columns: n)
        for i in 0..<w.count {
            let v = rng.uniform(-1, 1)
            if c.density >= 1 || rng.uniform() < c.density { w.storage[i] = v }
        }
        let rho = try Eigenvalues.spectralRadius(of: w)
        if rho > 0 {
            let f = c.spectralRadius / rho
            for i in 0..<w.count { w.storage[i] *= f }
        }
        var win = Matrix(rows: n, columns: inputChannels)
        for i in 0..<win.count { win.storage[i] = rng.uniform(-c.inputScaling, c.inputScaling) }
        var b = [Double](repeating: 0, count: n)
        if c.biasScaling != 0 { for i in 0..<n { b[i] = rng.uniform(-c.biasScaling, c.biasScaling) } }
        self.configuration = c
        self.weights = w
        self.inputWeights = win
        self.bias = b
        self.inputChannels = inputChannels
    }

    /// Runs all sequences together: at step n the sequences still running (the longest first) advance
    /// as one matrix product X W^T (BLAS dgemm), so a batch costs one GEMM per step.
    /// - Complexity: O(sum_b T_b N (N + C)).
    public func states(for sequences: [Matrix]) throws -> [Matrix] {
        for (b, s) in sequences.enumerated() where s.columns != inputChannels {
            throw ReservoirError.inputChannelMismatch(source: name, expected: inputChannels, got: s.columns, sequence: b)
        }
        let n = configuration.nodes, cIn = inputChannels, a = configuration.leakRate
        let order = sequences.indices.sorted { sequences[$0].rows > sequences[$1].rows }
        let batch = order.count
        let steps = order.first.map { sequences[$0].rows } ?? 0
        var results = sequences.map { Matrix(rows: $0.rows, columns: n) }
        var x = [Double](repeating: 0, count: batch * n)      // current states, row r = sequence order[r]
        var pre = [Double](repeating: 0, count: batch * n)    // pre-activations
        var active = batch
        for t in 0..<steps {
            while active > 0 && sequences[order[active - 1]].rows <= t { active -= 1 }
            weights.storage.withUnsafeBufferPointer { wp in
                x.withUnsafeBufferPointer { xp in
                    pre.withUnsafeMutableBufferPointer { pp in
                        // pre = X W^T for the active rows.
                        BLAS.gemm(transB: true, m: active, n: n, k: n, a: xp.baseAddress!, lda: n,
                                  b: wp.baseAddress!, ldb: n, c: pp.baseAddress!, ldc: n)
                    }
                }
            }
            for r in 0..<active {
                let seq = order[r]
                let s = sequences[seq]
                for i in 0..<n {
                    var v = pre[r * n + i] + bias[i]
                    for ch in 0..<cIn { v += inputWeights[i, ch] * s[t, ch] }
                    let xi = (1 - a) * x[r * n + i] + a * tanh(v)
                    x[r * n + i] = xi
                }
                results[seq].storage.withUnsafeMutableBufferPointer { out in
                    for i in 0..<n { out[t * n + i] = x[r * n + i] }
                }
            }
        }
        return results
    }
}
