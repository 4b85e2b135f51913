#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Storage for arrays of Doubles that a computation streams through and that exceed the caches (the
/// discrete adjoint's forward records: NODE-64 writes and reads back 21 MB per gradient). Arrays of 2 MiB
/// or more are aligned to 2 MiB and, on Linux, marked `MADV_HUGEPAGE`, so the kernel can back them with
/// transparent huge pages where /sys/kernel/mm/transparent_hugepage/enabled is "always" or "madvise" (the
/// default of Debian and Ubuntu): a pass over them then needs one TLB entry per 2 MiB instead of one per 4 KiB.
/// Only where the memory lies changes, never a value. Free with `LargeBuffer.release`.
public enum LargeBuffer {
    public static let hugePageBytes = 2 << 20

    /// Uninitialised storage for `count` Doubles (at least one).
    public static func allocate(_ count: Int) -> UnsafeMutablePointer<Double> {
        let bytes = max(count, 1) * MemoryLayout<Double>.stride
        let alignment = bytes >= hugePageBytes ? hugePageBytes : 64
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, alignment, bytes) == 0, let raw else {
            fatalError("LargeBuffer: out of memory (\(bytes) bytes)")
        }
        #if os(Linux)
        if bytes >= hugePageBytes { _ = madvise(raw, bytes, MADV_HUGEPAGE) }
        #endif
        return raw.bindMemory(to: Double.self, capacity: max(count, 1))
    }

    public static func release(_ p: UnsafeMutablePointer<Double>) { free(p) }
}
