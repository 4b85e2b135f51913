import Foundation

/// The memory this machine can give a new allocation now, so that a request far beyond it (a network
/// of 1e8 hidden units, a reservoir of a million nodes) is refused up front with the numbers, not
/// ended by the kernel's OOM killer after minutes of swapping.
public enum AvailableMemory {
    /// Bytes the kernel estimates can be allocated without swapping: `MemAvailable` of /proc/meminfo
    /// (Linux >= 3.14; counts free memory plus reclaimable page cache). Where that line is absent,
    /// the physical memory (`ProcessInfo.physicalMemory`), an upper bound.
    public static func bytes() -> Double {
        if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
           let value = meminfoValue(text, key: "MemAvailable") {
            return value
        }
        return Double(ProcessInfo.processInfo.physicalMemory)
    }

    /// A `key:  <n> kB` line of /proc/meminfo, in bytes (the kernel's "kB" is KiB).
    static func meminfoValue(_ text: String, key: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let kib = Double(fields[1]) else { return nil }
            return kib * 1024
        }
        return nil
    }

    /// `bytes` for a person: "512 MB", "3.2 GB", "1.1e+04 TB" (decimal units, 3 significant digits).
    public static func describe(_ bytes: Double) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = bytes, unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        return String(format: value < 1e4 ? "%.3g %@" : "%.2e %@", value, units[unit])
    }
}
