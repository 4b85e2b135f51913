import Devices
import Numerics

/// Time-multiplexed reservoir computing with a single dynamical device (Appeltant et al., Nat. Commun.
/// 2, 468 (2011); with a spin-torque vortex oscillator: Torrejon et al., Nature 547, 428 (2017), Methods).
///
/// Each input sample u(n) (C channels) is spread over N virtual nodes by the `InputMask`; virtual node j
/// of sample n receives the device input
///
///     v(n, j) = inputOffset + inputScale * sum_c m_{j c} u_c(n),
///
/// held for `holdSamples` device samples, so one virtual node lasts theta = holdSamples x
/// `device.sampleInterval` seconds and one input sample lasts N theta. The device's inertia couples
/// neighbouring virtual nodes. The state of virtual node j for sample n is the device output during its
/// hold: the last sample of the hold (`.last`, as Appeltant et al. read node states at the end of each
/// theta) or the mean of the hold's samples (`.mean`, which averages out noise).
///
/// Optional input noise: `inputNoise` > 0 adds independent Gaussian noise of that standard deviation (device
/// input units) to every held value v(n, j) (constant over its hold), as Chen et al., Nat. Commun. 13, 1016
/// (2022) add noise to the inputs to reproduce experimental recognition rates. Sequence b of a call draws from
/// the b-th `split()` of `SeededRandom(seed: noiseSeed)`, so a call is reproducible.
///
/// All sequences of a call (other masks, other seeds, the samples of a classification set) go to the
/// device as one batch of independent copies, each from the device's initial state.
public final class TimeMultiplexer: ReservoirFeatureSource {
    /// How the device output during one hold becomes a virtual-node state.
    public enum Sampling: String, Sendable, Codable, CaseIterable {
        /// The output at the end of the hold.
        case last
        /// The mean of the `holdSamples` outputs of the hold.
        case mean
    }

    public let device: Device
    public let mask: InputMask
    /// Device samples per virtual node (>= 1).
    public let holdSamples: Int
    /// Scale from masked input to device input units (e.g. 0.4 in Chen et al. 2022's skyrmion surrogate).
    public let inputScale: Double
    /// Offset added after scaling, in device input units.
    public let inputOffset: Double
    public let sampling: Sampling
    /// Standard deviation of Gaussian noise added to each held input value, device input units (0: none).
    public let inputNoise: Double
    /// Seed of the input noise.
    public let noiseSeed: UInt64
    public private(set) var deviceSecondsSimulated: Double = 0

    public init(device: Device, mask: InputMask, holdSamples: Int, inputScale: Double = 1,
                inputOffset: Double = 0, sampling: Sampling = .last, inputNoise: Double = 0,
                noiseSeed: UInt64 = 0) throws {
        guard inputNoise >= 0 && inputNoise.isFinite else {
            throw ReservoirError.invalidParameter(name: "inputNoise", value: "\(inputNoise)", expected: "finite and >= 0")
        }
        guard holdSamples >= 1 else {
            throw ReservoirError.invalidParameter(name: "holdSamples", value: "\(holdSamples)", expected: ">= 1")
        }
        guard inputScale.isFinite, inputOffset.isFinite else {
            throw ReservoirError.invalidParameter(name: "inputScale/inputOffset", value: "\(inputScale)/\(inputOffset)",
                                                  expected: "finite values")
        }
        self.device = device
        self.mask = mask
        self.holdSamples = holdSamples
        self.inputScale = inputScale
        self.inputOffset = inputOffset
        self.sampling = sampling
        self.inputNoise = inputNoise
        self.noiseSeed = noiseSeed
    }

    public var name: String { "\(device.name) (time-multiplexed, \(mask.nodes) virtual nodes)" }
    public var nodeCount: Int { mask.nodes }
    public var inputChannels: Int { mask.channels }

    /// theta, the duration of one virtual node, in seconds.
    public var nodeDuration: Double { Double(holdSamples) * device.sampleInterval }

