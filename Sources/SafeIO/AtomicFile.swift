import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a file atomically: the content goes to a temporary sibling (same folder, so the same file
/// system), is flushed to disk, and is renamed over the destination only once it is complete. An error,
/// a full disk or an interruption leaves the old destination untouched and no temporary behind
/// (`TemporaryFiles` removes it on error, exit and SIGINT/SIGTERM/SIGHUP).
///
/// A destination that is a symbolic link is written through: the file it points to is replaced and the
/// link stays. A destination that is a directory or any other non-regular file is refused; commands check
/// their outputs with `OutputTarget` before any work, this is the last line of defence.
public enum AtomicFile {
    /// A fresh temporary path next to `path`, registered for removal: "<dir>/.<name>.spinode-tmp-<pid>-<token>".
    public static func temporarySibling(of path: String) -> String {
        TemporaryFiles.sibling(of: path)
    }

    /// Runs `write` on a temporary sibling path, flushes it to disk, then renames it to `path`.
    /// On any error the temporary is removed and the error rethrown (unless a terminating signal arrived
    /// meanwhile: then the thread waits for the signal to end the process).
    public static func write<R>(_ path: String, _ write: (String) throws -> R) throws -> R {
        let target = try OutputTarget(path, option: "output").resolved()
        try refuseNonRegular(target, named: path)
        let temporary = temporarySibling(of: target)
        defer {
            unlink(temporary)
            TemporaryFiles.forget(temporary)
        }
        do {
            let result = try write(temporary)
            try sync(temporary, named: path)
            guard rename(temporary, target) == 0 else {
                throw SafeIOError.write(path: path, detail: "cannot rename the temporary into place: " + SafeIOError.message(errno))
            }
            return result
        } catch {
            // A terminating signal's handler may have removed the temporary under us: that is not a
            // write error to report, the process is about to end by the signal.
            TemporaryFiles.awaitSignalIfTerminating()
            throw error
        }
    }

    /// Writes `data` to `path` atomically.
    public static func write(_ data: Data, to path: String) throws {
        try write(path) { temporary in
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw SafeIOError.write(path: path, detail: SafeIOError.message(errno)) }
            defer { close(fd) }
            try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
                var offset = 0
                while offset < buffer.count {
                    let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw SafeIOError.write(path: path, detail: SafeIOError.message(errno))
                    }
                    offset += n
                }
            }
        }
    }

    /// Flushes `temporary` to the device, so that a full disk or an I/O error is reported before the rename.
    private static func sync(_ temporary: String, named path: String) throws {
        let fd = open(temporary, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SafeIOError.write(path: path, detail: SafeIOError.message(errno)) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw SafeIOError.write(path: path, detail: SafeIOError.message(errno)) }
    }

    private static func refuseNonRegular(_ target: String, named path: String) throws {
        var info = stat()
        guard stat(target, &info) == 0 else { return }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: throw SafeIOError.outputIsDirectory(path: path, option: "output")
        default: throw SafeIOError.outputIsSpecial(path: path, option: "output", kind: "special file")
        }
    }
}
