import XCTest
import Foundation
import Numerics
import Surrogate

/// The fused training kernel (`FusedSampleGridRK4`, the default path of `spinode fit` with RK4):
/// its discrete-adjoint gradient against central finite differences of the trainer's own loss, its
/// threads against one thread, and its Float32 arithmetic against Float64.
final class FusedSampleGridRK4Tests: XCTestCase {
    func trace() throws -> RawTrace {
        try DrivenDuffing.trace(name: "a", samples: 300, sampleInterval: 0.25, amplitude: 1, seed: 3)
    }

    /// L(theta) of the minibatch the next step draws, at parameters theta (through a checkpoint).
    func loss(_ base: SurrogateTrainer, options: FitOptions, theta: [Double]) throws -> Double {
        var c = base.checkpoint()
        c.parameters = theta
        let t = try SurrogateTrainer(traces: [trace()], options: options)
        try t.restore(c)
        return try t.minibatchGradient().loss
    }

    /// Discrete adjoint = exact gradient of the computed loss: every parameter against a central
    /// difference (step 1e-6) to 1e-6 relative, for 5 windows (one partly filled 8-lane vector, or
    /// 4-lane vectors 1 + 1 partly filled), 2 RK4 steps per sample, cubic input, loss on the first
    /// delay only; and with 2 threads over 19 windows (3 lane vectors split 2 + 1, or 5 split 3 + 2);
    /// at both lane widths.
    func testDiscreteAdjointMatchesFiniteDifferences() throws {
        for (batch, threads, width) in [(5, 1, LaneVectorWidth.bits512), (19, 2, LaneVectorWidth.bits512), (5, 1, LaneVectorWidth.bits256), (19, 2, LaneVectorWidth.bits256)] {
            var o = FitOptions()
            o.laneVectorWidth = width
            o.hidden = [6, 5]
            o.batchSize = batch
            o.windowLength = 6
            o.solver = .fixedRK4(stepsPerSample: 2)
            o.observed = .firstDelay
            o.validation = .none
            o.seed = 21
            o.threads = threads
            let trainer = try SurrogateTrainer(traces: [trace()], options: o)
            let (l0, gradient) = try trainer.minibatchGradient()
            let theta0 = trainer.model.mlp.parameters
            XCTAssertEqual(try loss(trainer, options: o, theta: theta0), l0)
            let scale = gradient.map(abs).max()!
            let eps = 1e-6
            var worst = 0.0
            for p in theta0.indices {
                var plus = theta0, minus = theta0
                plus[p] += eps; minus[p] -= eps
                let fd = (try loss(trainer, options: o, theta: plus) - loss(trainer, options: o, theta: minus)) / (2 * eps)
                worst = max(worst, abs(fd - gradient[p]) / scale)
                XCTAssertEqual(gradient[p], fd, accuracy: 1e-6 * scale, "batch \(batch), theta[\(p)]")
            }
            print("fused discrete adjoint vs central differences, batch \(batch), \(threads) thread(s), \(width.rawValue)-bit lanes: max error / max |g| = \(worst)")
        }
    }

    /// Two threads: the same gradient as one to rounding (the lane sums are grouped differently),
    /// and the same training run bit for bit when repeated.
    func testThreadsMatchOneThreadAndRepeatExactly() throws {
        var o = FitOptions()
        o.hidden = [10, 10]
        o.batchSize = 30
        o.windowLength = 8
        o.validation = .none
        o.iterations = 15
        o.learningRate = 0.01
        o.seed = 5
        let one = try SurrogateTrainer(traces: [trace()], options: o).minibatchGradient()
        o.threads = 2
        let two = try SurrogateTrainer(traces: [trace()], options: o).minibatchGradient()
        XCTAssertEqual(one.loss, two.loss)          // the loss is summed in one fixed order
        let scale = one.gradient.map(abs).max()!
        for i in one.gradient.indices { XCTAssertEqual(one.gradient[i], two.gradient[i], accuracy: 1e-13 * scale) }
        for gradient in [GradientMethod.discreteAdjoint, .continuousAdjoint] {
            o.gradient = gradient
            let a = try SurrogateTrainer(traces: [trace()], options: o), b = try SurrogateTrainer(traces: [trace()], options: o)
            _ = try a.run(); _ = try b.run()
            XCTAssertEqual(a.model.mlp.parameters, b.model.mlp.parameters, "\(gradient)")
        }
    }

