import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive advisory lock (flock(2)) that one process holds on an output while it writes it, so that
/// two runs writing the same file cannot interleave: the second is refused at once with the holder's pid.
///
/// The lock lives on a hidden sibling `.NAME.spinode-lock` (the output itself is replaced by a rename, which
/// would drop a lock held on its old inode). The file holds the holder's pid; it is removed when the lock
/// is released or the process exits. A lock file left by a killed process is harmless: flock locks die
/// with their process, and the next run takes it over.
///
/// Some file systems do not do flock: Lustre mounted without `flock`, NFS without its lock daemon, some
/// FUSE file systems (flock fails with ENOSYS, ENOLCK, EOPNOTSUPP or EINVAL, never EWOULDBLOCK). There the
/// output is written without a lock (nothing can be locked) after one warning line per process on stderr,
/// instead of every run being refused as "locked"; the lock file is not left behind.
public final class FileLock {
    /// The locked output (as given).
    public let path: String
    /// The lock file.
    public let lockPath: String
    private var descriptor: Int32

    private init(path: String, lockPath: String, descriptor: Int32) {
        self.path = path
        self.lockPath = lockPath
        self.descriptor = descriptor
    }

    deinit { release() }

    /// The lock-file path for `path`.
    public static func lockPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().path + "/." + url.lastPathComponent + ".spinode-lock"
    }

    /// Takes the lock on `path` or throws `SafeIOError.locked` naming the holder's pid (and the file as
    /// `name`, default `path`).
    public static func acquire(_ path: String, name: String? = nil) throws -> FileLock {
        let lockPath = lockPath(for: path)
        while true {
            let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
            guard fd >= 0 else {
                throw SafeIOError.write(path: lockPath, detail: "cannot create the lock file: " + SafeIOError.message(errno))
            }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let code = errno
                if code == EINTR { close(fd); continue }
                if !isHeldElsewhere(errno: code) {
                    // No locks on this file system: write unlocked; the lock file we may have made goes.
                    var info = stat()
                    if fstat(fd, &info) == 0, info.st_size == 0 { unlink(lockPath) }
                    close(fd)
                    warnUnlocked(path: name ?? path, errno: code)
                    return FileLock(path: path, lockPath: lockPath, descriptor: -1)
                }
                let holder = readPid(fd)
                close(fd)
                throw SafeIOError.locked(path: name ?? path, holder: holder)
            }
            // The holder before us may have removed the file between our open and our flock: then the lock
            // we hold is on an unlinked inode; start again on the file now at the path.
            var opened = stat(), current = stat()
            if fstat(fd, &opened) == 0, stat(lockPath, &current) == 0,
               opened.st_dev == current.st_dev, opened.st_ino == current.st_ino {
                let text = Array("\(getpid())\n".utf8)
                _ = ftruncate(fd, 0)
                _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
                TemporaryFiles.register(lockPath)
                return FileLock(path: path, lockPath: lockPath, descriptor: fd)
            }
            close(fd)
        }
    }

    /// Whether a failed flock(2) with `errno` means another process holds the lock (EWOULDBLOCK), as
    /// opposed to a file system that cannot lock at all.
    static func isHeldElsewhere(errno code: Int32) -> Bool { code == EWOULDBLOCK || code == EAGAIN }

    private static let warningLock = NSLock()
    nonisolated(unsafe) private static var warned = false

    /// One line on stderr, the first time an output cannot be locked in this process.
    private static func warnUnlocked(path: String, errno code: Int32) {
        warningLock.lock()
        defer { warningLock.unlock() }
        guard !warned else { return }
        warned = true
        let line = "spinode: warning: '\(path)' is written without a lock: its file system does not support "
            + "flock (\(SafeIOError.message(code))), so a second run writing the same file at once is not refused\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Removes the lock file and releases the lock (also done by `deinit` and at process exit).
    public func release() {
        guard descriptor >= 0 else { return }
        unlink(lockPath)
        TemporaryFiles.forget(lockPath)
        close(descriptor)
        descriptor = -1
    }

    /// The pid of the process that holds the lock on `path` now, found in /proc/locks (the lock file's
    /// device and inode) without touching the lock; nil when nobody holds it, or when /proc/locks cannot be
    /// read (not Linux: see `canFindHolders`).
    public static func holder(of path: String) -> Int32? {
        var info = stat()
        guard lstat(lockPath(for: path), &info) == 0,
              let table = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return nil }
        // Linux's major and minor numbers of st_dev (glibc's gnu_dev_major/minor), as /proc/locks prints them.
        let dev = UInt64(info.st_dev)
        let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~UInt64(0xfff))
        let minor = (dev & 0xff) | ((dev >> 12) & ~UInt64(0xff))
        let device = String(format: "%02llx:%02llx:%llu", major, minor, UInt64(info.st_ino))
        for line in table.split(separator: "\n") {
            // "N: FLOCK  ADVISORY  WRITE PID MAJ:MIN:INODE START END"; a waiter's line has "->" after "N:".
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count >= 6, f[1] == "FLOCK", f[3] == "WRITE", f[5] == device[...] else { continue }
            return Int32(f[4])
        }
        return nil
    }

    /// Whether `holder(of:)` can see locks on this system (/proc/locks is readable).
    public static var canFindHolders: Bool { FileManager.default.isReadableFile(atPath: "/proc/locks") }

    private static func readPid(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 31, 0) }
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
