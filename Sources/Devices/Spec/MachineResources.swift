import Foundation

/// What this machine offers a run, read when a spec is checked: memory available to a new process and
/// free disk space. Limits are refused up front with these figures instead of by the OOM killer or a
/// full disk hours later.
enum MachineResources {
    /// `MemAvailable` of /proc/meminfo in bytes (the kernel's estimate of memory a new process can use
    /// without swapping); nil where there is no /proc/meminfo (macOS) or it cannot be read.
    static func availableMemory() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, let kB = Double(fields[1]) else { return nil }
            return kB * 1024
        }
        return nil
    }

    /// Free bytes (for an unprivileged user) on the file system that holds `path` or, if it does not
    /// exist yet, its nearest existing ancestor; nil if none can be examined.
    static func freeDisk(at path: String) -> Double? {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        while !FileManager.default.fileExists(atPath: url.path) {
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return nil }
            url = parent
        }
        var s = statvfs()
        guard statvfs(url.path, &s) == 0 else { return nil }
        return Double(s.f_bavail) * Double(s.f_frsize)
    }

    /// Bytes as a readable figure with a decimal unit: "512 B", "12.3 GB", "1.6 PB".
    static func format(bytes: Double) -> String {
        guard bytes.isFinite else { return "\(bytes) B" }
        let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"]
        var v = bytes, i = 0
        while v >= 1000 && i < units.count - 1 { v /= 1000; i += 1 }
        if i == units.count - 1 && v >= 1000 { return String(format: "%.2g B", bytes) }
        return i == 0 ? String(format: "%.0f B", v) : String(format: "%.1f %@", v, units[i])
    }
}
