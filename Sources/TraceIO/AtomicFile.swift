import Foundation

/// Writes a file or directory atomically: the content goes to a temporary sibling (same folder,
/// so the same file system), which is renamed over the destination only once it is complete.
/// A crash or error mid-write leaves the old destination untouched and no partial file behind.
public enum AtomicFile {
    /// A fresh temporary path next to `path`: "<dir>/.<name>.tmp-<pid>-<random>".
    public static func temporarySibling(of path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let token = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        return directory + "/." + url.lastPathComponent + ".tmp-\(getpid())-" + token
    }

    /// Runs `write` on a temporary sibling path, then renames it to `path` (POSIX rename, atomic
    /// on one file system). On any error the temporary is removed and the error rethrown.
    public static func write<R>(_ path: String, _ write: (String) throws -> R) throws -> R {
        let temporary = temporarySibling(of: path)
        do {
            let result = try write(temporary)
            try replace(path, with: temporary)
            return result
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }

    /// Writes `data` to `path` atomically.
    public static func write(_ data: Data, to path: String) throws {
        try write(path) { temporary in
            guard FileManager.default.createFile(atPath: temporary, contents: data) else {
                throw TraceIOError.io(file: path, detail: "cannot create \(temporary): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Renames `temporary` to `path`; a directory at `path` is replaced (the old one is moved
    /// aside first, then removed).
    public static func replace(_ path: String, with temporary: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            let aside = temporarySibling(of: path)
            guard rename(path, aside) == 0 else {
                throw TraceIOError.io(file: path, detail: "cannot move old directory aside: \(String(cString: strerror(errno)))")
            }
            guard rename(temporary, path) == 0 else {
                let reason = String(cString: strerror(errno))
                _ = rename(aside, path)
                throw TraceIOError.io(file: path, detail: "cannot rename \(temporary) into place: \(reason)")
            }
            try? FileManager.default.removeItem(atPath: aside)
            return
        }
        guard rename(temporary, path) == 0 else {
            throw TraceIOError.io(file: path, detail: "cannot rename \(temporary) into place: \(String(cString: strerror(errno)))")
        }
    }
}
