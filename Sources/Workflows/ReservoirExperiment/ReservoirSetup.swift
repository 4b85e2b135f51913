import Devices
import Foundation
import Numerics
import Reservoir
import SafeIO
import Surrogate
import TraceIO

/// One reservoir-computing experiment as `spinode reservoir` and the demo set it up: the task, the feature
/// source (the software echo state network, a named device, a surrogate model file or a micromagnetic spec)
/// and the time multiplexing that drives a device (Appeltant et al., Nat. Commun. 2, 468 (2011)). A value of
/// plain settings, so a command fills it from its options and a test or the demo fills it directly.
public struct ReservoirSetup {
    /// The task: one of `taskNames`.
    public var task: String = "mackey-glass"
    /// Feature source: "esn", a key of `devices`, or a file (`isFileDevice`).
    public var device: String = "esn"
    /// Number of (virtual) nodes N.
    public var nodes: Int = 50
    /// Seed of the reservoir (ESN weights or input mask) and of the task's random inputs.
    public var seed: UInt64 = 1
    /// ESN: spectral radius of the recurrent weights, half-widths of the uniform input weights and biases,
    /// leak rate in (0, 1].
    public var spectralRadius: Double = 0.9
    public var inputScaling: Double = 0.5
    public var biasScaling: Double = 0.2
    public var leakRate: Double = 1
    /// Time multiplexing: device samples each masked value is held for, mask distribution, scale and offset
    /// from masked input to device input units, node-state sampling, std of Gaussian input noise (device
    /// input units).
    public var hold: Int = 2
    public var mask: InputMask.Distribution = .binary
    public var inputScale: Double = 1
    public var inputOffset: Double = 0
    public var sampling: TimeMultiplexer.Sampling = .last
    public var inputNoise: Double = 0
    /// Device: bias and gain as multiples of the threshold current I_th (or J_c); sample interval in seconds
    /// (nil: the device's own); seed of its thermal noise; the auto-oscillator's noise intensity D in 1/s.
    public var biasRatio: Double = 1.5
    public var gainRatio: Double = 0.5
    public var sampleInterval: Double?
    public var deviceSeed: UInt64 = 0
    public var noise: Double = 0
    /// Of an ensemble model device: this member alone (nil: the members' mean).
    public var member: Int?
    /// Of a surrogate model device: its network's arithmetic (`FreeRunPrediction.precision`).
    public var precision: TrainingPrecision = .float64
    /// Readout: fixed ridge lambda (nil: chosen by contiguous k-fold cross-validation over `folds` folds).
    public var ridge: Double?
    public var folds: Int = 5
    /// No progress lines on stderr from a micromagnetic device.
    public var quiet = false

    public init() {}

    public static let taskNames = ["mackey-glass", "narma10", "sine-square", "memory-capacity", "parity-capacity"]

    /// Devices driven through time multiplexing, by name. Each builder reads what it needs from the setup
    /// and returns the `Device`; add one line per device.
    public static let devices: [String: (ReservoirSetup) throws -> Device] = [
        "auto-oscillator": { setup in
            let d = AutoOscillator(sampleInterval: setup.sampleInterval ?? 1e-9, seed: setup.deviceSeed)
            d.parameters.noiseIntensity = setup.noise
            let threshold = d.parameters.thresholdCurrent
            d.biasCurrent = setup.biasRatio * threshold
            d.inputGain = setup.gainRatio * threshold
            d.output = .power
            return d
        },
        "macrospin": { setup in
            let d = MacrospinSTNO(sampleInterval: setup.sampleInterval ?? 50e-12, seed: setup.deviceSeed)
            guard let jc = MacrospinSTNO.criticalCurrentDensity(d.parameters) else {
                throw ReservoirSetupError("macrospin: no collinear threshold current for the default parameters")
            }
            d.biasCurrentDensity = setup.biasRatio * jc
            d.inputGain = setup.gainRatio * jc
            d.output = .cosineToFixedLayer
            return d
        },
    ]

    /// A device given by file name: a surrogate model file (`.h5`, docs/model-file.md) or a micromagnetic
    /// simulation spec (`.toml`, docs/spec-format.md; the input is added to Ku1 in J/m^3, the VCMA drive).
    public static func isFileDevice(_ name: String) -> Bool {
        name.hasSuffix(".h5") || name.hasSuffix(".hdf5") || name.hasSuffix(".toml")
    }

    /// The task with this setup's seed and readout selection (per-output lambdas for the tasks with many
    /// outputs: the Mackey-Glass horizons and the capacities' delays).
    public func makeTask() -> any ReservoirTask {
        let perOutput = task == "mackey-glass" || task.hasSuffix("capacity")
        let selection: RidgeReadout.Selection = ridge.map { .fixed($0) }
            ?? .crossValidated(.init(folds: folds, perOutput: perOutput))
        switch task {
        case "mackey-glass": return MackeyGlassPrediction(ridge: selection)
        case "narma10": return NARMA10Emulation(seed: seed, ridge: selection)
        case "sine-square": return SineSquareClassification(seed: seed, ridge: selection)
        case "memory-capacity": return MemoryCapacity(seed: seed, ridge: selection)
        default: return ParityCheckCapacity(seed: seed, ridge: selection)
        }
    }