    /// Float32 arithmetic on the paper's network and minibatch (4-50-50-2, 50 windows of 20 samples):
    /// loss and gradient equal the Float64 ones to Float32 precision (relative L2 difference of the
    /// gradient below 1e-5; Float32 epsilon is 6e-8, and each gradient entry sums 76 stages x 50
    /// windows), for both adjoints.
    func testFloat32GradientMatchesFloat64() throws {
        let t = try DrivenDuffing.trace(name: "a", samples: 2000, sampleInterval: 0.25, amplitude: 1, seed: 9)
        for method in [GradientMethod.discreteAdjoint, .continuousAdjoint] {
            var o = FitOptions()
            o.validation = .none
            o.gradient = method
            o.seed = 2
            let g64 = try SurrogateTrainer(traces: [t], options: o).minibatchGradient()
            o.precision = .float32
            let g32 = try SurrogateTrainer(traces: [t], options: o).minibatchGradient()
            var diff = 0.0, norm = 0.0
            for i in g64.gradient.indices { diff += pow(g32.gradient[i] - g64.gradient[i], 2); norm += pow(g64.gradient[i], 2) }
            let relative = (diff / norm).squareRoot()
            print("float32 vs float64 \(method): loss \(g32.loss) vs \(g64.loss), relative gradient difference \(relative)")
            XCTAssertEqual(g32.loss, g64.loss, accuracy: 1e-6 * g64.loss)     // measured 2e-9
            XCTAssertLessThan(relative, 1e-5)         // measured 1.2e-7
        }
    }

    /// Float32 training follows Float64 training: 300 Adam iterations from the same start on the
    /// same minibatches reach a loss within 5 % of the Float64 run's (mean of the last 20
    /// iterations), after both fell by more than a factor 5.
    func testFloat32TrainingConvergesLikeFloat64() throws {
        var o = FitOptions()
        o.hidden = [16, 16]
        o.batchSize = 16
        o.windowLength = 10
        o.validation = .none
        o.iterations = 300
        o.learningRate = 0.01
        o.seed = 7
        func lossCurve(_ o: FitOptions) throws -> [Double] {
            let trainer = try SurrogateTrainer(traces: [trace()], options: o)
            var losses = [Double]()
            for _ in 0..<o.iterations { losses.append(try trainer.step()) }
            return losses
        }
        let l64 = try lossCurve(o)
        o.precision = .float32
        let l32 = try lossCurve(o)
        let end64 = l64.suffix(20).reduce(0, +) / 20, end32 = l32.suffix(20).reduce(0, +) / 20
        print("training loss float64 \(l64[0]) -> \(end64), float32 \(l32[0]) -> \(end32)")
        XCTAssertLessThan(end64, l64[0] / 5)
        XCTAssertLessThan(end32, l32[0] / 5)
        XCTAssertEqual(end32, end64, accuracy: 0.05 * end64)
    }

    /// The Float32 lane tanh against Glibc's Double tanh over [-12, 12] and near 0: relative error
    /// below 4 Float32 ulps (4 x 2^-24 = 2.4e-7).
    func testLaneTanh() {
        var worst = 0.0
        var xs = (0...24_000).map { -12 + Double($0) * 1e-3 }
        xs += (1...200).map { pow(10, -Double($0) / 10) }
        var i = 0
        while i < xs.count {
            var v = SIMD16<Float>()
            for j in 0..<16 { v[j] = Float(xs[min(i + j, xs.count - 1)]) }
            let t = LaneTanh.tanh(v)
            let low = LaneTanh.tanh(lanes: v.lowHalf), high = LaneTanh.tanh(lanes: v.highHalf)
            XCTAssertEqual(low, t.lowHalf)              // 8 lanes (AVX2) give the same bits as 16
            XCTAssertEqual(high, t.highHalf)
            for j in 0..<16 {
                let x = Double(v[j]), exact = Foundation.tanh(x)
                worst = max(worst, exact == 0 ? abs(Double(t[j])) : abs(Double(t[j]) - exact) / abs(exact))
            }
            i += 16
        }
        print("LaneTanh float32 max relative error:", worst)
        XCTAssertLessThan(worst, 4 * pow(2, -24))
    }

