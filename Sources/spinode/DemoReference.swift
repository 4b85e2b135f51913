import Devices
import Dispatch
import Foundation
import Numerics
import Reservoir
import TraceIO

/// Demo part (c): the micromagnetic reference (`MicromagneticDevice` of the spec that made the bundled data,
/// its input added to Ku1 in J/m^3, as `spinode reservoir --device SPEC.toml` builds it) and the surrogate,
/// both behind the reservoir command's `TimeMultiplexer` (same mask, hold and input scale), turn the same first
/// Mackey-Glass inputs into node states; each is timed, and the ratio of their wall times per simulated ns is
/// the speed-up.
///
/// `spinode reservoir --compare` scores a task segment of at least 40 inputs on both devices (20 ns of
/// skyrmion dynamics, about 20 minutes of reference time here); the demo times a 0.5 ns segment instead (one
/// Mackey-Glass input = 50 nodes x 2 samples), too short to score but enough for the speed. It also prepares the
/// reference briefly: the spec's minimisation, then its settling run stages shortened to `settle` seconds (the
/// spec settles for 1 ns at alpha = 0.1); only the driven segment is timed, so this changes the state the segment
/// starts from, not the cost per ns.
struct DemoReference {
    var spec: String
    var settle: Double
    var preparationSeconds: Double
    /// Task inputs in the segment, and the device samples they become (x nodes x hold).
    var taskSamples: Int
    var deviceSamples: Int
    var simulatedSeconds: Double
    var referenceWallSeconds: Double
    var surrogateWallSeconds: Double
    /// RMS(surrogate state - reference state) / std(reference state) over the segment's node states. Not an
    /// accuracy measure here: the two devices start from different states (the surrogate from its training mean).
    var stateNRMSE: Double
    /// Device time of the whole Mackey-Glass task, seconds, and the surrogate's measured wall time for it.
    var taskDeviceSeconds: Double
    var taskSurrogateWallSeconds: Double

    var referenceSecondsPerNs: Double { referenceWallSeconds / (simulatedSeconds * 1e9) }
    var surrogateSecondsPerNs: Double { surrogateWallSeconds / (simulatedSeconds * 1e9) }
    /// Reference over surrogate wall time per simulated ns, on the identical segment.
    var speedUp: Double { referenceSecondsPerNs / surrogateSecondsPerNs }
    /// The reference's cost per ns extrapolated to the whole task.
    var taskReferenceSecondsEstimate: Double { referenceSecondsPerNs * taskDeviceSeconds * 1e9 }
    /// That estimate over the surrogate's measured wall time for the task.
    var taskSpeedUp: Double { taskReferenceSecondsEstimate / taskSurrogateWallSeconds }

    /// The spec with its preparation shortened: run stages before the recorded one last at most `settle`
    /// seconds (dropped if 0).
    static func shortened(_ spec: SimulationSpec, settle: Double) -> SimulationSpec {
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

    static func run(specPath: String, reservoir: DemoReservoir, segment: Double, settle: Double,
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
        let reference = try reservoir.command.multiplexer(for: device)
        let perInput = surrogate.nodeCount * surrogate.holdSamples
        let rows = max(1, Int((segment / (Double(perInput) * dt)).rounded()))
        let sequence = try reservoir.task.inputSequences()[0]
        let inputs = [Matrix(rows: min(rows, sequence.rows), columns: sequence.columns,
                             storage: Array(sequence.storage[0..<(min(rows, sequence.rows) * sequence.columns)]))]
        let samples = inputs[0].rows * perInput
        progress.step(String(format: "(c) %.3g ns of the multiplexed drive (%d samples) on the reference, then on the surrogate",
                             Double(samples) * dt * 1e9, samples))
        func timed(_ source: TimeMultiplexer) throws -> (Matrix, Double) {
            let start = DispatchTime.now().uptimeNanoseconds
            let states = try source.states(for: inputs)[0]
            return (states, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        let (b, referenceWall) = try timed(reference)
        let (a, surrogateWall) = try timed(surrogate)
        var squared = 0.0, sum = 0.0, sumSquares = 0.0
        for i in 0..<b.storage.count {
            let d = a.storage[i] - b.storage[i]
            squared += d * d; sum += b.storage[i]; sumSquares += b.storage[i] * b.storage[i]
        }
        let n = Double(b.storage.count)
        let variance = max(sumSquares / n - (sum / n) * (sum / n), 0)
        let task = reservoir.surrogate.result
        return DemoReference(spec: specPath, settle: settle, preparationSeconds: preparation, taskSamples: inputs[0].rows,
                             deviceSamples: samples, simulatedSeconds: Double(samples) * dt,
                             referenceWallSeconds: referenceWall, surrogateWallSeconds: surrogateWall,
                             stateNRMSE: (squared / n).squareRoot() / variance.squareRoot(),
                             taskDeviceSeconds: task.deviceSeconds, taskSurrogateWallSeconds: task.wallSeconds)
    }

    var json: JSONValue {
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
