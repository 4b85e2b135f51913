import ODE
import XCTest

/// `LargeBuffer` (the discrete adjoint's record storage): alignment by size, and the values kept.
final class LargeBufferTests: XCTestCase {
    func testLargeArraysAreAlignedToHugePagesAndKeepTheirValues() {
        let count = 3 * LargeBuffer.hugePageBytes / MemoryLayout<Double>.stride + 5
        let p = LargeBuffer.allocate(count)
        defer { LargeBuffer.release(p) }
        XCTAssertEqual(UInt(bitPattern: p) % UInt(LargeBuffer.hugePageBytes), 0)
        for i in stride(from: 0, to: count, by: 4099) { p[i] = Double(i) * 0.5 }
        p[count - 1] = -1
        for i in stride(from: 0, to: count - 1, by: 4099) { XCTAssertEqual(p[i], Double(i) * 0.5) }
        XCTAssertEqual(p[count - 1], -1)
    }

    func testSmallArraysAreCacheLineAligned() {
        for count in [0, 1, 7, 1000] {
            let p = LargeBuffer.allocate(count)
            XCTAssertEqual(UInt(bitPattern: p) % 64, 0, "count \(count)")
            p[0] = 2.5
            XCTAssertEqual(p[0], 2.5)
            LargeBuffer.release(p)
        }
    }
}