    /// The feature source: the echo state network for "esn", else `device` behind the multiplexer.
    public func makeSource() throws -> ReservoirFeatureSource {
        if device == "esn" {
            return try EchoStateNetwork(configuration: .init(nodes: nodes, spectralRadius: spectralRadius,
                                                             inputScaling: inputScaling, biasScaling: biasScaling,
                                                             leakRate: leakRate, seed: seed))
        }
        return try multiplexer(for: try makeDevice(device))
    }

    /// The named device, or the device a file describes (a spec's device runs on 2 threads).
    public func makeDevice(_ name: String) throws -> Device {
        if Self.isFileDevice(name) {
            guard FileManager.default.fileExists(atPath: name) else { throw ReservoirSetupError("\(name): no such file") }
            if name.hasSuffix(".toml") {
                let spec = try SimulationSpec(contentsOf: name)
                guard let dt = sampleInterval ?? spec.output.interval else {
                    throw ReservoirSetupError("\(name): no [output] interval; give --sample-interval")
                }
                let device = try MicromagneticDevice(spec: spec, input: .target(.Ku1), sampleInterval: dt, threads: 2)
                if !quiet { device.progress = Self.progressReporter(name) }
                return device
            }
            return try SurrogateDevice(modelFile: name, member: member, precision: precision)
        }
        guard let build = Self.devices[name] else {
            throw ReservoirSetupError("unknown device '\(name)'; available: \(Self.devices.keys.sorted().joined(separator: ", ")) or MODEL.h5")
        }
        return try build(self)
    }

    /// `physical` behind this setup's time multiplexing (`noise` replaces `inputNoise` when given).
    public func multiplexer(for physical: Device, inputNoise noise: Double? = nil) throws -> TimeMultiplexer {
        try TimeMultiplexer(device: physical, mask: InputMask(nodes: nodes, distribution: mask, seed: seed),
                            holdSamples: hold, inputScale: inputScale, inputOffset: inputOffset, sampling: sampling,
                            inputNoise: noise ?? inputNoise, noiseSeed: seed)
    }

    /// Everything a reference's node states on a comparison segment of `compareSamples` inputs depend on
    /// (`ReferenceStatesFile`), the reference `reference` run with input noise `referenceNoise`.
    public func referenceConfiguration(reference: String, compareSamples: Int, referenceNoise: Double,
                                       sampleInterval dt: Double) throws -> [String: String] {
        var c: [String: String] = [
            "reference": reference, "task": task, "compare_samples": "\(compareSamples)", "nodes": "\(nodes)",
            "hold": "\(hold)", "mask": mask.rawValue, "seed": "\(seed)", "input_scale": "\(inputScale)",
            "input_offset": "\(inputOffset)", "sampling": sampling.rawValue, "input_noise": "\(referenceNoise)",
            "sample_interval": "\(dt)", "bias_ratio": "\(biasRatio)", "gain_ratio": "\(gainRatio)",
            "device_seed": "\(deviceSeed)", "noise": "\(noise)", "ridge": ridge.map { "\($0)" } ?? "cv", "folds": "\(folds)",
        ]
        if Self.isFileDevice(reference) { c["reference_sha256"] = try SHA256.hexOfFile(reference) }
        return c
    }

    /// A thread-safe progress line on stderr for a micromagnetic device (minutes of CPU per simulated ns):
    /// at most one every 30 s of wall time, and one when a copy finishes. Wall time and ETA count from the
    /// first output sample, so the spec's preparation (relaxation, settling run) is not in them.
    public static func progressReporter(_ name: String) -> (Int, Double, Double) -> Void {
        let lock = NSLock()
        var started: Date?
        var last = Date()
        return { copy, t, total in
            lock.lock(); defer { lock.unlock() }
            let now = Date()
            if started == nil {
                started = now; last = now
                if t < total { return }
            }
            guard now.timeIntervalSince(last) >= 30 || t >= total, let started else { return }
            last = now
            let wall = now.timeIntervalSince(started)
            let eta = t > 0 ? String(format: "%.0f s", wall * (total - t) / t) : "-"
            FileHandle.standardError.write(Data(String(format: "spinode reservoir: %@ copy %d: %.4g / %.4g ns (%.1f %%), %.0f s wall, ETA %@\n",
                                                       name, copy, t * 1e9, total * 1e9, 100 * t / max(total, 1e-300), wall, eta).utf8))
        }
    }
}

/// A reservoir set-up that cannot be built (unknown device, missing file, device without a threshold), as
/// one line.
public struct ReservoirSetupError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
