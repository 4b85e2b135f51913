import Numerics

/// A multilayer perceptron h_l = act_l(W_l h_{l-1} + b_l), l = 1..L, h_0 the input, h_L the output.
///
/// This is the network of the Spin-Neural ODE (Chen et al., Nat. Commun. 13, 1016 (2022), Methods:
/// Linear(2k -> H), tanh, Linear(H -> H), tanh, Linear(H -> k)) for any widths and one activation
/// per layer. Storage follows `torch.nn.Linear`: W_l is [out x in] row-major (element (o, i) at
/// o * in + i), b_l has `out` entries, and the flat parameter vector is W_1, b_1, W_2, b_2, ..., the
/// order of `nn.Sequential(...).parameters()`, so a state dict moves in and out by concatenation.
///
/// The batched forward pass and the vector-Jacobian product live in `MLP+Forward.swift` and
/// `MLP+VectorJacobianProduct.swift`; both run over a preallocated `MLPWorkspace`.
public struct MLP: Sendable, Equatable {
    /// Layer widths [in, h_1, ..., out]; `widths.count - 1` layers.
    public let widths: [Int]
    /// Activation of each layer (count `widths.count - 1`).
    public let activations: [Activation]
    /// The flat parameter vector theta = [W_1, b_1, W_2, b_2, ...] (row-major W_l).
    public var parameters: [Double]
    /// Offset of W_l in `parameters`, l = 0..<layerCount.
    public let weightOffsets: [Int]
    /// Offset of b_l in `parameters`.
    public let biasOffsets: [Int]

    public var layerCount: Int { widths.count - 1 }
    public var inputWidth: Int { widths[0] }
    public var outputWidth: Int { widths[widths.count - 1] }
    public var parameterCount: Int { parameters.count }

    /// Number of parameters of a network of these widths: sum_l (in_l + 1) out_l.
    public static func parameterCount(widths: [Int]) -> Int {
        var n = 0
        for l in 0..<(widths.count - 1) { n += (widths[l] + 1) * widths[l + 1] }
        return n
    }

    /// A network with all parameters zero (set them with `parameters` or `setParameters`).
    public init(widths: [Int], activations: [Activation]) throws {
        guard widths.count >= 2 else { throw NeuralNetError.shape("MLP needs at least an input and an output width, got \(widths)") }
        guard widths.allSatisfy({ $0 > 0 }) else { throw NeuralNetError.shape("MLP widths must be positive, got \(widths)") }
        guard activations.count == widths.count - 1 else {
            throw NeuralNetError.shape("MLP with widths \(widths) needs \(widths.count - 1) activations, got \(activations.count)")
        }
        self.widths = widths
        self.activations = activations
        var w = [Int](), b = [Int](), offset = 0
        for l in 0..<(widths.count - 1) {
            w.append(offset); offset += widths[l] * widths[l + 1]
            b.append(offset); offset += widths[l + 1]
        }
        weightOffsets = w
        biasOffsets = b
        parameters = [Double](repeating: 0, count: offset)
    }

    /// A network initialised by `initialisation` from a generator seeded with `seed` (same seed, same weights).
    public init(widths: [Int], activations: [Activation], initialisation: MLPInitialisation, seed: UInt64) throws {
        try self.init(widths: widths, activations: activations)
        var rng = SeededRandom(seed: seed)
        initialise(initialisation, using: &rng)
    }

    /// Replaces all parameters with a flat vector in the order W_1, b_1, W_2, b_2, ...
    public mutating func setParameters(_ theta: [Double]) throws {
        guard theta.count == parameters.count else {
            throw NeuralNetError.shape("MLP \(widths) has \(parameters.count) parameters, got \(theta.count)")
        }
        parameters = theta
    }

    /// W_l as a matrix [out x in] (a copy).
    public func weight(layer l: Int) -> Matrix {
        let o = widths[l + 1], i = widths[l]
        return Matrix(rows: o, columns: i, storage: Array(parameters[weightOffsets[l]..<(weightOffsets[l] + o * i)]))
    }

    /// b_l (a copy).
    public func bias(layer l: Int) -> [Double] {
        Array(parameters[biasOffsets[l]..<(biasOffsets[l] + widths[l + 1])])
    }

    /// Sets W_l from an [out x in] matrix.
    public mutating func setWeight(layer l: Int, _ w: Matrix) throws {
        guard w.rows == widths[l + 1], w.columns == widths[l] else {
            throw NeuralNetError.shape("layer \(l) weight must be \(widths[l + 1]) x \(widths[l]), got \(w.rows) x \(w.columns)")
        }
        parameters.replaceSubrange(weightOffsets[l]..<(weightOffsets[l] + w.count), with: w.storage)
    }

    /// Sets b_l.
    public mutating func setBias(layer l: Int, _ b: [Double]) throws {
        guard b.count == widths[l + 1] else {
            throw NeuralNetError.shape("layer \(l) bias must have \(widths[l + 1]) entries, got \(b.count)")
        }
        parameters.replaceSubrange(biasOffsets[l]..<(biasOffsets[l] + b.count), with: b)
    }
}

/// Errors of the NeuralNet module: a wrong shape or parameter count, with the numbers involved.
public enum NeuralNetError: Error, CustomStringConvertible, Equatable {
    case shape(String)
    case invalidOption(String)

    public var description: String {
        switch self {
        case .shape(let s): return "NeuralNet shape error: \(s)"
        case .invalidOption(let s): return "NeuralNet invalid option: \(s)"
        }
    }
}
