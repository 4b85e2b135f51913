import Devices
import Foundation
import Numerics
import Reservoir
import TraceIO

/// Demo part (c): the micromagnetic reference (`MicromagneticDevice` of the spec that made the bundled data,
/// its input added to Ku1 in J/m^3, as `spinode reservoir --device SPEC.toml` builds it) and the surrogate,
/// both behind the reservoir set-up's `TimeMultiplexer` (same mask, hold and input scale), turn the same first
/// Mackey-Glass inputs into node states; each is timed by `DeviceComparison.run` (as `reservoir --compare`
/// times them), and the ratio of their wall times per simulated ns is the speed-up.
///
/// `spinode reservoir --compare` scores a task segment of at least 40 inputs on both devices (20 ns of
/// skyrmion dynamics, many minutes of reference time); the demo times a 0.5 ns segment instead (one
/// Mackey-Glass input = 50 nodes x 2 samples), too short to score but enough for the speed. It also prepares the
/// reference briefly: the spec's minimisation, then its settling run stages shortened to `settle` seconds (the
/// spec settles for 1 ns at alpha = 0.1); only the driven segment is timed, so this changes the state the segment
/// starts from, not the cost per ns.
public struct DemoReference {
    public var spec: String
    public var settle: Double
    public var preparationSeconds: Double
    /// Task inputs in the segment, and the device samples they become (x nodes x hold).
    public var taskSamples: Int
    public var deviceSamples: Int
    public var simulatedSeconds: Double
    public var referenceWallSeconds: Double
    public var surrogateWallSeconds: Double
    /// RMS(surrogate state - reference state) / std(reference state) over the segment's node states. Not an
    /// accuracy measure here: the two devices start from different states (the surrogate from its training mean).
    public var stateNRMSE: Double
    /// Device time of the whole Mackey-Glass task, seconds, and the surrogate's measured wall time for it.
    public var taskDeviceSeconds: Double
    public var taskSurrogateWallSeconds: Double

    public var referenceSecondsPerNs: Double { referenceWallSeconds / (simulatedSeconds * 1e9) }
    public var surrogateSecondsPerNs: Double { surrogateWallSeconds / (simulatedSeconds * 1e9) }
    /// Reference over surrogate wall time per simulated ns, on the identical segment.
    public var speedUp: Double { referenceSecondsPerNs / surrogateSecondsPerNs }
    /// The reference's cost per ns extrapolated to the whole task.
    public var taskReferenceSecondsEstimate: Double { referenceSecondsPerNs * taskDeviceSeconds * 1e9 }
    /// That estimate over the surrogate's measured wall time for the task.
    public var taskSpeedUp: Double { taskReferenceSecondsEstimate / taskSurrogateWallSeconds }

    /// The spec with its preparation shortened: run stages before the recorded one last at most `settle`
    /// seconds (dropped if 0).
    public static func shortened(_ spec: SimulationSpec, settle: Double) -> SimulationSpec {
        var s = spec
        guard let driven = spec.stages.firstIndex(where: { if case .run(let r) = $0 { return r.record } else { return false } })
        else { return s }
        var stages = [SimulationSpec.Stage]()
        for (i, stage) in spec.stages.enumerated() {
            if i < driven, case .run(var r) = stage {
                guard settle > 0 else { continue }
                r.duration = min(r.duration, settle)
                stages.append(.run(r))
            } else {
                stages.append(stage)
            }
        }
        s.stages = stages
        return s
    }

    public static func run(specPath: String, reservoir: DemoReservoir, segment: Double, settle: Double,
                    progress: DemoProgress) throws -> DemoReference {
        let spec = shortened(try SimulationSpec(contentsOf: specPath), settle: settle)
        let surrogate = reservoir.multiplexer
        let dt = surrogate.device.sampleInterval
        guard let interval = spec.output.interval, abs(interval - dt) <= 1e-9 * dt else {
            throw DemoError.incompatible(detail: "\(specPath): [output] interval \(spec.output.interval.map { "\($0) s" } ?? "missing") differs from the surrogate's sample interval \(dt) s")
        }
        progress.step(String(format: "(c) preparing the micromagnetic reference %@ (minimisation, %.3g ns settling)",
                             (specPath as NSString).lastPathComponent, settle * 1e9))
        let (device, preparation) = try DemoProgress.timed {
            try MicromagneticDevice(spec: spec, input: .target(.Ku1), sampleInterval: interval, threads: 1)
        }
        let reference = try reservoir.setup.multiplexer(for: device)
        let perInput = surrogate.nodeCount * surrogate.holdSamples
        let rows = max(1, Int((segment / (Double(perInput) * dt)).rounded()))
        let sequence = try reservoir.task.inputSequences()[0]
        let inputs = [Matrix(rows: min(rows, sequence.rows), columns: sequence.columns,
                             storage: Array(sequence.storage[0..<(min(rows, sequence.rows) * sequence.columns)]))]
        let samples = inputs[0].rows * perInput
        progress.step(String(format: "(c) %.3g ns of the multiplexed drive (%d samples) on the reference, then on the surrogate",
                             Double(samples) * dt * 1e9, samples))
        let b = try DeviceComparison.run(reference, inputs: inputs)
        let a = try DeviceComparison.run(surrogate, inputs: inputs)
        let task = reservoir.surrogate.result
        return DemoReference(spec: specPath, settle: settle, preparationSeconds: preparation, taskSamples: inputs[0].rows,
                             deviceSamples: samples, simulatedSeconds: Double(samples) * dt,
                             referenceWallSeconds: b.wallSeconds, surrogateWallSeconds: a.wallSeconds,
                             stateNRMSE: ReservoirMetrics.nrmse(prediction: a.states[0].storage, target: b.states[0].storage),
                             taskDeviceSeconds: task.deviceSeconds, taskSurrogateWallSeconds: task.wallSeconds)
    }

    public var json: JSONValue {
        .object([
            ("spec", .string(spec)), ("settle_s", .number(settle)), ("preparation_seconds", .number(preparationSeconds)),
            ("task_samples", .integer(taskSamples)), ("device_samples", .integer(deviceSamples)),
            ("simulated_seconds", .number(simulatedSeconds)),
            ("reference_wall_seconds", .number(referenceWallSeconds)), ("surrogate_wall_seconds", .number(surrogateWallSeconds)),
            ("reference_wall_seconds_per_ns", .number(referenceSecondsPerNs)),
            ("surrogate_wall_seconds_per_ns", .number(surrogateSecondsPerNs)),
            ("speed_up", .number(speedUp)), ("state_nrmse", .number(stateNRMSE)),
            ("task_device_seconds", .number(taskDeviceSeconds)), ("task_surrogate_wall_seconds", .number(taskSurrogateWallSeconds)),
            ("task_reference_wall_seconds_estimate", .number(taskReferenceSecondsEstimate)),
            ("task_speed_up", .number(taskSpeedUp)),
        ])
    }
}
