import Numerics

/// Anything that turns input sequences into reservoir states: a physical or simulated `Device` driven
/// through a `TimeMultiplexer`, or the software `EchoStateNetwork` baseline. Every `ReservoirTask`
/// runs on every feature source, so devices are compared on identical work.
///
/// An input sequence is a T x C matrix: row n holds the C input channels of sample u(n). The states of
/// a sequence are a T x N matrix: row n holds the N node (or virtual-node) states after sample n has
/// been applied. Each sequence starts from the source's own initial state; sequences are independent
/// and may be computed together as one batch.
public protocol ReservoirFeatureSource: AnyObject {
    /// Short human-readable name, e.g. "esn", "surrogate skyrmion-disk via time multiplexing".
    var name: String { get }
    /// N, the number of state features per input sample.
    var nodeCount: Int { get }
    /// C, the number of input channels each sample must have.
    var inputChannels: Int { get }
    /// Device time simulated so far by this source, in seconds (0 for software reservoirs), summed
    /// over all sequences: the time a single physical device would need to run them one after another.
    var deviceSecondsSimulated: Double { get }

    /// The T_b x N states of each T_b x C input sequence b.
    func states(for sequences: [Matrix]) throws -> [Matrix]
}

extension ReservoirFeatureSource {
    /// States for scalar input sequences (C = 1), one array per sequence.
    public func states(forScalarSequences sequences: [[Double]]) throws -> [Matrix] {
        try states(for: sequences.map { Matrix(rows: $0.count, columns: 1, storage: $0) })
    }
}
