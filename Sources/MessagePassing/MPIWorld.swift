import CMPI
import Foundation

/// The MPI world of a process started by Open MPI's `mpirun` (MPI-3.1 standard, point-to-point
/// messages of one 64-bit integer): rank, size, blocking send and receive, a non-blocking probe, and
/// the sum of a vector of Doubles over the ranks.
///
/// `MPI_Init` is called only when the environment says an MPI launcher started the process (`launched`:
/// Open MPI's `mpirun`, or a PMIx launcher such as Slurm's `srun --mpi=pmix`), so the same binary runs
/// serially without one. Only the thread that called `start()` may use the world (MPI_THREAD_SINGLE).
public final class MPIWorld {
    public let rank: Int
    public let size: Int
    private var finalized = false

    /// Whether an MPI launcher started a process with this environment: Open MPI's `mpirun` sets
    /// `OMPI_COMM_WORLD_SIZE`; a PMIx launcher (Slurm's `srun --mpi=pmix`, which Open MPI's `MPI_Init`
    /// joins directly, without mpirun) sets `PMIX_RANK`. Slurm's own variables alone (`SLURM_PROCID`) do
    /// not count: `srun --mpi=none` starts independent processes.
    public static func launched(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil
    }

    /// The number of processes the launcher started, when the environment says (mpirun's
    /// `OMPI_COMM_WORLD_SIZE`, or Slurm's `SLURM_STEP_NUM_TASKS` under a PMIx launch), before `MPI_Init`.
    public static func launchedSize(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        if let size = environment["OMPI_COMM_WORLD_SIZE"].flatMap(Int.init) { return size }
        guard environment["PMIX_RANK"] != nil else { return nil }
        return environment["SLURM_STEP_NUM_TASKS"].flatMap(Int.init)
    }

    /// Initialises MPI when an MPI launcher started the process (`launched`), else nil (run serially).
    public static func start() throws -> MPIWorld? {
        guard launched() else { return nil }
        guard MPI_Init(nil, nil) == spinode_MPI_SUCCESS() else { throw MPIError.call("MPI_Init", code: -1) }
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(spinode_MPI_COMM_WORLD(), &rank)
        MPI_Comm_size(spinode_MPI_COMM_WORLD(), &size)
        return MPIWorld(rank: Int(rank), size: Int(size))
    }

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// Sends one integer to rank `destination` with message tag `tag` (blocking, MPI_Send).
    public func send(_ value: Int, to destination: Int, tag: Int) throws {
        var v = Int64(value)
        let code = MPI_Send(&v, 1, spinode_MPI_INT64_T(), Int32(destination), Int32(tag), spinode_MPI_COMM_WORLD())
        guard code == spinode_MPI_SUCCESS() else { throw MPIError.call("MPI_Send", code: code) }
    }

    /// Receives one integer from rank `source` (nil: any rank) with tag `tag` (nil: any tag); returns the
    /// value, the sender's rank and the tag (blocking, MPI_Recv).
    public func receive(from source: Int? = nil, tag: Int? = nil) throws -> (value: Int, source: Int, tag: Int) {
        var v: Int64 = 0
        var status = MPI_Status()
        let code = MPI_Recv(&v, 1, spinode_MPI_INT64_T(), source.map { Int32($0) } ?? spinode_MPI_ANY_SOURCE(),
                            tag.map { Int32($0) } ?? spinode_MPI_ANY_TAG(), spinode_MPI_COMM_WORLD(), &status)
        guard code == spinode_MPI_SUCCESS() else { throw MPIError.call("MPI_Recv", code: code) }
        return (Int(v), Int(status.MPI_SOURCE), Int(status.MPI_TAG))
    }

    /// Whether a message is waiting (from any rank, any tag), without receiving it (MPI_Iprobe).
    public func messageWaiting() throws -> Bool {
        var flag: Int32 = 0
        var status = MPI_Status()
        let code = MPI_Iprobe(spinode_MPI_ANY_SOURCE(), spinode_MPI_ANY_TAG(), spinode_MPI_COMM_WORLD(), &flag, &status)
        guard code == spinode_MPI_SUCCESS() else { throw MPIError.call("MPI_Iprobe", code: code) }
        return flag != 0
    }

    /// Replaces `values` on every rank by the elementwise sum over the ranks (MPI_Allreduce, MPI_SUM, in
    /// place). Every rank must call it with the same count. For a fixed rank count Open MPI adds in a fixed
    /// order, so repeated runs give the same bits.
    public func allReduceSum(_ values: inout [Double]) throws {
        let count = Int32(values.count)
        let code = values.withUnsafeMutableBufferPointer { p in
            MPI_Allreduce(spinode_MPI_IN_PLACE(), p.baseAddress, count, spinode_MPI_DOUBLE(), spinode_MPI_SUM(), spinode_MPI_COMM_WORLD())
        }
        guard code == spinode_MPI_SUCCESS() else { throw MPIError.call("MPI_Allreduce", code: code) }
    }

    /// Waits until every rank arrives (MPI_Barrier).
    public func barrier() throws {
        let code = MPI_Barrier(spinode_MPI_COMM_WORLD())
        guard code == spinode_MPI_SUCCESS() else { throw MPIError.call("MPI_Barrier", code: code) }
    }

    /// Ends MPI (MPI_Finalize); call once, before the process exits.
    public func finalize() {
        guard !finalized else { return }
        finalized = true
        MPI_Finalize()
    }
}

/// A failed MPI call, with MPI's error code.
public enum MPIError: Error, CustomStringConvertible {
    case call(String, code: Int32)
    public var description: String {
        switch self {
        case let .call(name, code): return "\(name) failed (MPI error code \(code))"
        }
    }
}
