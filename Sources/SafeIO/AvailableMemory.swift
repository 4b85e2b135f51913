import Foundation

/// The memory this process can still use, in bytes, so that a file claiming more data than that is
/// refused with a message instead of ending in an allocation failure or the OOM killer.
///
/// The smaller of the kernel's estimate of memory available without swapping (`MemAvailable` in
/// /proc/meminfo, Linux 3.14 and later) and, inside a container, the cgroup v2 limit left
/// (`memory.max` - `memory.current` under /sys/fs/cgroup). Nil when neither can be read (another
/// operating system): then no limit is applied.
public enum AvailableMemory {
    public static func bytes() -> Int? {
        var limits: [Int] = []
        if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }) {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kB = Int(fields[1]) { limits.append(kB * 1024) }
        }
        if let max = cgroupValue("memory.max"), let current = cgroupValue("memory.current") {
            limits.append(Swift.max(0, max - current))
        }
        return limits.min()
    }

    private static func cgroupValue(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/sys/fs/cgroup/" + name, encoding: .utf8) else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))  // "max" (no limit) gives nil
    }
}

/// A byte count for messages: "512 B", "7.9 KB", "2.4 GB", "24 GB" (powers of 1000).
public struct ByteCount: CustomStringConvertible, Sendable {
    public var bytes: Double
    public init(_ bytes: Double) { self.bytes = bytes }
    public init(_ bytes: Int) { self.bytes = Double(bytes) }

    public var description: String {
        guard bytes.isFinite else { return "\(bytes) B" }
        let units = ["B", "KB", "MB", "GB", "TB", "PB", "EB"]
        var value = bytes, unit = 0
        while abs(value) >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
        if unit == 0 { return "\(Int(value)) B" }
        return String(format: value < 10 ? "%.1f %@" : "%.0f %@", value, units[unit])
    }
}
