#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The element-wise nonlinearity of one MLP layer, h = act(z), with its derivative dact/dz.
///
/// The set is the one the surrogate contract allows (docs/surrogate-model.md): `tanh` (the paper's
/// hidden layers, Chen et al., Nat. Commun. 13, 1016 (2022), Methods), `softplus`, `relu` and
/// `identity` (the usual output layer). Conventions follow PyTorch (`torch.nn.Tanh`, `Softplus`
/// with beta 1, `ReLU` whose derivative at exactly 0 is taken as 0, `Identity`), so weights move
/// between the two without change of meaning.
public enum Activation: String, CaseIterable, Sendable, Codable {
    case tanh
    case softplus
    case relu
    case identity

    /// act(z).
    /// softplus(z) = log(1 + e^z), evaluated as max(z, 0) + log1p(e^{-|z|}) so it neither
    /// overflows nor loses digits for large |z|.
    @inlinable
    public func value(_ z: Double) -> Double {
        switch self {
        case .tanh: return _tanh(z)
        case .softplus: return Swift.max(z, 0) + _log1p(_exp(-Swift.abs(z)))
        case .relu: return z > 0 ? z : 0
        case .identity: return z
        }
    }

    /// dact/dz at z: 1 - tanh^2 z; the logistic sigmoid 1/(1 + e^{-z}); the step z > 0; 1.
    @inlinable
    public func derivative(_ z: Double) -> Double {
        switch self {
        case .tanh: let t = _tanh(z); return 1 - t * t
        case .softplus: return Activation.sigmoid(z)
        case .relu: return z > 0 ? 1 : 0
        case .identity: return 1
        }
    }

    /// dact/dz from the pre-activation z and the output h = act(z) of a forward pass. For tanh it
    /// uses 1 - h^2 (no second tanh), so backward passes cost one multiply per element.
    @inlinable
    public func derivative(preActivation z: Double, output h: Double) -> Double {
        switch self {
        case .tanh: return 1 - h * h
        case .softplus: return Activation.sigmoid(z)
        case .relu: return z > 0 ? 1 : 0
        case .identity: return 1
        }
    }

    /// The logistic sigmoid 1/(1 + e^{-z}), written so that the exponential never overflows.
    @inlinable
    public static func sigmoid(_ z: Double) -> Double {
        if z >= 0 { return 1 / (1 + _exp(-z)) }
        let e = _exp(z)
        return e / (1 + e)
    }

    /// h[i] = act(z[i]) for i in 0..<count (h may alias z). tanh runs through the SIMD
    /// `VectorTanh` (relative error below 1e-15, see its doc comment).
    /// - Complexity: O(count), no allocation.
    public func apply(count: Int, z: UnsafePointer<Double>, h: UnsafeMutablePointer<Double>) {
        switch self {
        case .tanh: VectorTanh.apply(count: count, x: z, y: h)
        case .softplus: for i in 0..<count { h[i] = Activation.softplus.value(z[i]) }
        case .relu: for i in 0..<count { let v = z[i]; h[i] = v > 0 ? v : 0 }
        case .identity: if UnsafePointer(h) != z { h.update(from: z, count: count) }
        }
    }

    /// g[i] *= dact/dz at (z[i], h[i]) for i in 0..<count: the backward pass through the layer.
    public func multiplyDerivative(count: Int, z: UnsafePointer<Double>, h: UnsafePointer<Double>,
                                   g: UnsafeMutablePointer<Double>) {
        switch self {
        case .tanh: for i in 0..<count { let v = h[i]; g[i] *= 1 - v * v }
        case .softplus: for i in 0..<count { g[i] *= Activation.sigmoid(z[i]) }
        case .relu: for i in 0..<count where !(z[i] > 0) { g[i] = 0 }
        case .identity: break
        }
    }
}

@usableFromInline func _tanh(_ x: Double) -> Double { tanh(x) }
@usableFromInline func _exp(_ x: Double) -> Double { exp(x) }
@usableFromInline func _log1p(_ x: Double) -> Double { log1p(x) }
