import Devices
import Foundation
import Reservoir
import TraceIO

/// Demo part (c): the micromagnetic reference (`MicromagneticDevice` of the spec that made the bundled
/// data) and the surrogate driven by the same multiplexed Mackey-Glass segment, through the code of
/// `spinode reservoir --compare` (`DeviceComparison.measure`), for the wall time per simulated ns of each
/// and their ratio, the speed-up.
///
/// To keep the demo short the reference is prepared briefly: the spec's minimisation, then its settling run
/// stages shortened to `settle` seconds (the full spec settles for 1 ns at alpha = 0.1); the driven segment
/// uses the damping, solver and step of the spec's recorded stage. Only the driven segment is timed, so the
/// shortened preparation does not change the speed per ns (it changes the state the segment starts from).
struct DemoReference {
    var spec: String
    var settle: Double
    var preparationSeconds: Double
    var comparison: DeviceComparison
    /// Surrogate wall seconds per simulated ns measured on the whole Mackey-Glass task (large batch of work).
    var taskSurrogateSecondsPerNs: Double
    /// Device time of the whole task, seconds, and the reference's estimated wall seconds for it.
    var taskDeviceSeconds: Double
    var taskReferenceSecondsEstimate: Double

    /// The spec with its preparation shortened: run stages before the recorded one last `settle` seconds
    /// (dropped if 0).
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
        let dt = reservoir.multiplexer.device.sampleInterval
        progress.step(String(format: "micromagnetic reference %@: preparing (minimisation, %.3g ns settling)",
                             (specPath as NSString).lastPathComponent, settle * 1e9))
        let (device, preparation) = try DemoProgress.timed {
            try MicromagneticDevice(spec: spec, input: .target(.Ku1), sampleInterval: spec.output.interval ?? dt, threads: 1)
        }
        let perTaskSample = Double(reservoir.nodes * reservoir.hold) * dt
        let samples = max(1, Int((segment / perTaskSample).rounded()))
        progress.step(String(format: "micromagnetic reference: %.3g ns of the multiplexed drive (%d samples), then the surrogate on the same",
                             Double(samples) * perTaskSample * 1e9, samples * reservoir.nodes * reservoir.hold))
        let comparison = try DeviceComparison.measure(primary: reservoir.multiplexer, reference: device,
                                                      referenceName: specPath, task: reservoir.task, samples: samples)
        let task = reservoir.surrogate.result
        let perNs = task.wallSeconds / (task.deviceSeconds * 1e9)
        return DemoReference(spec: specPath, settle: settle, preparationSeconds: preparation, comparison: comparison,
                             taskSurrogateSecondsPerNs: perNs, taskDeviceSeconds: task.deviceSeconds,
                             taskReferenceSecondsEstimate: comparison.referenceWallSecondsPerNanosecond * task.deviceSeconds * 1e9)
    }

    /// Reference wall time per ns over the surrogate's, both on the whole task (the surrogate's batch of work).
    var taskSpeedUp: Double { comparison.referenceWallSecondsPerNanosecond / taskSurrogateSecondsPerNs }

    var json: JSONValue {
        let c = comparison
        return .object([
            ("spec", .string(spec)), ("settle_s", .number(settle)), ("preparation_seconds", .number(preparationSeconds)),
            ("device_samples", .integer(c.deviceSamples)), ("simulated_seconds", .number(c.simulatedSeconds)),
            ("reference_wall_seconds", .number(c.referenceWallSecondsPerNanosecond * c.simulatedSeconds * 1e9)),
            ("surrogate_wall_seconds", .number(c.deviceWallSecondsPerNanosecond * c.simulatedSeconds * 1e9)),
            ("reference_wall_seconds_per_ns", .number(c.referenceWallSecondsPerNanosecond)),
            ("surrogate_wall_seconds_per_ns", .number(c.deviceWallSecondsPerNanosecond)),
            ("speed_up", .number(c.speedUp)),
            ("output_nrmse", .number(c.outputNRMSE)),
            ("task_surrogate_wall_seconds_per_ns", .number(taskSurrogateSecondsPerNs)),
            ("task_device_seconds", .number(taskDeviceSeconds)),
            ("task_reference_wall_seconds_estimate", .number(taskReferenceSecondsEstimate)),
            ("task_speed_up", .number(taskSpeedUp)),
        ])
    }
}
