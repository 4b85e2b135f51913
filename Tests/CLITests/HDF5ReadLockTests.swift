import CHDF5
import Foundation
import XCTest

/// Readers never fail on HDF5's own file locking (issue 13): libhdf5 1.10.7+ flocks every file it opens
/// (exclusively for writing), so a file another program holds open for writing (h5py, HDFView, a second
/// libhdf5 process) gave "unable to lock file, errno = 11". SpinODE opens its inputs with HDF5 locking off
/// (`H5Pset_file_locking`); its own outputs are locked by SafeIO and replaced by rename, so a reader sees
/// the previous file or the new one whole.
final class HDF5ReadLockTests: XCTestCase {
    func testFileHeldOpenForWritingByAnotherHDF5ProgramIsRead() throws {
        let dir = try makeTemporaryDirectory(self)
        let (traces, model) = try importAndFitTinyModel(into: dir)

        // This process opens both files read-write with libhdf5's default locking, as another HDF5 program would.
        let paths: [String] = [traces, model]
        let holders = paths.map { (path: String) -> hid_t in H5Fopen(path, spinode_H5F_ACC_RDWR(), spinode_H5P_DEFAULT()) }
        defer { holders.forEach { H5Fclose($0) } }
        XCTAssert(holders.allSatisfy { $0 >= 0 })
        for path in [traces, model] {
            // The lock is really held: a second exclusive flock on the file is refused.
            let fd = open(path, O_RDONLY)
            defer { close(fd) }
            XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), -1, "libhdf5 did not lock \(path)")
        }

        let inspect = try runSpinode(["inspect", model, "--json"])
        XCTAssertEqual(try jsonObject(inspect.stdout)["format"] as? String, "spinode-model")
        try runSpinode(["inspect", traces])
        try runSpinode(["predict", model, traces, "--out", dir + "/prediction.h5"])
        XCTAssert(FileManager.default.fileExists(atPath: dir + "/prediction.h5"))
    }
}
