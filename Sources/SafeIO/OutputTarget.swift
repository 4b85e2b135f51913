import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The checks every command makes on the files it will write, before it reads or computes anything,
/// so that no user file is lost (docs/reliability.md):
/// - an output must not be an existing directory, device node, FIFO or socket;
/// - a symbolic link is written through: the file it points to is replaced, the link stays (a dangling
///   link is refused);
/// - an output must not be any of the command's inputs, by path, symbolic link or hard link (compared by
///   device and inode);
/// - two outputs of one command must differ;
/// - the folder it goes into must exist and be writable.
/// `claim` then takes each output's lock (`FileLock`) and removes temporaries of that output left by dead
/// processes.
public struct OutputTarget: Sendable, Equatable {
    /// The path as the user gave it (used in messages).
    public var path: String
    /// The option that named it, e.g. "--out" (used in messages).
    public var option: String

    public init(_ path: String, option: String = "--out") {
        self.path = path
        self.option = option
    }

    /// The path written: `path` itself, or the final target of a symbolic link.
    public func resolved() throws -> String {
        var info = stat()
        guard lstat(path, &info) == 0 else { return path }
        guard (info.st_mode & S_IFMT) == S_IFLNK else { return path }
        guard let real = realpath(path, nil) else { throw SafeIOError.danglingLink(path: path, option: option) }
        defer { free(real) }
        return String(cString: real)
    }

    /// Checks this output against `inputs` (paths the command reads; missing ones are ignored).
    public func check(inputs: [String] = []) throws {
        guard !path.isEmpty else { throw SafeIOError.outputFolder(path: path, option: option, detail: "empty path") }
        let target = try resolved()
        var info = stat()
        if stat(target, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFDIR: throw SafeIOError.outputIsDirectory(path: path, option: option)
            case S_IFCHR: throw SafeIOError.outputIsSpecial(path: path, option: option, kind: "character device")
            case S_IFBLK: throw SafeIOError.outputIsSpecial(path: path, option: option, kind: "block device")
            case S_IFIFO: throw SafeIOError.outputIsSpecial(path: path, option: option, kind: "FIFO (named pipe)")
            case S_IFSOCK: throw SafeIOError.outputIsSpecial(path: path, option: option, kind: "socket")
            default: throw SafeIOError.outputIsSpecial(path: path, option: option, kind: "special file")
            }
            for input in inputs {
                var other = stat()
                if stat(input, &other) == 0, other.st_dev == info.st_dev, other.st_ino == info.st_ino {
                    throw SafeIOError.outputIsInput(path: path, option: option, input: input)
                }
            }
        } else if errno != ENOENT {
            throw SafeIOError.outputFolder(path: path, option: option, detail: SafeIOError.message(errno))
        }
        let folder = URL(fileURLWithPath: target).deletingLastPathComponent().path
        var folderInfo = stat()
        guard stat(folder, &folderInfo) == 0 else {
            throw SafeIOError.outputFolder(path: path, option: option, detail: "folder '\(folder)' does not exist")
        }
        guard (folderInfo.st_mode & S_IFMT) == S_IFDIR else {
            throw SafeIOError.outputFolder(path: path, option: option, detail: "'\(folder)' is not a folder")
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw SafeIOError.outputFolder(path: path, option: option, detail: "folder '\(folder)' is not writable")
        }
    }

    /// Identity of the file a path resolves to, or nil when there is none.
    static func identity(_ path: String) -> (dev: UInt64, ino: UInt64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// Checks every output (`check(inputs:)`), checks they are pairwise different, then locks each and
    /// removes stale temporaries beside it. The locks are held until released or the process exits.
    public static func claim(_ outputs: [OutputTarget], inputs: [String] = []) throws -> [FileLock] {
        var seen: [(target: String, output: OutputTarget)] = []
        for output in outputs {
            try output.check(inputs: inputs)
            let target = try output.resolved()
            let absolute = URL(fileURLWithPath: target).standardizedFileURL.path
            for (other, first) in seen {
                let same = other == absolute || {
                    guard let a = identity(other), let b = identity(absolute) else { return false }
                    return a == b
                }()
                if same { throw SafeIOError.outputsCoincide(path: output.path, first: first.option, second: output.option) }
            }
            seen.append((absolute, output))
        }
        var locks: [FileLock] = []
        for (target, output) in seen {
            locks.append(try FileLock.acquire(target, name: output.path))
            TemporaryFiles.removeStale(near: target)
        }
        return locks
    }
}

/// A folder a command writes several files into (`export --out DIR`, `demo --out DIR`).
public struct OutputFolder: Sendable {
    public var path: String
    public var option: String

    public init(_ path: String, option: String = "--out") {
        self.path = path
        self.option = option
    }

    /// The folder must be a folder (or not exist yet, under a parent folder that does and is writable).
    /// Nothing is created here: `create()` does that when the command writes.
    public func check() throws {
        var info = stat()
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw SafeIOError.outputFolder(path: path, option: option, detail: "exists and is not a folder")
            }
            guard access(path, W_OK | X_OK) == 0 else {
                throw SafeIOError.outputFolder(path: path, option: option, detail: "folder is not writable")
            }
            return
        }
        var parent = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
        // The nearest existing ancestor must be a writable folder (the folders below it are created).
        while stat(parent, &info) != 0 && parent != "/" {
            parent = URL(fileURLWithPath: parent).deletingLastPathComponent().path
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR, access(parent, W_OK | X_OK) == 0 else {
            throw SafeIOError.outputFolder(path: path, option: option, detail: "'\(parent)' is not a writable folder")
        }
    }

    /// Creates the folder (and missing parents).
    public func create() throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw SafeIOError.outputFolder(path: path, option: option, detail: "cannot create the folder: \(error.localizedDescription)")
        }
    }

    /// A file inside the folder, as an output target named by the folder's option.
    public func file(_ name: String) -> OutputTarget {
        OutputTarget((path as NSString).appendingPathComponent(name), option: option)
    }
}
