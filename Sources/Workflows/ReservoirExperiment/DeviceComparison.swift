import Devices
import Dispatch
import Numerics
import Reservoir

/// `spinode reservoir --compare` (and the demo's micromagnetic reference): the device under test (usually a surrogate) and a reference device
/// (usually the micromagnetic simulation it was trained on) run the same task on the same segment: the
/// task shortened to its first inputs (`SegmentableTask.segment`), the same mask, hold and input
/// scaling. Reported: each device's task metrics on the segment, their relative difference, the NRMSE
/// between the two devices' node states, and the speed-up in wall time per simulated ns.
public struct DeviceComparison: Encodable {
    /// The reference device as named on the command line.
    public var reference: String
    /// nil when this command ran the reference; else the `--compare-states` file its states (and its
    /// measured wall time) were read from, with the date they were recorded.
    public var referenceStatesFrom: String?
    /// Task input samples in the segment, and the device samples they become (x nodes x hold).
    public var taskSamples: Int
    public var deviceSamples: Int
    /// Device time simulated by each device, seconds.
    public var simulatedSeconds: Double
    /// The segment task's scalar metrics on the device under test and on the reference.
    public var deviceMetrics: [String: Double]
    public var referenceMetrics: [String: Double]
    /// |device - reference| / |reference| per metric present in both.
    public var metricRelativeDifference: [String: Double]
    /// Per-horizon (or per-delay) profiles of both, when the task has one.
    public var deviceProfile: [Double]?
    public var referenceProfile: [Double]?
    /// RMS(state - reference state) / std(reference state) over all node states of the segment.
    public var stateNRMSE: Double
    /// The same over the node states the task scores: after its washout (`washout_samples` inputs of
    /// each sequence), where the two devices' different start-up transients no longer count.
    public var stateNRMSEAfterWashout: Double
    public var washoutSamples: Int
    /// The same after the best affine map from the device's node states to the reference's (least squares
    /// over the scored rows of all sequences): the part of the difference a linear readout cannot undo
    /// (per-node offsets and linear distortions of the states cost a linear readout nothing).
    public var stateNRMSEAfterLinearMap: Double
    /// The reference's own metrics with white noise on its node states (`StateNoiseSensitivity`, mean over
    /// `NoiseSensitivity.draws` seeded draws per level): how finely each metric reads the states, so how
    /// close a device must come to the reference for that metric to agree.
    public var referenceNoiseSensitivity: [NoiseSensitivity]
    /// Wall seconds per simulated nanosecond.
    public var deviceWallSecondsPerNanosecond: Double
    public var referenceWallSecondsPerNanosecond: Double
    /// referenceWallSecondsPerNanosecond / deviceWallSecondsPerNanosecond.
    public var speedUp: Double
    /// Both devices' whole results on the segment (profiles with their index, test series), for figures;
    /// not in the JSON (the metrics and profiles above are).
    public var deviceResult: ReservoirResult?
    public var referenceResult: ReservoirResult?

    enum CodingKeys: String, CodingKey {
        case reference, referenceStatesFrom = "reference_states_from", taskSamples = "task_samples", deviceSamples = "device_samples"
        case simulatedSeconds = "simulated_seconds", deviceMetrics = "device_metrics"
        case referenceMetrics = "reference_metrics", metricRelativeDifference = "metric_relative_difference"
        case deviceProfile = "device_profile", referenceProfile = "reference_profile"
        case stateNRMSE = "state_nrmse", stateNRMSEAfterWashout = "state_nrmse_after_washout"
        case washoutSamples = "washout_samples", stateNRMSEAfterLinearMap = "state_nrmse_after_linear_map"
        case referenceNoiseSensitivity = "reference_noise_sensitivity"
        case deviceWallSecondsPerNanosecond = "device_wall_seconds_per_ns"
        case referenceWallSecondsPerNanosecond = "reference_wall_seconds_per_ns", speedUp = "speed_up"
    }

    /// The reference's metrics with white noise on its node states (`referenceNoiseSensitivity`).
    public struct NoiseSensitivity: Encodable {
        /// Noise std as a fraction of std(reference node states after the washout).
        public var relativeNoise: Double
        /// Mean of each scalar metric over the draws.
        public var metrics: [String: Double]
        enum CodingKeys: String, CodingKey { case relativeNoise = "relative_noise", metrics }
        /// Noise levels reported, and draws per level (seeds 1 ... draws).
        public static let levels = [1e-4, 1e-3, 1e-2]
        public static let draws = 5
    }

    /// A device's node states on the segment with the wall time of the run that produced them (the
    /// reference's may be read from a `--compare-states` file).
    public struct TimedStates {
        /// Node states per input sequence.
        public var states: [Matrix]
        /// Measured wall time of the run that produced `states`, seconds.
        public var wallSeconds: Double
        /// Device sample interval, seconds.
        public var sampleInterval: Double
        /// Where the states came from: nil when run by this command, else the file and its date.
        public var reusedFrom: String?

        public init(states: [Matrix], wallSeconds: Double, sampleInterval: Double, reusedFrom: String? = nil) {
            self.states = states; self.wallSeconds = wallSeconds; self.sampleInterval = sampleInterval
            self.reusedFrom = reusedFrom
        }
    }

