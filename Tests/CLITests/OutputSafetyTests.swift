import Foundation
import TraceIO
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// No user file is lost (issue 13, items 1-6; docs/reliability.md): every command that writes refuses, before
/// any work, an output that is a directory, a device, a FIFO or one of its inputs (by any name), refuses a
/// second writer of the same output, and leaves neither a half-written file nor a temporary behind when a
/// write fails or the run is interrupted.
final class OutputSafetyTests: XCTestCase {
    private struct Fixture {
        var dir: String
        var traces: String
        var table: String
        var model: String
    }

    private func fixture() throws -> Fixture {
        let dir = try makeTemporaryDirectory(self)
        let traces = try importOscillator(DrivenOscillator(samples: 300), into: dir)
        let model = dir + "/model.h5"
        try runSpinode(["fit", traces, "--out", model, "--iterations", "2", "--hidden", "8", "--quiet"])
        return Fixture(dir: dir, traces: traces, table: dir + "/osc.csv", model: model)
    }

    /// Every writing command, with `out` as its output file.
    private func commands(_ f: Fixture, out: String) -> [[String]] {
        [
            ["fit", f.traces, "--out", out, "--iterations", "2", "--hidden", "8", "--quiet"],
            ["predict", f.model, f.traces, "--out", out],
            ["split", f.traces, "--at", "1e-9", "--out", out],
            ["merge", f.traces, "--out", out],
            ["import", "csv", f.table, "--time", "t", "--input", "u", "--output", "x", "--out", out, "--name", "again"],
            ["reservoir", "narma10", "--device", f.model, "--nodes", "4", "--drive-out", out],
            ["simulate", repositoryRoot() + "/Datasets/specs/auto-oscillator.toml", "--out", out, "--quiet"],
        ]
    }

