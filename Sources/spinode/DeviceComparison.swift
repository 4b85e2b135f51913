import Devices
import Dispatch
import Numerics
import Reservoir

/// `spinode reservoir --compare`: the device under test (usually a surrogate) and a reference device
/// (usually the micromagnetic simulation it was trained on) run the same task on the same segment: the
/// task shortened to its first inputs (`SegmentableTask.segment`), the same mask, hold and input
/// scaling. Reported: each device's task metrics on the segment, their relative difference, the NRMSE
/// between the two devices' node states, and the speed-up in wall time per simulated ns.
struct DeviceComparison: Encodable {
    /// The reference device as named on the command line.
    var reference: String
    /// Task input samples in the segment, and the device samples they become (x nodes x hold).
    var taskSamples: Int
    var deviceSamples: Int
    /// Device time simulated by each device, seconds.
    var simulatedSeconds: Double
    /// The segment task's scalar metrics on the device under test and on the reference.
    var deviceMetrics: [String: Double]
    var referenceMetrics: [String: Double]
    /// |device - reference| / |reference| per metric present in both.
    var metricRelativeDifference: [String: Double]
    /// Per-horizon (or per-delay) profiles of both, when the task has one.
    var deviceProfile: [Double]?
    var referenceProfile: [Double]?
    /// RMS(state - reference state) / std(reference state) over all node states of the segment.
    var stateNRMSE: Double
    /// Wall seconds per simulated nanosecond.
    var deviceWallSecondsPerNanosecond: Double
    var referenceWallSecondsPerNanosecond: Double
    /// referenceWallSecondsPerNanosecond / deviceWallSecondsPerNanosecond.
    var speedUp: Double

    enum CodingKeys: String, CodingKey {
        case reference, taskSamples = "task_samples", deviceSamples = "device_samples"
        case simulatedSeconds = "simulated_seconds", deviceMetrics = "device_metrics"
        case referenceMetrics = "reference_metrics", metricRelativeDifference = "metric_relative_difference"
        case deviceProfile = "device_profile", referenceProfile = "reference_profile"
        case stateNRMSE = "state_nrmse", deviceWallSecondsPerNanosecond = "device_wall_seconds_per_ns"
        case referenceWallSecondsPerNanosecond = "reference_wall_seconds_per_ns", speedUp = "speed_up"
    }

    /// Runs `segment` (a task shortened by `SegmentableTask.segment`) on `primary` and on `reference`
    /// (same multiplexing) and compares.
    static func measure(primary: TimeMultiplexer, reference: TimeMultiplexer, referenceName: String,
                        segment: any ReservoirTask, progress: (String) -> Void = { _ in }) throws -> DeviceComparison {
        let dt = primary.device.sampleInterval
        guard abs(reference.device.sampleInterval - dt) <= 1e-9 * dt else {
            throw ReservoirError.invalidParameter(name: "--compare sample interval", value: "\(reference.device.sampleInterval) s",
                                                  expected: "\(dt) s, the device's")
        }
        let inputs = try segment.inputSequences()
        func timed(_ source: TimeMultiplexer) throws -> (ReservoirResult, [Matrix], Double) {
            let start = DispatchTime.now().uptimeNanoseconds
            let states = try source.states(for: inputs)
            let wall = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            let result = try segment.score(ReservoirStates(sequences: states, sourceName: source.name,
                                                           nodes: source.nodeCount, inputs: inputs))
            return (result, states, wall)
        }
        let (a, statesA, wallA) = try timed(primary)
        progress("reference \(referenceName): \(inputs[0].rows * primary.nodeCount * primary.holdSamples) device samples")
        let (b, statesB, wallB) = try timed(reference)
        let stateNRMSE = ReservoirMetrics.nrmse(prediction: statesA.flatMap(\.storage), target: statesB.flatMap(\.storage))
        let deviceSamples = inputs.reduce(0) { $0 + $1.rows } * primary.nodeCount * primary.holdSamples
        let simulated = Double(deviceSamples) * dt
        let perA = wallA / (simulated * 1e9), perB = wallB / (simulated * 1e9)
        var relative: [String: Double] = [:]
        for (k, v) in b.metrics { if let w = a.metrics[k] { relative[k] = abs(w - v) / abs(v) } }
        let profileKey = a.profiles.keys.first { $0 != "horizons" }
        return DeviceComparison(reference: referenceName, taskSamples: inputs[0].rows, deviceSamples: deviceSamples,
                                simulatedSeconds: simulated, deviceMetrics: a.metrics, referenceMetrics: b.metrics,
                                metricRelativeDifference: relative,
                                deviceProfile: profileKey.flatMap { a.profiles[$0] },
                                referenceProfile: profileKey.flatMap { b.profiles[$0] },
                                stateNRMSE: stateNRMSE,
                                deviceWallSecondsPerNanosecond: perA, referenceWallSecondsPerNanosecond: perB,
                                speedUp: perB / perA)
    }
}