    /// Runs `source` on `inputs` (one matrix per input sequence), timing it.
    public static func run(_ source: TimeMultiplexer, inputs: [Matrix]) throws -> TimedStates {
        let start = DispatchTime.now().uptimeNanoseconds
        let states = try source.states(for: inputs)
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        return TimedStates(states: states, wallSeconds: wall, sampleInterval: source.device.sampleInterval, reusedFrom: nil)
    }

    /// Runs `segment` (a task shortened by `SegmentableTask.segment`) on `primary` and compares with the
    /// reference's states on the same segment (same multiplexing), which `reference` runs or reads given the
    /// segment's input sequences.
    public static func measure(primary: TimeMultiplexer, referenceName: String, segment: any SegmentableTask,
                        reference: ([Matrix]) throws -> TimedStates) throws -> DeviceComparison {
        let dt = primary.device.sampleInterval
        let inputs = try segment.inputSequences()
        let a = try run(primary, inputs: inputs)
        let b = try reference(inputs)
        guard abs(b.sampleInterval - dt) <= 1e-9 * dt else {
            throw ReservoirError.invalidParameter(name: "--compare sample interval", value: "\(b.sampleInterval) s",
                                                  expected: "\(dt) s, the device's")
        }
        guard b.states.count == a.states.count,
              zip(a.states, b.states).allSatisfy({ $0.rows == $1.rows && $0.columns == $1.columns }) else {
            throw ReservoirError.invalidParameter(name: "--compare reference states",
                                                  value: b.states.map { "\($0.rows)x\($0.columns)" }.joined(separator: ","),
                                                  expected: a.states.map { "\($0.rows)x\($0.columns)" }.joined(separator: ","))
        }
        func score(_ states: [Matrix], _ name: String) throws -> ReservoirResult {
            try segment.score(ReservoirStates(sequences: states, sourceName: name, nodes: primary.nodeCount, inputs: inputs))
        }
        let scoreA = try score(a.states, primary.name), scoreB = try score(b.states, referenceName)
        let stateNRMSE = ReservoirMetrics.nrmse(prediction: a.states.flatMap(\.storage), target: b.states.flatMap(\.storage))
        let washout = segment.washoutSamples
        func scored(_ states: [Matrix]) -> [Double] { states.flatMap { $0.storage.dropFirst(min(washout, $0.rows) * $0.columns) } }
        let scoredNRMSE = ReservoirMetrics.nrmse(prediction: scored(a.states), target: scored(b.states))
        let mappedNRMSE = try linearMapNRMSE(device: a.states, reference: b.states, washout: washout)
        let sensitivity = try StateNoiseSensitivity.metrics(of: b.states, washout: washout, levels: NoiseSensitivity.levels,
                                                            draws: NoiseSensitivity.draws) { try score($0, referenceName) }
            .map { NoiseSensitivity(relativeNoise: $0.level, metrics: $0.metrics) }
        let deviceSamples = inputs.reduce(0) { $0 + $1.rows } * primary.nodeCount * primary.holdSamples
        let simulated = Double(deviceSamples) * dt
        let perA = a.wallSeconds / (simulated * 1e9), perB = b.wallSeconds / (simulated * 1e9)
        var relative: [String: Double] = [:]
        for (k, v) in scoreB.metrics { if let w = scoreA.metrics[k] { relative[k] = abs(w - v) / abs(v) } }
        let profileKey = scoreA.profiles.keys.first { $0 != "horizons" }
        return DeviceComparison(reference: referenceName, referenceStatesFrom: b.reusedFrom, taskSamples: inputs[0].rows,
                                deviceSamples: deviceSamples,
                                simulatedSeconds: simulated, deviceMetrics: scoreA.metrics, referenceMetrics: scoreB.metrics,
                                metricRelativeDifference: relative,
                                deviceProfile: profileKey.flatMap { scoreA.profiles[$0] },
                                referenceProfile: profileKey.flatMap { scoreB.profiles[$0] },
                                stateNRMSE: stateNRMSE, stateNRMSEAfterWashout: scoredNRMSE, washoutSamples: washout,
                                stateNRMSEAfterLinearMap: mappedNRMSE, referenceNoiseSensitivity: sensitivity,
                                deviceWallSecondsPerNanosecond: perA, referenceWallSecondsPerNanosecond: perB,
                                speedUp: perB / perA, deviceResult: scoreA, referenceResult: scoreB)
    }

    /// NRMSE between the reference's node states and the best affine function of the device's, over the rows
    /// after the washout: B ~ [A 1] X by least squares (minimum-norm, `LinearLeastSquares.ridge` with lambda 0).
    public static func linearMapNRMSE(device: [Matrix], reference: [Matrix], washout: Int) throws -> Double {
        let nodes = device.first?.columns ?? 0
        var rows = 0
        for s in device { rows += max(s.rows - washout, 0) }
        guard rows > nodes + 1 else { return .nan }
        var a = Matrix(rows: rows, columns: nodes + 1), b = Matrix(rows: rows, columns: nodes)
        var r = 0
        for (sa, sb) in zip(device, reference) where sa.rows > washout {
            for i in washout..<sa.rows {
                for j in 0..<nodes { a[r, j] = sa[i, j]; b[r, j] = sb[i, j] }
                a[r, nodes] = 1
                r += 1
            }
        }
        let x = try LinearLeastSquares.ridge(a: a, b: b, lambda: 0)
        return ReservoirMetrics.nrmse(prediction: (a * x).storage, target: b.storage)
    }
}
