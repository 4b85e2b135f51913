import MessagePassing
import XCTest

/// Which environments count as started by an MPI launcher (`MPIWorld.launched`): Open MPI's mpirun and a
/// PMIx launcher such as Slurm's `srun --mpi=pmix` (the variables each sets, as seen under mpirun 4.1 here:
/// OMPI_COMM_WORLD_SIZE, PMIX_RANK, PMIX_NAMESPACE), but not Slurm's own variables alone. Before, only
/// mpirun's variable counted, and `srun --mpi=pmix spinode sweep` (docs/scaling.md) ran every process
/// serially over the whole sweep.
final class MPILaunchTests: XCTestCase {
    func testLaunchersAreRecognisedFromTheEnvironment() {
        XCTAssertTrue(MPIWorld.launched(environment: ["OMPI_COMM_WORLD_SIZE": "2", "PMIX_RANK": "1"]))
        XCTAssertTrue(MPIWorld.launched(environment: ["PMIX_RANK": "0", "PMIX_NAMESPACE": "slurm.pmix.42.0",
                                                      "SLURM_PROCID": "0", "SLURM_STEP_NUM_TASKS": "64"]))
        XCTAssertFalse(MPIWorld.launched(environment: ["SLURM_PROCID": "3", "SLURM_NTASKS": "64"]))
        XCTAssertFalse(MPIWorld.launched(environment: [:]))
        XCTAssertEqual(MPIWorld.launchedSize(environment: ["OMPI_COMM_WORLD_SIZE": "8", "SLURM_STEP_NUM_TASKS": "64"]), 8)
        XCTAssertEqual(MPIWorld.launchedSize(environment: ["PMIX_RANK": "0", "SLURM_STEP_NUM_TASKS": "64"]), 64)
        XCTAssertNil(MPIWorld.launchedSize(environment: ["SLURM_STEP_NUM_TASKS": "64"]))
    }

    /// The test process itself, started by `swift test` without a launcher, is not an MPI rank.
    func testThisProcessWasNotLaunchedByMPI() throws {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OMPI_COMM_WORLD_SIZE"] == nil, environment["PMIX_RANK"] == nil else {
            throw XCTSkip("the tests run under an MPI launcher")
        }
        XCTAssertFalse(MPIWorld.launched())
        XCTAssertNil(try MPIWorld.start())
    }
}
