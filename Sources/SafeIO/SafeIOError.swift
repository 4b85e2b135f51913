import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a file could not be written, or an output was refused before any work started.
/// Each description is one line that names the file and the problem.
public enum SafeIOError: Error, CustomStringConvertible, Equatable, Sendable {
    /// An output path names an existing directory (which would be replaced).
    case outputIsDirectory(path: String, option: String)
    /// An output path names a device node, FIFO or socket.
    case outputIsSpecial(path: String, option: String, kind: String)
    /// An output resolves (path, symbolic link or hard link) to one of the command's inputs.
    case outputIsInput(path: String, option: String, input: String)
    /// Two outputs of one command resolve to the same file.
    case outputsCoincide(path: String, first: String, second: String)
    /// The folder an output goes into is missing, not a folder, or not writable.
    case outputFolder(path: String, option: String, detail: String)
    /// A symbolic link whose target does not exist.
    case danglingLink(path: String, option: String)
    /// Another process holds the lock on an output.
    case locked(path: String, holder: Int32?)
    /// A system call failed while writing (errno's message, e.g. "No space left on device").
    case write(path: String, detail: String)
    /// The work asked for needs more memory (or disk) than the machine has.
    case tooLarge(what: String, needed: Double, available: Double)

    public var description: String {
        switch self {
        case .outputIsDirectory(let p, let o):
            return "\(o) '\(p)': is a directory; give a file path inside it (nothing was written)"
        case .outputIsSpecial(let p, let o, let k):
            return "\(o) '\(p)': is a \(k), not a regular file; refusing to write over it"
        case .outputIsInput(let p, let o, let i):
            return "\(o) '\(p)': is the same file as the input '\(i)'; write the output elsewhere"
        case .outputsCoincide(let p, let a, let b):
            return "'\(p)': given as both \(a) and \(b); each output needs its own file"
        case .outputFolder(let p, let o, let d):
            return "\(o) '\(p)': \(d)"
        case .danglingLink(let p, let o):
            return "\(o) '\(p)': is a symbolic link to a file that does not exist"
        case .locked(let p, let h):
            return "'\(p)': locked by another spinode process" + (h.map { " (pid \($0))" } ?? "")
                + "; wait for it to finish or write elsewhere"
        case .write(let p, let d):
            return "cannot write '\(p)': \(d)"
        case .tooLarge(let what, let needed, let available):
            return "\(what) needs about \(ByteCount(needed)) of memory but \(ByteCount(available)) is available; refused before any work"
        }
    }

    /// The problem without the file name: a write error's detail, else the whole description.
    public var reason: String {
        if case .write(_, let detail) = self { return detail }
        return description
    }

    /// errno's message for `code`, e.g. "No space left on device".
    public static func message(_ code: Int32) -> String { String(cString: strerror(code)) }
}
