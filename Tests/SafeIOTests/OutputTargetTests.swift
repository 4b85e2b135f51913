import Foundation
import SafeIO
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class OutputTargetTests: XCTestCase {
    func testRefusesDirectoriesAndSpecialFiles() throws {
        let folder = try makeFolder(self)
        XCTAssertThrowsError(try OutputTarget(folder).check()) {
            XCTAssertEqual($0 as? SafeIOError, .outputIsDirectory(path: folder, option: "--out"))
        }
        XCTAssertThrowsError(try OutputTarget("/dev/null").check()) {
            XCTAssertEqual($0 as? SafeIOError, .outputIsSpecial(path: "/dev/null", option: "--out", kind: "character device"))
        }
        let fifo = folder + "/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        XCTAssertThrowsError(try OutputTarget(fifo).check()) {
            XCTAssertEqual($0 as? SafeIOError, .outputIsSpecial(path: fifo, option: "--out", kind: "FIFO (named pipe)"))
        }
        let dangling = folder + "/dangling"
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: folder + "/nowhere")
        XCTAssertThrowsError(try OutputTarget(dangling).check()) {
            XCTAssertEqual($0 as? SafeIOError, .danglingLink(path: dangling, option: "--out"))
        }
        XCTAssertThrowsError(try OutputTarget(folder + "/missing/out.h5").check()) {
            XCTAssertTrue("\($0)".contains("does not exist"), "\($0)")
        }
        XCTAssertNoThrow(try OutputTarget(folder + "/new.h5").check())
    }

    /// An output that is an input by path, by a symbolic link or by a hard link is refused.
    func testRefusesAnInputUnderAnyName() throws {
        let folder = try makeFolder(self)
        let input = folder + "/traces.h5"
        FileManager.default.createFile(atPath: input, contents: Data("data".utf8))
        let symlink = folder + "/alias.h5"
        try FileManager.default.createSymbolicLink(atPath: symlink, withDestinationPath: input)
        let hardlink = folder + "/hard.h5"
        XCTAssertEqual(link(input, hardlink), 0)
        for output in [input, symlink, hardlink, folder + "/./traces.h5"] {
            XCTAssertThrowsError(try OutputTarget(output).check(inputs: [input])) {
                XCTAssertEqual($0 as? SafeIOError, .outputIsInput(path: output, option: "--out", input: input))
            }
        }
        XCTAssertNoThrow(try OutputTarget(folder + "/other.h5").check(inputs: [input]))
    }

    func testClaimRefusesTwoOutputsOnOneFileAndLocks() throws {
        let folder = try makeFolder(self)
        let out = folder + "/model.h5"
        XCTAssertThrowsError(try OutputTarget.claim([OutputTarget(out), OutputTarget(out, option: "--checkpoint")])) {
            XCTAssertEqual($0 as? SafeIOError, .outputsCoincide(path: out, first: "--out", second: "--checkpoint"))
        }
        let locks = try OutputTarget.claim([OutputTarget(out)])
        XCTAssertThrowsError(try OutputTarget.claim([OutputTarget(out)])) {
            XCTAssertEqual($0 as? SafeIOError, .locked(path: out, holder: getpid()))
        }
        locks.forEach { $0.release() }
        XCTAssertEqual(try contents(folder), [], "the lock file is removed on release")
        let again = try OutputTarget.claim([OutputTarget(out)])
        again.forEach { $0.release() }
    }

    /// Temporaries of a process that no longer runs are removed by the next claim of the same output;
    /// those of a live process (this one) are kept.
    func testStaleTemporariesOfDeadProcessesAreRemoved() throws {
        let folder = try makeFolder(self)
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let stale = folder + "/.out.h5\(TemporaryFiles.marker)\(finished.processIdentifier)-abc"
        let live = folder + "/.out.h5\(TemporaryFiles.marker)\(getpid())-def"
        let other = folder + "/.other.h5\(TemporaryFiles.marker)\(finished.processIdentifier)-abc"
        for p in [stale, live, other] { FileManager.default.createFile(atPath: p, contents: Data()) }
        let locks = try OutputTarget.claim([OutputTarget(folder + "/out.h5")])
        locks.forEach { $0.release() }
        XCTAssertEqual(try contents(folder), [".other.h5\(TemporaryFiles.marker)\(finished.processIdentifier)-abc",
                                              ".out.h5\(TemporaryFiles.marker)\(getpid())-def"])
    }

    func testOutputFolderChecks() throws {
        let folder = try makeFolder(self)
        let file = folder + "/file"
        FileManager.default.createFile(atPath: file, contents: Data())
        XCTAssertThrowsError(try OutputFolder(file).check()) { XCTAssertTrue("\($0)".contains("is not a folder"), "\($0)") }
        XCTAssertNoThrow(try OutputFolder(folder + "/new/deeper").check())
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/new"), "check creates nothing")
        XCTAssertThrowsError(try OutputFolder(file + "/sub").check())
    }
}