    /// Runs `arguments`, expecting a clean refusal: non-zero exit (no signal), one stderr line with `saying`.
    private func assertRefused(_ arguments: [String], saying expected: String,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try runProcess(try spinode(), arguments)
        let command = "spinode " + arguments.joined(separator: " ")
        XCTAssertFalse(result.signalled, "\(command) died by signal \(result.status)", file: file, line: line)
        XCTAssertNotEqual(result.status, 0, "\(command) succeeded", file: file, line: line)
        XCTAssertEqual(result.stderrLines.count, 1, "\(command): \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(expected), "\(command): '\(expected)' not in: \(result.stderr)", file: file, line: line)
    }

    /// The bytes of every regular file under `dir` (names relative to it), to check nothing changed.
    private func snapshot(_ dir: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: dir)
        while let name = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = dir + "/" + name
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[name] = FileManager.default.contents(atPath: path)
            }
        }
        return files
    }

    func testDirectoryOutputIsRefusedAndKept() throws {
        let f = try fixture()
        let results = f.dir + "/results"
        try FileManager.default.createDirectory(atPath: results, withIntermediateDirectories: false)
        try "a week of traces".write(toFile: results + "/precious.txt", atomically: false, encoding: .utf8)
        let before = try snapshot(f.dir)
        for arguments in commands(f, out: results) {
            try assertRefused(arguments, saying: "'\(results)': is a directory")
        }
        XCTAssertEqual(try snapshot(f.dir), before)
    }

    func testAnInputAsOutputIsRefusedUnderAnyName() throws {
        let f = try fixture()
        let hardlink = f.dir + "/hard.h5", symlink = f.dir + "/alias.h5"
        XCTAssertEqual(link(f.traces, hardlink), 0)
        try FileManager.default.createSymbolicLink(atPath: symlink, withDestinationPath: f.traces)
        let before = try snapshot(f.dir)
        for out in [f.traces, hardlink, symlink] {
            // import extends its --out (a trace file); its input is the table.
            for arguments in commands(f, out: out) where !["reservoir", "simulate", "import"].contains(arguments[0]) {
                try assertRefused(arguments, saying: "is the same file as the input")
            }
        }
        try assertRefused(commands(f, out: f.table).first { $0[0] == "import" }!, saying: "is the same file as the input '\(f.table)'")
        try assertRefused(["predict", f.model, f.traces, "--out", f.model], saying: "is the same file as the input '\(f.model)'")
        try assertRefused(["fit", f.traces, "--out", f.dir + "/m.h5", "--checkpoint", f.traces, "--checkpoint-every", "1"],
                          saying: "is the same file as the input")
        XCTAssertEqual(try snapshot(f.dir), before)
    }

    func testSpecialFilesAreRefused() throws {
        let f = try fixture()
        let fifo = f.dir + "/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        for arguments in commands(f, out: "/dev/full") {
            try assertRefused(arguments, saying: "'/dev/full': is a character device")
        }
        try assertRefused(commands(f, out: fifo)[1], saying: "is a FIFO")
        var info = stat()
        XCTAssertEqual(stat("/dev/full", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR, "/dev/full is still a device")
    }

    /// A symbolic link as output is written through: the file it points to is replaced, the link stays.
    func testSymbolicLinkOutputIsWrittenThrough() throws {
        let f = try fixture()
        let target = f.dir + "/prediction-target.h5", link = f.dir + "/prediction.h5"
        XCTAssertTrue(FileManager.default.createFile(atPath: target, contents: Data("old".utf8)))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        try runSpinode(["predict", f.model, f.traces, "--out", link, "--json"])
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link), target)
        XCTAssertEqual(try TraceFile.read(target).count, 1)
    }

    /// A second writer of a locked output is refused with the holder's pid; the lock file goes with the lock.
    func testSecondWriterIsRefused() throws {
        let f = try fixture()
        let out = f.dir + "/prediction.h5"
        let lock = try FileLock.acquire(out)
        try assertRefused(["predict", f.model, f.traces, "--out", out], saying: "locked by another spinode process (pid \(getpid()))")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        lock.release()
        try runSpinode(["predict", f.model, f.traces, "--out", out, "--json"])
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: f.dir).contains { $0.hasSuffix(".spinode-lock") })
    }

    /// On a file system without flock (Lustre mounted without `flock`, NFS without its lock daemon; here
    /// flock(2) made to fail with ENOSYS by an LD_PRELOAD shim) the outputs are written unlocked after one
    /// warning line, instead of every run being refused as "locked by another spinode process" with an
    /// empty lock file left behind (as before). simulate claims two outputs (the trace and its checkpoint):
    /// still one warning.
    func testFileSystemWithoutLocksWritesUnlockedWithOneWarning() throws {
        let dir = try makeTemporaryDirectory(self)
        let shim = try Self.flockFailingShim(in: dir)
        try Data(TinyFilmSpec.text(relax: false, duration: "4e-11", checkpointEvery: "1e-11").utf8)
            .write(to: URL(fileURLWithPath: dir + "/film.toml"))
        let out = dir + "/trace.h5"
        let r = try runProcess(try spinode(), ["simulate", dir + "/film.toml", "--out", out, "--json"],
                               environment: ["LD_PRELOAD": shim])
        XCTAssertEqual(r.status, 0, r.stderr)
        let warnings = r.stderr.split(separator: "\n").filter { $0.contains("is written without a lock") }
        XCTAssertEqual(warnings.count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("does not support flock (Function not implemented)"), r.stderr)
        XCTAssertEqual(try TraceFile.read(out).first?.count, 5)
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir).contains { $0.hasSuffix(".spinode-lock") })
        // The same command without the shim: locked as usual, no warning.
        let plain = try runProcess(try spinode(), ["simulate", dir + "/film.toml", "--out", out, "--json"])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertFalse(plain.stderr.contains("without a lock"), plain.stderr)
    }

    /// A shared library whose flock(2) fails with ENOSYS, built with the toolchain's C compiler.
    private static func flockFailingShim(in dir: String) throws -> String {
        let source = dir + "/noflock.c", library = dir + "/libnoflock.so"
        try Data("#include <errno.h>\nint flock(int fd, int op) { (void)fd; (void)op; errno = ENOSYS; return -1; }\n".utf8)
            .write(to: URL(fileURLWithPath: source))
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
        let compiler = try XCTUnwrap(["clang", "cc"].lazy.flatMap { name in path.split(separator: ":").map { "\($0)/\(name)" } }
            .first { FileManager.default.isExecutableFile(atPath: $0) }, "no C compiler (clang, cc) on PATH")
        let built = try runProcess(compiler, ["-shared", "-fPIC", "-O2", "-o", library, source])
        XCTAssertEqual(built.status, 0, built.stderr)
        return library
    }

    /// A write that fails part-way (here a file-size limit, which fails write(2) as a full disk does) is one
    /// line naming the file; the previous file stays as it was and no temporary is left.
    func testFailedWriteKeepsThePreviousFile() throws {
        let f = try fixture()
        let out = f.dir + "/merged.h5"
        try runSpinode(["split", f.traces, "--at", "1e-9", "--out", out])
        let before = try snapshot(f.dir)
        let big = f.dir + "/big.csv"
        try DrivenOscillator(samples: 40_000).csv().write(toFile: big, atomically: true, encoding: .utf8)
        let script = "trap '' XFSZ; ulimit -f 64; exec \"$0\" \"$@\""
        let result = try runProcess("/bin/bash", ["-c", script, try spinode()] + ["import", "csv", big, "--time", "t", "--input", "u",
                                                                                  "--output", "x", "--out", out, "--name", "big"])
        XCTAssertFalse(result.signalled, result.stderr)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertEqual(result.stderrLines.count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("cannot write '\(out)': File too large"), result.stderr)
        var after = try snapshot(f.dir)
        after["big.csv"] = nil
        XCTAssertEqual(after, before)
    }

    /// A disk that fills up while `fit` trains: the model cannot be written to --out, the error says so in
    /// one line and names where the trained model was saved instead (a real full disk: a small tmpfs, so the
    /// test needs root and is skipped elsewhere).
    func testFitOnAFullDiskKeepsTheTrainedModel() throws {
        let f = try fixture()
        let mount = f.dir + "/small"
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: false)
        let mounted = try runProcess("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mount])
        guard mounted.status == 0 else { throw XCTSkip("cannot mount a tmpfs here: \(mounted.stderr)") }
        addTeardownBlock { _ = try? runProcess("/bin/umount", [mount]) }
        let out = mount + "/model.h5"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try spinode())
        process.arguments = ["fit", f.traces, "--out", out, "--iterations", "400", "--hidden", "64,64", "--validate-every", "400"]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        usleep(300_000)
        // Fill the disk while it trains.
        _ = try runProcess("/bin/dd", ["if=/dev/zero", "of=" + mount + "/filler", "bs=64k"])
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // One error line (a training note such as "worse than the untrained network" may precede it).
        let lines = stderr.split(separator: "\n").filter { !$0.contains(": note: ") }
        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertNotEqual(process.terminationStatus, 0, stderr)
        XCTAssertEqual(lines.count, 1, stderr)
        XCTAssertTrue(stderr.contains("cannot write '\(out)': No space left on device"), stderr)
        let rescue = try XCTUnwrap(stderr.range(of: "saved to '").map { String(stderr[$0.upperBound...].prefix { $0 != "'" }) })
        addTeardownBlock { try? FileManager.default.removeItem(atPath: rescue) }
        try runSpinode(["inspect", rescue])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mount), ["filler"])
    }

    /// SIGINT during a run with checkpoints removes the temporaries and lock files and keeps the last checkpoint.
    func testInterruptLeavesNoTemporaries() throws {
        let f = try fixture()
        let out = f.dir + "/long.h5"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try spinode())
        process.arguments = ["fit", f.traces, "--out", out, "--iterations", "1000000", "--lr-plateau", "0", "--checkpoint-every", "1", "--quiet"]
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let checkpoint = out + ".checkpoint.json"
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: checkpoint) && Date() < deadline { usleep(20_000) }
        usleep(300_000)
        process.interrupt()
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationReason, .uncaughtSignal, "status \(process.terminationStatus): \(stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: f.dir).filter { $0.hasPrefix(".") }
        XCTAssertEqual(left, [], "temporaries or locks left behind")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: checkpoint))))
    }

    /// Temporaries that a killed process left beside an output are removed by the next write of that output.
    func testStaleTemporariesAreRemoved() throws {
        let f = try fixture()
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let stale = f.dir + "/.split.h5.spinode-tmp-\(finished.processIdentifier)-x1"
        XCTAssertTrue(FileManager.default.createFile(atPath: stale, contents: Data(count: 1000)))
        try runSpinode(["split", f.traces, "--at", "1e-9", "--out", f.dir + "/split.h5"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale))
    }
}
