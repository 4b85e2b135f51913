import MessagePassing
import Surrogate

/// Under `mpirun spinode fit` the MPI world sums the gradients of a data-parallel fit.
extension MPIWorld: GradientAllReduce {
    public func sum(_ values: inout [Double]) throws { try allReduceSum(&values) }
}
