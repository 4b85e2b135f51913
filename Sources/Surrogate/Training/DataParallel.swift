/// Sums a vector over the processes of a data-parallel fit: MPI_Allreduce under `mpirun spinode fit`
/// (Workflows makes `MPIWorld` one). Every process must call `sum` the same number of times, with vectors
/// of the same length, and gets the same values back.
public protocol GradientAllReduce: AnyObject {
    /// This process's rank, 0 ..< size.
    var rank: Int { get }
    /// Number of processes.
    var size: Int { get }
    /// Replaces `values` by the elementwise sum of every process's `values`.
    func sum(_ values: inout [Double]) throws
}

/// The windows of a minibatch that one process of a data-parallel fit integrates: every process draws the
/// same B windows (and their noise) from the iteration's generator, and rank r of P takes the contiguous
/// block r B / P ..< (r + 1) B / P. Its loss and gradient are means over its block, so each is weighted
/// by its share of the batch, |block| / B, before the sum over processes: the sum is then the loss and
/// gradient of the whole minibatch, as one process computes it, up to the order of the additions.
public enum MinibatchShare {
    /// Block of rank `rank` of `size` in a batch of `batch` windows (needs batch >= size).
    public static func range(batch: Int, rank: Int, size: Int) -> Range<Int> {
        (rank * batch / size) ..< ((rank + 1) * batch / size)
    }
}
