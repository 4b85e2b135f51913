import Foundation
import SafeIO
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class AtomicFileTests: XCTestCase {
    func testWritesAndReplacesLeavingNoTemporary() throws {
        let folder = try makeFolder(self)
        let path = folder + "/a.dat"
        try AtomicFile.write(Data("first".utf8), to: path)
        try AtomicFile.write(Data("second".utf8), to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second")
        XCTAssertEqual(try contents(folder), ["a.dat"])
    }

    func testErrorInsideWriteKeepsTheOldFile() throws {
        struct Failure: Error {}
        let folder = try makeFolder(self)
        let path = folder + "/a.dat"
        try AtomicFile.write(Data("old".utf8), to: path)
        XCTAssertThrowsError(try AtomicFile.write(path) { temporary in
            FileManager.default.createFile(atPath: temporary, contents: Data("half".utf8))
            throw Failure()
        })
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "old")
        XCTAssertEqual(try contents(folder), ["a.dat"])
    }

    /// A file-size limit makes write(2) fail with EFBIG as a full disk fails with ENOSPC: the error names
    /// the file and errno's message, the old file stays, no temporary is left.
    func testFailedWriteKeepsTheOldFile() throws {
        let folder = try makeFolder(self)
        let path = folder + "/a.dat"
        try AtomicFile.write(Data("old".utf8), to: path)
        signal(SIGXFSZ, SIG_IGN)
        var saved = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &saved)
        var limited = saved
        limited.rlim_cur = 4096
        setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limited)
        defer { setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &saved) }
        XCTAssertThrowsError(try AtomicFile.write(Data(count: 100_000), to: path)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(path), text)
            XCTAssertTrue(text.contains("File too large"), text)
        }
        setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &saved)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "old")
        XCTAssertEqual(try contents(folder), ["a.dat"])
    }

    func testSymbolicLinkIsWrittenThrough() throws {
        let folder = try makeFolder(self)
        let target = folder + "/target.dat"
        let link = folder + "/link.dat"
        try AtomicFile.write(Data("old".utf8), to: target)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        try AtomicFile.write(Data("new".utf8), to: link)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), target)
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "new")
    }

    func testDirectoryIsNeverReplaced() throws {
        let folder = try makeFolder(self)
        let directory = folder + "/results"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        FileManager.default.createFile(atPath: directory + "/keep.txt", contents: Data("precious".utf8))
        XCTAssertThrowsError(try AtomicFile.write(Data("x".utf8), to: directory)) { error in
            XCTAssertEqual(error as? SafeIOError, .outputIsDirectory(path: directory, option: "output"))
        }
        XCTAssertEqual(try String(contentsOfFile: directory + "/keep.txt", encoding: .utf8), "precious")
        XCTAssertEqual(try contents(folder), ["results"])
    }
}
