/// The delay embedding of the surrogate's state (docs/surrogate-model.md; Chen et al., Nat. Commun.
/// 13, 1016 (2022), Methods: y = [x(t), x(t + dt), ..., x(t + (k-1) dt)], k = 2 in the paper).
///
/// State layout, channel-major with `order` k delays per output channel, then `augment` latent
/// components that start at 0:
///   y = [x_0(t), x_0(t + dt), ..., x_0(t + (k-1) dt), x_1(t), ..., x_{n_out-1}(t + (k-1) dt), z_0, ..., z_{n_aug-1}].
/// Component c k + d holds channel c delayed by d samples. Series are sample-major
/// (`series[i * outputCount + c]` is channel c at sample i) and already normalised.
public struct DelayEmbedding: Sendable, Equatable, Codable {
    /// Embedding order k (number of delays per channel, >= 1).
    public let order: Int
    /// Number of output channels n_out.
    public let outputCount: Int
    /// Number of augmented latent components n_aug (>= 0).
    public let augment: Int

    public init(order: Int, outputCount: Int, augment: Int = 0) throws {
        guard order >= 1 else { throw SurrogateError.invalidOption("embedding order must be >= 1, got \(order)") }
        guard outputCount >= 1 else {
            throw SurrogateError.invalidOption("a surrogate needs at least one output channel, got \(outputCount)")
        }
        guard augment >= 0 else { throw SurrogateError.invalidOption("augment must be >= 0, got \(augment)") }
        self.order = order
        self.outputCount = outputCount
        self.augment = augment
    }

    /// State dimension n = k n_out + n_aug.
    @inlinable public var stateDimension: Int { order * outputCount + augment }

    /// The state dimension n = k n_out + n_aug and the network's input width n + k n_in + n_par, in Double
    /// for counts that may not fit an `Int` (a run's size is checked before anything is built).
    static func widths(order k: Double, outputCount: Double, augment: Double, inputCount: Double,
                       parameterCount: Double) -> (state: Double, networkInput: Double) {
        let n = k * outputCount + augment
        return (n, n + k * inputCount + parameterCount)
    }

    /// Number of embedded (observable) components k n_out.
    @inlinable public var embeddedCount: Int { order * outputCount }

    /// Index in the state of channel c delayed by d samples: c k + d.
    @inlinable public func stateIndex(channel c: Int, delay d: Int) -> Int { c * order + d }

    /// The state indices of the first delay of each channel (the predicted outputs): c k.
    public var firstDelayIndices: [Int] { (0..<outputCount).map { stateIndex(channel: $0, delay: 0) } }

    /// Number of extra network inputs per state, k n_in + n_par: each of the n_in input channels at the
    /// k sample times the state spans, then the n_par static parameters (docs/surrogate-model.md,
    /// "Network input").
    @inlinable public func extraInputCount(inputCount: Int, parameterCount: Int) -> Int { order * inputCount + parameterCount }

    /// Index in the extra network inputs of input channel j delayed by d samples: j k + d (channel-major,
    /// as the state).
    @inlinable public func extraInputIndex(channel j: Int, delay d: Int) -> Int { j * order + d }

    /// Index in the extra network inputs of static parameter q: k n_in + q (after every delayed input).
    @inlinable public func parameterIndex(_ q: Int, inputCount: Int) -> Int { order * inputCount + q }

    /// Valid start samples of a series of `sampleCount` samples: 0 ... sampleCount - k.
    public func startRange(sampleCount: Int) throws -> ClosedRange<Int> {
        guard sampleCount >= order else {
            throw SurrogateError.invalidTrace(
                "embedding order k = \(order) needs at least \(order) samples, the trace has \(sampleCount)")
        }
        return 0...(sampleCount - order)
    }

    /// Writes the embedded state at start sample `start` into `state[0..<stateDimension]` (latent
    /// components 0). Requires 0 <= start <= sampleCount - k.
    /// - Complexity: O(n), no allocation.
    @inlinable
    public func embed(series: UnsafePointer<Double>, start: Int, into state: UnsafeMutablePointer<Double>) {
        for c in 0..<outputCount {
            for d in 0..<order { state[stateIndex(channel: c, delay: d)] = series[(start + d) * outputCount + c] }
        }
        for a in 0..<augment { state[embeddedCount + a] = 0 }
    }

    /// The embedded state at `start` of a sample-major series (`series.count` = samples x n_out).
    public func embed(series: [Double], start: Int) throws -> [Double] {
        let samples = series.count / outputCount
        guard series.count == samples * outputCount else {
            throw SurrogateError.invalidTrace("series of \(series.count) values is not a whole number of \(outputCount)-channel samples")
        }
        let range = try startRange(sampleCount: samples)
        guard range.contains(start) else {
            throw SurrogateError.invalidOption("embedding start sample \(start) outside \(range.lowerBound)...\(range.upperBound)")
        }
        var state = [Double](repeating: 0, count: stateDimension)
        series.withUnsafeBufferPointer { s in
            state.withUnsafeMutableBufferPointer { embed(series: s.baseAddress!, start: start, into: $0.baseAddress!) }
        }
        return state
    }

    /// Inverts the embedding: the sample-major series read back from states at consecutive starts
    /// 0, 1, ..., count - 1 (first delays of each state, then the remaining delays of the last state).
    /// The result has count + k - 1 samples.
    public func series(fromStates states: [[Double]]) -> [Double] {
        guard let last = states.last else { return [] }
        var out = [Double]()
        out.reserveCapacity((states.count + order - 1) * outputCount)
        for y in states { for c in 0..<outputCount { out.append(y[stateIndex(channel: c, delay: 0)]) } }
        if order > 1 { for d in 1..<order { for c in 0..<outputCount { out.append(last[stateIndex(channel: c, delay: d)]) } } }
        return out
    }
}
