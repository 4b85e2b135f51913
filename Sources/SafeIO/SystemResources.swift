import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What this machine can give a run: memory and disk space, read when a command checks its work up front
/// (docs/reliability.md, "Limits refused up front").
public enum SystemResources {
    /// Memory available to new allocations, bytes (`AvailableMemory`), else the physical memory.
    public static func availableMemory() -> Double {
        AvailableMemory.bytes().map(Double.init) ?? Double(ProcessInfo.processInfo.physicalMemory)
    }

    /// Free space, bytes, on the file system holding `path` (or its folder when it does not exist yet).
    public static func freeDiskSpace(at path: String) -> Double? {
        var info = statvfs()
        var probe = path
        while statvfs(probe, &info) != 0 {
            let parent = URL(fileURLWithPath: probe).deletingLastPathComponent().path
            guard parent != probe else { return nil }
            probe = parent
        }
        return Double(info.f_bavail) * Double(info.f_frsize)
    }

    /// Refuses work whose estimated memory exceeds what is available (with a margin of 10 %).
    /// `what` names the work, e.g. "the mesh of 'spec.toml' (1e15 cells)".
    public static func requireMemory(_ bytes: Double, for what: String) throws {
        let available = availableMemory()
        guard bytes.isFinite, bytes <= 0.9 * available else {
            throw SafeIOError.tooLarge(what: what, needed: bytes, available: available)
        }
    }

    /// Refuses a write of about `bytes` to `path` when its file system has less free space (plus a margin).
    public static func requireDiskSpace(_ bytes: Double, for path: String) throws {
        guard let free = freeDiskSpace(at: path) else { return }
        guard bytes * 1.1 + 65_536 <= free else {
            throw SafeIOError.write(path: path, detail: "No space left on device (about \(ByteCount(bytes)) needed, \(ByteCount(free)) free)")
        }
    }
}
