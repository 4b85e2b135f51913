import XCTest
import Numerics

final class MatrixTests: XCTestCase {
    /// dgemm against the definition sum_k a_ik b_kj on a non-square product.
    func testProductMatchesDefinition() {
        let a = Matrix(rows: 3, columns: 4) { i, j in sin(Double(i * 4 + j)) }
        let b = Matrix(rows: 4, columns: 2) { i, j in cos(Double(i + 3 * j)) }
        let c = a * b
        for i in 0..<3 { for j in 0..<2 {
            var s = 0.0
            for k in 0..<4 { s += a[i, k] * b[k, j] }
            XCTAssertEqual(c[i, j], s, accuracy: 1e-14)
        } }
        let x = [1.0, -2.0, 0.5, 3.0]
        let y = a * x
        for i in 0..<3 { XCTAssertEqual(y[i], (0..<4).map { a[i, $0] * x[$0] }.reduce(0, +), accuracy: 1e-14) }
    }

    func testTransposedProductIdentity() {
        let a = Matrix(rows: 5, columns: 3) { i, j in Double(i) - 0.3 * Double(j * j) }
        let g = a.transposed * a
        for i in 0..<3 { for j in 0..<3 { XCTAssertEqual(g[i, j], g[j, i], accuracy: 1e-13) } }
        XCTAssertEqual((Matrix.identity(5) * a), a)
    }
}
