import Foundation
import Numerics
import Reservoir
import TraceIO

/// Demo part (b): Mackey-Glass prediction on the surrogate reservoir and on the echo state network
/// baseline, through the `spinode reservoir` command's own set-up (`ReservoirSetup`: its devices, task and
/// readout settings), in the paper's setting (Chen et al., Nat. Commun. 13, 1016 (2022), Fig. 4):
/// 10,000 Mackey-Glass points, N = 50 virtual nodes, each masked value held 2 samples (10 ps), rows
/// 300 ..< 5,000 train the readout, the rest test it; NRMSE of x(n + H) for H = 0 ... 79.
///
/// Input units: the surrogate's input is deltaKu1 in J/m^3. The paper scales the masked values by 0.4 in
/// the surrogate's input, whose unit is the VCMA amplitude 0.1 MJ/m^3 of its training drive
/// (Ku = 0.8 MJ/m^3 + 0.1 MJ/m^3 a_i sin(2 pi f t)), so one masked unit is 0.4 x 1e5 = 4e4 J/m^3
/// (`inputScale`).
public struct DemoReservoir {
    public struct Run {
        public var result: ReservoirResult
        public var perHorizon: [Double] { result.profiles["nrmse_per_horizon"] ?? [] }
        public func nrmse(at h: Int) -> Double? { h < perHorizon.count ? perHorizon[h] : nil }

        public var json: JSONValue {
            .object([
                ("source", .string(result.source)),
                ("nrmse_h1", nrmse(at: 1).map { .number($0) } ?? .null),
                ("nrmse_h10", nrmse(at: 10).map { .number($0) } ?? .null),
                ("nrmse_h40", nrmse(at: 40).map { .number($0) } ?? .null),
                ("nrmse_mean", result.metrics["nrmse_mean"].map { .number($0) } ?? .null),
                ("nrmse_per_horizon", .numbers(perHorizon)),
                ("wall_seconds", .number(result.wallSeconds)), ("device_seconds", .number(result.deviceSeconds)),
            ])
        }
    }

    public var model: String
    public var nodes: Int
    public var hold: Int
    public var inputScale: Double
    public var seed: UInt64
    public var points: Int
    public var surrogate: Run
    public var esn: Run
    /// The set-up (its multiplexing serves the reference too), its multiplexer over the surrogate, the task.
    public var setup: ReservoirSetup
    public var multiplexer: TimeMultiplexer
    public var task: any ReservoirTask

    /// `spinode reservoir mackey-glass --device DEVICE` with the demo's settings (every other option at its
    /// default).
    public static func setup(device: String, nodes: Int, hold: Int, inputScale: Double, seed: UInt64) -> ReservoirSetup {
        var setup = ReservoirSetup()
        setup.task = "mackey-glass"
        setup.device = device
        setup.nodes = nodes
        setup.hold = hold
        setup.inputScale = inputScale
        setup.seed = seed
        return setup
    }

    /// The task: the set-up's (10,000 points) or, with `quick`, 2,000 points (washout 100, train to 1,000,
    /// H = 0 ... 40) with the same readout selection.
    public static func task(of setup: ReservoirSetup, quick: Bool) -> any ReservoirTask {
        guard quick else { return setup.makeTask() }
        return MackeyGlassPrediction(length: 2000, discard: 100, trainEnd: 1000, horizons: 0...40,
                                     ridge: .crossValidated(.init(folds: setup.folds, perOutput: true)))
    }

    public static func run(model: String, nodes: Int, hold: Int, inputScale: Double, seed: UInt64, quick: Bool,
                           progress: DemoProgress) throws -> DemoReservoir {
        let surrogateSetup = setup(device: model, nodes: nodes, hold: hold, inputScale: inputScale, seed: seed)
        let task = Self.task(of: surrogateSetup, quick: quick)
        let points = (try? task.inputSequences().first?.rows) ?? nil
        guard let multiplexer = try surrogateSetup.makeSource() as? TimeMultiplexer else {
            throw DemoError.incompatible(detail: "\(model) did not load as a time-multiplexed device")
        }
        progress.step("Mackey-Glass on the surrogate reservoir: \(points ?? 0) points x \(nodes) nodes x \(hold) samples")
        let surrogate = try ReservoirRunner.run(task, on: multiplexer)
        let esnSetup = setup(device: "esn", nodes: nodes, hold: hold, inputScale: inputScale, seed: seed)
        progress.step("Mackey-Glass on the echo state network baseline (N = \(nodes))")
        let esn = try ReservoirRunner.run(Self.task(of: esnSetup, quick: quick), on: try esnSetup.makeSource())
        return DemoReservoir(model: model, nodes: nodes, hold: hold, inputScale: inputScale, seed: seed, points: points ?? 0,
                             surrogate: Run(result: surrogate), esn: Run(result: esn), setup: surrogateSetup,
                             multiplexer: multiplexer, task: task)
    }

    public var json: JSONValue {
        .object([
            ("model", .string(model)), ("nodes", .integer(nodes)), ("hold_samples", .integer(hold)),
            ("input_scale_j_per_m3", .number(inputScale)), ("seed", .integer(Int(truncatingIfNeeded: seed))),
            ("points", .integer(points)), ("surrogate", surrogate.json), ("esn", esn.json),
        ])
    }
}
