/// One page-aligned, zeroed block holding a kernel's weights and working buffers, handed out in order at
/// 64-byte (cache-line) boundaries.
///
/// Why: separately malloc'ed buffers land at offsets that depend on everything the process allocated
/// before (even the length of a command-line argument), and the free-run kernel's speed at batch 1 moved
/// with them (docs/performance.md, "Where the kernels' buffers lie"). In one block their relative
/// placement, and so the kernel's speed, is the same in every run.
final class KernelArena {
    let base: UnsafeMutableRawPointer
    let byteCount: Int
    private var used = 0

    /// Bytes `count` values of T take in the arena (rounded up to a cache line).
    static func bytes<T>(_: T.Type, count: Int) -> Int { (max(1, count) * MemoryLayout<T>.stride + 63) / 64 * 64 }

    init(byteCount: Int) {
        self.byteCount = max(64, byteCount)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.byteCount, alignment: 4096)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: self.byteCount)
    }

    deinit { base.deallocate() }

    /// The next `count` values of T (zero), at a 64-byte boundary.
    func take<T>(_: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let size = KernelArena.bytes(T.self, count: count)
        precondition(used + size <= byteCount, "KernelArena: \(used + size) bytes asked of \(byteCount)")
        let p = (base + used).bindMemory(to: T.self, capacity: max(1, count))
        used += size
        return p
    }
}
