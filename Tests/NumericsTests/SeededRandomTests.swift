import XCTest
import Numerics

final class SeededRandomTests: XCTestCase {
    func testSameSeedSameStream() {
        var a = SeededRandom(seed: 42), b = SeededRandom(seed: 42), c = SeededRandom(seed: 43)
        let xa = (0..<100).map { _ in a.next() }, xb = (0..<100).map { _ in b.next() }
        XCTAssertEqual(xa, xb)
        XCTAssertNotEqual(xa, (0..<100).map { _ in c.next() })
    }

    /// Sample moments of 200,000 draws: uniform mean 1/2, variance 1/12; normal mean 0, variance 1.
    /// Tolerances are about 5 standard errors.
    func testMoments() {
        var r = SeededRandom(seed: 7)
        let n = 200_000
        let u = (0..<n).map { _ in r.uniform() }
        let mu = u.reduce(0, +) / Double(n)
        XCTAssertEqual(mu, 0.5, accuracy: 5 * (1.0 / 12 / Double(n)).squareRoot())
        XCTAssertEqual(u.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(n), 1.0 / 12, accuracy: 5e-4)
        XCTAssertTrue(u.allSatisfy { $0 >= 0 && $0 < 1 })
        let z = (0..<n).map { _ in r.normal() }
        let mz = z.reduce(0, +) / Double(n)
        XCTAssertEqual(mz, 0, accuracy: 5 / Double(n).squareRoot())
        XCTAssertEqual(z.map { $0 * $0 }.reduce(0, +) / Double(n), 1, accuracy: 5 * (2 / Double(n)).squareRoot())
    }
}
