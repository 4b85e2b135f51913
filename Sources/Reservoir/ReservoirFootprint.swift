import Foundation
import SafeIO
import Numerics

/// The memory a reservoir task will need, estimated from the node count and the task's length before
/// anything is allocated, so `--nodes 1000000` is refused with the numbers and the machine's available
/// memory instead of being ended by the OOM killer. Float64 arithmetic: absurd counts cannot overflow.
///
/// Counted (8-byte values; lower bounds of the large arrays):
/// - echo state network: the N x N recurrent weights and the eigenvalue problem of its spectral
///   radius (LAPACK dgeev: a copy and workspace, about 4 N^2 more);
/// - the node states, T x N, and the readout's design matrix, T x (N + 1), plus one fold's copy;
/// - the ridge readout: the (N + 1)^2 normal matrix and its singular value decomposition (U, V), 3 (N + 1)^2;
/// - time multiplexing: the device drive, T x N x hold samples.
public struct ReservoirFootprint: Sendable, Equatable {
    /// Estimated memory, bytes.
    public var bytes: Double
    /// Task samples T the estimate is for.
    public var samples: Double

    /// `nodes` virtual or physical nodes N over `samples` task samples T (all input sequences, and any
    /// comparison segment; a Double, so a sum of absurd counts cannot overflow); `holdSamples` device
    /// samples per node for a time-multiplexed device, nil for the ESN.
    public init(nodes: Int, samples t: Double, holdSamples: Int?) {
        let n = Double(nodes)
        samples = t
        var values = 3 * t * n + 3 * (n + 1) * (n + 1) + t * (n + 1)
        if let hold = holdSamples { values += t * n * Double(hold) } else { values += 5 * n * n }
        bytes = 8 * values
    }

    /// Refuses a task that would not fit in `availableBytes` (default: MemAvailable of this machine).
    public func check(nodes: Int, availableBytes: Double = SystemResources.availableMemory()) throws {
        guard bytes <= availableBytes else {
            throw ReservoirError.exceedsMemory(
                "\(nodes) nodes need about \(ByteCount(bytes)) over " + String(format: "%.3g", samples)
                + " task samples (states, readout and reservoir matrices, device drive), "
                + "\(ByteCount(availableBytes)) available (MemAvailable); lower --nodes, --hold or --compare-samples")
        }
    }
}
