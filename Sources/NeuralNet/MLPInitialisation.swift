import Numerics

/// How the parameters of a fresh `MLP` are drawn. Every draw comes from a `SeededRandom`.
public enum MLPInitialisation: Sendable, Equatable {
    /// Weights and biases i.i.d. N(0, sigma^2). The Spin-Neural ODE uses sigma = 0.1
    /// (Chen et al., Nat. Commun. 13, 1016 (2022); authors' code: `nn.init.normal_(std=0.1)` on both).
    case normal(sigma: Double)
    /// Glorot and Bengio (AISTATS 2010), "Xavier uniform": W_l i.i.d. uniform in [-a, a],
    /// a = gain sqrt(6 / (in_l + out_l)) (variance a^2 / 3 = 2 gain^2 / (in + out)); biases zero,
    /// as `torch.nn.init.xavier_uniform_` with zeroed biases.
    case xavierUniform(gain: Double)

    /// The paper's initialisation, N(0, 0.1^2) for every weight and bias.
    public static let paper = MLPInitialisation.normal(sigma: 0.1)
}

extension MLP {
    /// Redraws all parameters. Draw order: layer by layer, W_l row-major then b_l (the flat order).
    public mutating func initialise(_ scheme: MLPInitialisation, using rng: inout SeededRandom) {
        for l in 0..<layerCount {
            let fanIn = widths[l], fanOut = widths[l + 1]
            let w = weightOffsets[l], b = biasOffsets[l]
            switch scheme {
            case .normal(let sigma):
                for j in 0..<(fanIn * fanOut) { parameters[w + j] = rng.normal(mean: 0, sigma: sigma) }
                for j in 0..<fanOut { parameters[b + j] = rng.normal(mean: 0, sigma: sigma) }
            case .xavierUniform(let gain):
                let a = gain * (6.0 / Double(fanIn + fanOut)).squareRoot()
                for j in 0..<(fanIn * fanOut) { parameters[w + j] = rng.uniform(-a, a) }
                for j in 0..<fanOut { parameters[b + j] = 0 }
            }
        }
    }
}
