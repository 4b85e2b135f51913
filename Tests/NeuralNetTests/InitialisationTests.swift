import XCTest
import Numerics
import NeuralNet

final class InitialisationTests: XCTestCase {
    private func moments(_ x: ArraySlice<Double>) -> (mean: Double, variance: Double) {
        let n = Double(x.count)
        let m = x.reduce(0, +) / n
        return (m, x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / n)
    }

    /// N(0, 0.1^2) (the paper's initialisation): mean within 5 standard errors (5 sigma / sqrt(n)),
    /// variance within 5 standard errors of the sample variance (sigma^2 sqrt(2 / n)).
    func testNormalStatistics() throws {
        let mlp = try MLP(widths: [100, 200, 100], activations: [.tanh, .identity], initialisation: .paper, seed: 2024)
        let p = mlp.parameters[...]
        let n = Double(p.count), s2 = 0.01
        let (m, v) = moments(p)
        XCTAssertEqual(m, 0, accuracy: 5 * 0.1 / n.squareRoot())
        XCTAssertEqual(v, s2, accuracy: 5 * s2 * (2 / n).squareRoot())
        // Biases are drawn too.
        XCTAssertTrue(mlp.bias(layer: 0).contains { $0 != 0 })
    }

    /// Xavier uniform: U(-a, a), a = sqrt(6 / (in + out)); mean 0 and variance a^2 / 3 within 5 standard
    /// errors (variance of U^2 is a^4 / 5 - a^4 / 9 = 4 a^4 / 45); all within [-a, a]; biases zero.
    func testXavierStatistics() throws {
        let mlp = try MLP(widths: [300, 200, 10], activations: [.tanh, .identity], initialisation: .xavierUniform(gain: 1), seed: 77)
        let w = mlp.weight(layer: 0).storage[...]
        let a = (6.0 / 500).squareRoot(), n = Double(w.count)
        let (m, v) = moments(w)
        XCTAssertEqual(m, 0, accuracy: 5 * (a * a / 3 / n).squareRoot())
        XCTAssertEqual(v, a * a / 3, accuracy: 5 * (4 * a * a * a * a / 45 / n).squareRoot())
        XCTAssertTrue(w.allSatisfy { abs($0) <= a })
        XCTAssertEqual(mlp.bias(layer: 0), [Double](repeating: 0, count: 200))
    }

    func testSameSeedSameWeights() throws {
        let a = try MLP(widths: [4, 50, 50, 2], activations: [.tanh, .tanh, .identity], initialisation: .paper, seed: 5)
        let b = try MLP(widths: [4, 50, 50, 2], activations: [.tanh, .tanh, .identity], initialisation: .paper, seed: 5)
        let c = try MLP(widths: [4, 50, 50, 2], activations: [.tanh, .tanh, .identity], initialisation: .paper, seed: 6)
        XCTAssertEqual(a.parameters, b.parameters)
        XCTAssertNotEqual(a.parameters, c.parameters)
    }
}
