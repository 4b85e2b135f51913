import Foundation
import Numerics
import Surrogate

/// A driven, damped Duffing oscillator observed through its position, the test device of the fit:
///     x'' + delta x' + x + beta x^3 = u(t),   u(t) = a_i sin(2 pi f t),
/// a_i uniform in [-amplitude, amplitude], redrawn every drive period (the drive shape of the paper's
/// skyrmion input, Chen et al., Nat. Commun. 13, 1016 (2022): a sine whose amplitude changes at each
/// period; here in dimensionless units, seconds as time). Integrated by classical RK4 with 50 steps
/// per sample (step 1e-3 s; its global error is far below the tolerances asserted on the fit).
enum DrivenDuffing {
    static let delta = 0.4, beta = 0.5, frequency = 0.2

    /// A small fit of the training tests: 8-8 network, 8 windows of 10 samples, Adam 0.01, input and state
    /// noise 0.01 (so the random noise path runs too).
    static func smallFitOptions(iterations: Int, validateEvery: Int, seed: UInt64) -> FitOptions {
        var o = FitOptions()
        o.hidden = [8, 8]
        o.batchSize = 8
        o.windowLength = 10
        o.iterations = iterations
        o.learningRate = 0.01
        o.validationInterval = validateEvery
        o.inputNoise = 0.01
        o.stateNoise = 0.01
        o.seed = seed
        return o
    }

    /// Two short traces (300 and 200 samples of 0.25 s, amplitudes 1 and 0.5), for the training tests.
    static func twoTraces() throws -> [RawTrace] {
        [try trace(name: "a", samples: 300, sampleInterval: 0.25, amplitude: 1, seed: 1),
         try trace(name: "b", samples: 200, sampleInterval: 0.25, amplitude: 0.5, seed: 2)]
    }

    static func trace(name: String, samples: Int, sampleInterval dt: Double, amplitude: Double, seed: UInt64,
                      beta: Double = DrivenDuffing.beta, recordBeta: Bool = false) throws -> RawTrace {
        var rng = SeededRandom(seed: seed)
        let period = 1 / frequency
        let periods = Int((Double(samples) * dt / period).rounded(.up)) + 1
        let amplitudes = (0..<periods).map { _ in rng.uniform(-amplitude, amplitude) }
        func u(_ t: Double) -> Double { amplitudes[min(Int(t / period), periods - 1)] * sin(2 * Double.pi * frequency * t) }
        func f(_ t: Double, _ x: Double, _ v: Double) -> (Double, Double) { (v, u(t) - delta * v - x - beta * x * x * x) }
        let sub = 50
        let h = dt / Double(sub)
        var x = 0.0, v = 0.0, t = 0.0
        var outputs = [Double](), inputs = [Double]()
        for _ in 0..<samples {
            outputs.append(x)
            inputs.append(u(t))
            for _ in 0..<sub {
                let k1 = f(t, x, v)
                let k2 = f(t + h / 2, x + h / 2 * k1.0, v + h / 2 * k1.1)
                let k3 = f(t + h / 2, x + h / 2 * k2.0, v + h / 2 * k2.1)
                let k4 = f(t + h, x + h * k3.0, v + h * k3.1)
                x += h * (k1.0 + 2 * k2.0 + 2 * k3.0 + k4.0) / 6
                v += h * (k1.1 + 2 * k2.1 + 2 * k3.1 + k4.1) / 6
                t += h
            }
        }
        return try RawTrace(name: name, sampleInterval: dt, outputs: outputs, outputCount: 1, inputs: inputs, inputCount: 1,
                            parameters: recordBeta ? [beta] : [], parameterNames: recordBeta ? ["beta"] : nil)
    }
}