    /// Against the one RK4 definition: on random networks (3 seeds: hidden widths, tanh, relu or
    /// identity layers, N(0, 0.3^2) weights; cubic and linear inputs; 1 or 2 RK4 steps
    /// per sample; first-delay or all-embedded loss; both lane widths) the fused kernel's loss and discrete-adjoint
    /// gradient equal those of the ODE module's RK4 tableau with its discrete adjoint
    /// (`minibatchGradient(viaODEModule: true)`): to round-off in Float64 lanes (1e-12 relative loss,
    /// 1e-9 of the largest gradient entry), to Float32 precision in Float32 lanes (1e-6 relative loss,
    /// 1e-5 relative L2 gradient difference; Float32 epsilon is 6e-8).
    func testRandomNetworksMatchODEModuleRK4() throws {
        let t = try DrivenDuffing.trace(name: "a", samples: 300, sampleInterval: 0.25, amplitude: 1, seed: 5)
        let activations = ["tanh", "relu", "identity"]
        let interpolations: [InterpolationKind] = [.cubic, .linear]
        for seed in UInt64(1)...3 {
            var rng = SeededRandom(seed: 40 + seed)
            var o = FitOptions()
            o.hidden = [3 + Int(rng.uniform() * 20), 3 + Int(rng.uniform() * 20)]
            o.activation = activations[Int(seed) % 3]
            o.initialisationSigma = 0.3
            o.interpolation = interpolations[Int(seed) % 2]
            o.solver = .fixedRK4(stepsPerSample: 1 + Int(seed) % 2)
            o.observed = seed == 2 ? .allEmbedded : .firstDelay
            o.batchSize = 5 + Int(rng.uniform() * 12)
            o.windowLength = 6
            o.validation = .none
            o.seed = seed
            for precision in [TrainingPrecision.float64, .float32] {
                o.precision = precision
                o.laneVectorWidth = (seed + (precision == .float64 ? 0 : 1)) % 2 == 0 ? .bits256 : .bits512
                let fused = try SurrogateTrainer(traces: [t], options: o).minibatchGradient()
                let reference = try SurrogateTrainer(traces: [t], options: o).minibatchGradient(viaODEModule: true)
                let label = "seed \(seed), \(o.activation), \(o.interpolation), \(precision), \(o.laneVectorWidth)"
                var diff = 0.0, norm = 0.0
                for i in fused.gradient.indices {
                    diff += pow(fused.gradient[i] - reference.gradient[i], 2)
                    norm += pow(reference.gradient[i], 2)
                }
                XCTAssertGreaterThan(norm, 0, label)
                if precision == .float64 {
                    XCTAssertEqual(fused.loss, reference.loss, accuracy: 1e-12 * reference.loss, label)
                    let scale = reference.gradient.map(abs).max()!
                    for i in fused.gradient.indices {
                        XCTAssertEqual(fused.gradient[i], reference.gradient[i], accuracy: 1e-9 * scale, "\(label), theta[\(i)]")
                    }
                } else {
                    XCTAssertEqual(fused.loss, reference.loss, accuracy: 1e-6 * reference.loss, label)
                    XCTAssertLessThan((diff / norm).squareRoot(), 1e-5, label)
                }
            }
        }
    }

    /// 256-bit and 512-bit lane vectors on the paper's network and minibatch (4-50-50-2, 50 windows of
    /// 20 samples: 13 vectors of 4 or 7 of 8 Doubles), both adjoints, Float64 and Float32: every
    /// window's arithmetic is the same at both widths, so the loss is the same to the last bit; the
    /// gradient's lane sums are grouped differently, so it agrees to rounding (1e-13 of the largest
    /// entry in Float64, 1e-6 in Float32).
    func testLaneWidthsAgree() throws {
        let t = try DrivenDuffing.trace(name: "a", samples: 2000, sampleInterval: 0.25, amplitude: 1, seed: 9)
        for precision in [TrainingPrecision.float64, .float32] {
            for method in [GradientMethod.discreteAdjoint, .continuousAdjoint] {
                var o = FitOptions()
                o.validation = .none
                o.gradient = method
                o.precision = precision
                o.seed = 4
                o.laneVectorWidth = .bits256
                let narrow = try SurrogateTrainer(traces: [t], options: o).minibatchGradient()
                o.laneVectorWidth = .bits512
                let wide = try SurrogateTrainer(traces: [t], options: o).minibatchGradient()
                let label = "\(precision) \(method)"
                XCTAssertEqual(narrow.loss, wide.loss, label)
                let scale = wide.gradient.map(abs).max()!
                XCTAssertGreaterThan(scale, 0, label)
                var worst = 0.0
                for i in wide.gradient.indices { worst = max(worst, abs(narrow.gradient[i] - wide.gradient[i]) / scale) }
                print("lane widths 256 vs 512, \(label): max gradient difference / max |g| = \(worst)")
                XCTAssertLessThan(worst, precision == .float64 ? 1e-13 : 1e-6, label)
            }
        }
    }
}