    /// The device input signal (T N holdSamples values, device input units) for one T x C sequence under `mask`.
    public func deviceInput(for sequence: Matrix, mask: InputMask) -> [Double] {
        let n = mask.nodes, h = holdSamples
        var out = [Double](repeating: 0, count: sequence.rows * n * h)
        out.withUnsafeMutableBufferPointer { o in
            var k = 0
            for row in 0..<sequence.rows {
                for j in 0..<n {
                    let v = inputOffset + inputScale * mask.maskedValue(node: j, sequence: sequence, row: row)
                    for _ in 0..<h { o[k] = v; k += 1 }
                }
            }
        }
        return out
    }

    /// The T x N virtual-node states from a device response to `deviceInput` (T N holdSamples values).
    public func nodeStates(fromDeviceOutput output: [Double], samples: Int) -> Matrix {
        let n = mask.nodes, h = holdSamples
        var states = Matrix(rows: samples, columns: n)
        output.withUnsafeBufferPointer { o in
            states.storage.withUnsafeMutableBufferPointer { s in
                for i in 0..<(samples * n) {
                    switch sampling {
                    case .last:
                        s[i] = o[i * h + h - 1]
                    case .mean:
                        var sum = 0.0
                        for q in 0..<h { sum += o[i * h + q] }
                        s[i] = sum / Double(h)
                    }
                }
            }
        }
        return states
    }

    public func states(for sequences: [Matrix]) throws -> [Matrix] {
        try states(for: sequences, masks: [InputMask](repeating: mask, count: sequences.count))
    }

    /// States of each sequence under its own mask (all masks N x C with this multiplexer's N and C),
    /// the whole set driven through the device as one batch.
    public func states(for sequences: [Matrix], masks: [InputMask]) throws -> [Matrix] {
        precondition(masks.count == sequences.count, "TimeMultiplexer: \(masks.count) masks, \(sequences.count) sequences")
        for (b, s) in sequences.enumerated() {
            guard masks[b].nodes == mask.nodes else {
                throw ReservoirError.invalidParameter(name: "mask \(b) node count", value: "\(masks[b].nodes)",
                                                      expected: "\(mask.nodes), as this multiplexer's mask")
            }
            guard s.columns == masks[b].channels else {
                throw ReservoirError.inputChannelMismatch(source: name, expected: masks[b].channels, got: s.columns,
                                                          sequence: b)
            }
        }
        if sequences.isEmpty { return [] }
        var inputs = sequences.indices.map { deviceInput(for: sequences[$0], mask: masks[$0]) }
        if inputNoise > 0 {
            var master = SeededRandom(seed: noiseSeed)
            let h = holdSamples
            for b in inputs.indices {
                var rng = master.split()
                inputs[b].withUnsafeMutableBufferPointer { v in
                    for start in stride(from: 0, to: v.count, by: h) {
                        let e = inputNoise * rng.normal()
                        for q in start..<(start + h) { v[q] += e }
                    }
                }
            }
        }
        let outputs = try device.respond(to: inputs)
        guard outputs.count == inputs.count else {
            throw ReservoirError.deviceOutputMismatch(device: device.name, expected: inputs.count, got: outputs.count,
                                                      sequence: -1)
        }
        var result = [Matrix]()
        result.reserveCapacity(sequences.count)
        for b in sequences.indices {
            guard outputs[b].count == inputs[b].count else {
                throw ReservoirError.deviceOutputMismatch(device: device.name, expected: inputs[b].count,
                                                          got: outputs[b].count, sequence: b)
            }
            if let bad = outputs[b].firstIndex(where: { !$0.isFinite }) {
                throw ReservoirError.nonFiniteValue(what: "device '\(device.name)' output, sequence \(b)",
                                                    index: bad, value: outputs[b][bad])
            }
            result.append(nodeStates(fromDeviceOutput: outputs[b], samples: sequences[b].rows))
            deviceSecondsSimulated += Double(inputs[b].count) * device.sampleInterval
        }
        return result
    }
}
