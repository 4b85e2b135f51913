import ArgumentParser
import Devices
import Foundation
import Numerics
import Reservoir
import Surrogate
import TraceIO
import Workflows

/// `spinode reservoir TASK --device NAME`: runs one reservoir-computing benchmark on a feature source
/// (the software echo state network, or a device driven through time multiplexing) and prints its scores.
struct ReservoirCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reservoir",
        abstract: "Run a reservoir-computing task (Mackey-Glass, NARMA10, sine/square, memory or parity capacity).",
        discussion: """
        Tasks and their exact definitions: docs/reservoir-tasks.md.
          mackey-glass     NRMSE of x(n+H), H = 0..79 (Chen et al., Nat. Commun. 13, 1016 (2022))
          narma10          NRMSE of the NARMA10 output
          sine-square      per-step accuracy of sine/square waveform classification
          memory-capacity  MC = sum_k r^2(y_k, u(n-k)), k = 0..2N
          parity-capacity  sum_k r^2 of the k-step parity of binary inputs, k = 0..2N

        Devices: `esn` (software echo state network baseline); `auto-oscillator` (universal auto-oscillator \
        model, output p = |c|^2) and `macrospin` (macrospin STNO, output m.p), both driven through time \
        multiplexing (--hold, --mask, --input-scale, --input-offset, --sampling) with the current \
        I = I_th (--bias-ratio + --gain-ratio x v), v the multiplexed input. New devices register in \
        ReservoirSetup.devices (Sources/Workflows).

        The readout lambda is chosen by contiguous k-fold cross-validation (--folds) over 1e-12..1e3 \
        unless --ridge is given.

        --plot FILE.svg draws the task's figure of merit against its index: test NRMSE vs prediction horizon H \
        (mackey-glass), r^2 vs delay k (memory-capacity, parity-capacity), or for narma10 and sine-square the \
        test set step by step (target or label, and the readout's output or class); with --compare a second \
        panel shows both devices on the compared segment. FILE.png draws the same figure with matplotlib \
        (needs python3 with matplotlib and scripts/plot.py of the SpinODE checkout; refused before the run \
        otherwise).

        Examples:
          spinode reservoir mackey-glass --device esn --nodes 50 --json
          spinode reservoir mackey-glass --device esn --nodes 50 --plot horizon.svg
        """
    )

    @Argument(help: "The task: \(ReservoirSetup.taskNames.joined(separator: ", ")).")
    var task: String

    @Option(help: "Feature source: esn\(ReservoirSetup.devices.keys.sorted().map { ", " + $0 }.joined()), or a file: a trained surrogate MODEL.h5 or a micromagnetic SPEC.toml (input = deltaKu1 in J/m^3, as the surrogate of a VCMA trace).")
    var device: String = "esn"

    @Option(help: "Reference device (a named device, MODEL.h5 or SPEC.toml) run with the device on the same segment of the task (the first --compare-samples inputs, same mask and scaling): reports both devices' task metrics, their relative difference, the node-state NRMSE and the speed-up in wall time per simulated ns.")
    var compare: String?

    @Option(help: "With --compare: HDF5 file of the reference's node states on the segment. Read if it exists (refused if recorded for another configuration), else written after the reference run, so a slow reference runs once. The reported speed-up then uses the wall time recorded with the states.")
    var compareStates: String?

    @Option(help: "Write the device drive of the task's first input sequence to this CSV file (one masked, scaled value per line in device input units, each held --hold device samples) and exit without running the task: e.g. to drive mumax3 or a spec (a piecewise drive's `file`) with the reservoir's input.")
    var driveOut: String?

    @Option(help: "With --drive-out: the task inputs to write, FROM:TO (0-based, TO excluded; default all).")
    var driveInputs: String?

    @Option(parsing: .unconditional, help: "Task input samples in the --compare segment (each is nodes x hold device samples; at least 40).")
    var compareSamples: Int = 200

    @Option(parsing: .unconditional, help: "Number of (virtual) nodes N.")
    var nodes: Int = 50

    @Option(help: "Seed of the reservoir (ESN weights or input mask) and of the task's random inputs.")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "ESN: spectral radius of the recurrent weights.")
    var spectralRadius: Double = 0.9

    @Option(parsing: .unconditional, help: "ESN: half-width of the uniform input weights.")
    var inputScaling: Double = 0.5

    @Option(parsing: .unconditional, help: "ESN: half-width of the uniform biases.")
    var biasScaling: Double = 0.2

    @Option(parsing: .unconditional, help: "ESN: leak rate in (0, 1].")
    var leakRate: Double = 1

    @Option(parsing: .unconditional, help: "Time multiplexing: device samples each masked value is held for (theta = hold x device sample interval).")
    var hold: Int = 2

    @Option(help: "Time multiplexing: mask distribution, binary (+-1) or uniform ([-1, 1]).")
    var mask: String = "binary"

    @Option(parsing: .unconditional, help: "Time multiplexing: scale from masked input to device input units.")
    var inputScale: Double = 1

    @Option(parsing: .unconditional, help: "Time multiplexing: offset added to the scaled masked input, device input units.")
    var inputOffset: Double = 0

    @Option(help: "Time multiplexing: node state = last sample of each hold, or mean over it (last, mean).")
    var sampling: String = "last"

    @Option(parsing: .unconditional, help: "Device: bias current as a multiple of the threshold current I_th (or J_c).")
    var biasRatio: Double = 1.5

    @Option(parsing: .unconditional, help: "Device: current per unit of multiplexed input, as a multiple of I_th (or J_c).")
    var gainRatio: Double = 0.5

    @Option(parsing: .unconditional, help: "Device: sample interval in seconds (default: the device's own, 1 ns auto-oscillator, 50 ps macrospin).")
    var sampleInterval: Double?

    @Option(help: "Device: seed of its thermal noise (the auto-oscillator's noise intensity is --noise).")
    var deviceSeed: UInt64 = 0

    @Option(parsing: .unconditional, help: "Device MODEL.h5 that is an ensemble: use this member only (0 ... N-1; default: the members' mean output).")
    var member: Int?

    @Option(help: "Device MODEL.h5: arithmetic of its network, float64 (default) or float32 (a zoh model run by the fused RK4 kernel; the state and the RK4 stages stay float64).")
    var precision = "float64"

    @Option(parsing: .unconditional, help: "Auto-oscillator: noise intensity D in 1/s (0: deterministic).")
    var noise: Double = 0

    @Option(parsing: .unconditional, help: "Time multiplexing: std of Gaussian noise added to each held input value, device input units.")
    var inputNoise: Double = 0

    @Option(parsing: .unconditional, help: "With --compare: input noise of the reference device (default: --input-noise). E.g. a deterministic surrogate with --input-noise against a noisy device with --reference-input-noise 0 (noise-aware use).")
    var referenceInputNoise: Double?

    /// The reference's input noise under --compare (device input units).
    var referenceNoise: Double { referenceInputNoise ?? inputNoise }

    @Option(parsing: .unconditional, help: "Fixed ridge parameter lambda (default: chosen by cross-validation).")
    var ridge: Double?

    @Option(parsing: .unconditional, help: "Number of contiguous cross-validation folds.")
    var folds: Int = 5

    @Option(help: "Figure to write (.svg; .png with python3 and matplotlib): NRMSE vs horizon, capacity vs delay, or the test set; both devices with --compare.")
    var plot: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    @Flag(help: "No progress lines on stderr (a micromagnetic device reports every 30 s otherwise, also with --json).")
    var quiet = false

    /// The experiment these options describe (`Workflows.ReservoirSetup`).
    var setup: ReservoirSetup {
        var s = ReservoirSetup()
        s.task = task; s.device = device; s.nodes = nodes; s.seed = seed
        s.spectralRadius = spectralRadius; s.inputScaling = inputScaling; s.biasScaling = biasScaling; s.leakRate = leakRate
        s.hold = hold; s.mask = InputMask.Distribution(rawValue: mask) ?? .binary; s.inputScale = inputScale
        s.inputOffset = inputOffset; s.sampling = TimeMultiplexer.Sampling(rawValue: sampling) ?? .last; s.inputNoise = inputNoise
        s.biasRatio = biasRatio; s.gainRatio = gainRatio; s.sampleInterval = sampleInterval; s.deviceSeed = deviceSeed
        s.noise = noise; s.ridge = ridge; s.folds = folds; s.quiet = quiet; s.member = member
        s.precision = TrainingPrecision(rawValue: precision) ?? .float64
        return s
    }

    func validate() throws {
        guard let p = TrainingPrecision(rawValue: precision) else {
            throw ValidationError("--precision must be float64 or float32, got '\(precision)'")
        }
        if p == .float32, !ReservoirSetup.isFileDevice(device) || device.hasSuffix(".toml") {
            throw ValidationError("--precision float32 applies to a surrogate device MODEL.h5 only")
        }
        guard ReservoirSetup.taskNames.contains(task) else {
            throw ValidationError("unknown task '\(task)'; choose one of \(ReservoirSetup.taskNames.joined(separator: ", "))")
        }
        guard device == "esn" || ReservoirSetup.devices[device] != nil || ReservoirSetup.isFileDevice(device) else {
            throw ValidationError("unknown device '\(device)'; available: \((["esn"] + ReservoirSetup.devices.keys.sorted()).joined(separator: ", "))")
        }
        // Every number before anything runs: NaN or infinity in any option is refused, naming it.
        try OptionCheck.integer(nodes, "--nodes", 1...Int.max)
        try OptionCheck.integer(folds, "--folds", 2...Int.max)
        try OptionCheck.integer(compareSamples, "--compare-samples", 40...Int.max)
        try OptionCheck.real(spectralRadius, "--spectral-radius", .nonNegative)
        try OptionCheck.real(inputScaling, "--input-scaling", .nonNegative)
        try OptionCheck.real(biasScaling, "--bias-scaling", .nonNegative)
        try OptionCheck.real(leakRate, "--leak-rate", .unitFraction)
        try OptionCheck.real(inputScale, "--input-scale", .any)
        try OptionCheck.real(inputOffset, "--input-offset", .any)
        try OptionCheck.real(biasRatio, "--bias-ratio", .any)
        try OptionCheck.real(gainRatio, "--gain-ratio", .any)
        try OptionCheck.real(sampleInterval, "--sample-interval", .positive)
        try OptionCheck.real(noise, "--noise", .nonNegative)
        try OptionCheck.real(inputNoise, "--input-noise", .nonNegative)
        try OptionCheck.real(referenceInputNoise, "--reference-input-noise", .nonNegative)
        try OptionCheck.real(ridge, "--ridge", .nonNegative)
        guard InputMask.Distribution(rawValue: mask) != nil else {
            throw ValidationError("--mask must be binary or uniform, got '\(mask)'")
        }
        guard TimeMultiplexer.Sampling(rawValue: sampling) != nil else {
            throw ValidationError("--sampling must be last or mean, got '\(sampling)'")
        }
        if referenceInputNoise != nil && compare == nil { throw ValidationError("--reference-input-noise needs --compare") }
        try OptionCheck.integer(hold, "--hold", 1...Int.max)
        if compareStates != nil && compare == nil { throw ValidationError("--compare-states needs --compare") }
        if driveInputs != nil && driveOut == nil { throw ValidationError("--drive-inputs needs --drive-out") }
        if plot != nil && driveOut != nil { throw ValidationError("--plot draws the task's result; --drive-out runs no task") }
        if let plot { _ = try FigureFile(path: plot) }
        // Memory of the whole task at this node count (the task's inputs are generated: milliseconds), and of
        // the --compare segment run on both devices.
        let samples = Double(try setup.makeTask().inputSequences().reduce(0) { $0 + $1.rows })
            + (compare != nil ? 2 * Double(compareSamples) : 0)
        try ReservoirFootprint(nodes: nodes, samples: samples, holdSamples: device == "esn" ? nil : hold).check(nodes: nodes)
    }

    func run() throws {
        var outputs: [OutputTarget] = []
        if let driveOut { outputs.append(OutputTarget(driveOut, option: "--drive-out")) }
        if let compareStates { outputs.append(OutputTarget(compareStates, option: "--compare-states")) }
        let figure = try plot.map { try FigureFile(path: $0) }
        try figure?.checkRenderer()
        if let figure { outputs.append(figure.target) }
        let locks = try OutputTarget.claim(outputs, inputs: [device, compare ?? ""].filter(ReservoirSetup.isFileDevice))
        defer { locks.forEach { $0.release() } }
        if let path = driveOut { return try writeDrive(to: path) }
        // The --compare segment is built first, so a segment that cannot be scored fails before the full run.
        let setup = self.setup
        var segment: (any SegmentableTask)?
        if compare != nil {
            guard let task = setup.makeTask() as? any SegmentableTask else {
                throw ValidationError("--compare: task \(self.task) has no segment")
            }
            segment = try task.segment(samples: compareSamples)
        }
        let source = try setup.makeSource()
        let result = try ReservoirRunner.run(setup.makeTask(), on: source)
        if let reference = compare, let segment {
            guard let primary = source as? TimeMultiplexer else {
                throw ValidationError("--compare needs a physical or surrogate --device, not the ESN")
            }
            let referenceMultiplexer = try setup.multiplexer(for: setup.makeDevice(reference), inputNoise: referenceNoise)
            let comparison = try DeviceComparison.measure(primary: primary, referenceName: reference, segment: segment) {
                try referenceRun(referenceMultiplexer, inputs: $0)
            }
            try figure?.write(ReservoirFigure.figure(result: result, comparison: comparison))
            try printResult(result, comparison: comparison)
            return
        }
        try figure?.write(ReservoirFigure.figure(result: result, comparison: nil))
        try printResult(result, comparison: nil)
    }

    /// The reference's states on `segment`: read from --compare-states when that file exists, else run
    /// (and written there when --compare-states is given).
    func referenceRun(_ reference: TimeMultiplexer, inputs: [Matrix]) throws -> DeviceComparison.TimedStates {
        let dt = reference.device.sampleInterval
        let configuration = try setup.referenceConfiguration(reference: compare ?? "", compareSamples: compareSamples,
                                                             referenceNoise: referenceNoise, sampleInterval: dt)
        return try ReferenceStatesFile.cached(at: compareStates, reference: compare ?? "", configuration: configuration,
                                              created: SurrogateModelFile.Provenance.timestamp(), note: note) {
            let rows = inputs.reduce(0) { $0 + $1.rows }
            note("reference \(compare ?? ""): \(rows * reference.nodeCount * reference.holdSamples) device samples")
            return try DeviceComparison.run(reference, inputs: inputs)
        }
    }

    /// `--drive-out`: the multiplexed device input of inputs FROM..<TO of the task's first sequence, one
    /// value per virtual node (not repeated per held sample), written atomically.
    func writeDrive(to path: String) throws {
        let setup = self.setup
        guard let multiplexer = try setup.makeSource() as? TimeMultiplexer else {
            throw ValidationError("--drive-out needs a physical or surrogate --device, not the ESN")
        }
        let sequence = try setup.makeTask().inputSequences()[0]
        var range = 0..<sequence.rows
        if let text = driveInputs {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 2, let from = parts[0], let to = parts[1], from >= 0, from < to, to <= sequence.rows else {
                throw ValidationError("--drive-inputs must be FROM:TO with 0 <= FROM < TO <= \(sequence.rows), got '\(text)'")
            }
            range = from..<to
        }
        let rows = Matrix(rows: range.count, columns: sequence.columns) { i, c in sequence[range.lowerBound + i, c] }
        let drive = multiplexer.deviceInput(for: rows, mask: multiplexer.mask)
        var text = "# spinode reservoir \(task) drive: inputs \(range.lowerBound)..<\(range.upperBound), \(nodes) nodes, mask \(mask) seed \(seed), "
            + "input scale \(inputScale), offset \(inputOffset); each value held \(hold) x \(multiplexer.device.sampleInterval) s\n"
        for i in Swift.stride(from: 0, to: drive.count, by: hold) { text += "\(drive[i])\n" }
        try AtomicFile.write(Data(text.utf8), to: path)
        note("\(drive.count / hold) drive values written to \(path)")
    }

    private func note(_ message: String) {
        if !json { FileHandle.standardError.write(Data(("spinode reservoir: " + message + "\n").utf8)) }
    }

    func printResult(_ result: ReservoirResult, comparison: DeviceComparison?) throws {
        if json {
            struct Summary: Encodable { var result: ReservoirResult; var comparison: DeviceComparison? }
            if let comparison {
                print(try JSONOutput.string(Summary(result: result, comparison: comparison)))
            } else {
                print(try JSONOutput.string(result))
            }
            return
        }
        print("task \(result.task) on \(result.source), N = \(result.nodes)")
        print("train \(result.trainSamples) samples, test \(result.testSamples) samples")
        for (k, v) in result.metrics.sorted(by: { $0.key < $1.key }) { print("  \(k) = \(String(format: "%.6g", v))") }
        if let per = result.profiles["nrmse_per_horizon"] {
            let shown = [0, 1, 2, 5, 10, 20, 40, 60, 79].filter { $0 < per.count }
            print("  NRMSE by horizon H: " + shown.map { "H=\($0) \(String(format: "%.4g", per[$0]))" }.joined(separator: ", "))
        }
        if let c = result.profiles["capacity_per_delay"] {
            print("  r^2 by delay k: " + c.prefix(12).enumerated().map { "\($0.offset):\(String(format: "%.3f", $0.element))" }
                .joined(separator: " ") + (c.count > 12 ? " ..." : ""))
        }
        let lambdas = Set(result.ridgeLambdas)
        print("  ridge lambda: " + (lambdas.count == 1 ? "\(lambdas.first!)" : "\(lambdas.min()!) .. \(lambdas.max()!) (per output)"))
        print(String(format: "wall %.3f s, device time simulated %.6g s", result.wallSeconds, result.deviceSeconds))
        if let plot { print("figure: \(plot)") }
        if let c = comparison {
            print(String(format: "compare with %@ on the first %d task samples (%d device samples, %.4g ns):",
                         c.reference, c.taskSamples, c.deviceSamples, c.simulatedSeconds * 1e9))
            if let from = c.referenceStatesFrom { print("  reference node states and wall time read from \(from)") }
            for (k, v) in c.referenceMetrics.sorted(by: { $0.key < $1.key }) {
                let mine = c.deviceMetrics[k].map { String(format: "%.6g", $0) } ?? "-"
                let rel = c.metricRelativeDifference[k].map { String(format: "%.3g", $0) } ?? "-"
                print("  \(k): device \(mine), reference \(String(format: "%.6g", v)), relative difference \(rel)")
            }
            print(String(format: "  node-state NRMSE %.4g (%.4g after the %d-input washout, %.4g after the best linear map); wall per simulated ns %.4g s (device) vs %.4g s (reference): speed-up %.4gx",
                         c.stateNRMSE, c.stateNRMSEAfterWashout, c.washoutSamples, c.stateNRMSEAfterLinearMap,
                         c.deviceWallSecondsPerNanosecond, c.referenceWallSecondsPerNanosecond, c.speedUp))
            for n in c.referenceNoiseSensitivity {
                print(String(format: "  reference with white noise %.0e x its state spread on its node states: ", n.relativeNoise)
                      + n.metrics.sorted(by: { $0.key < $1.key }).map { "\($0.key) \(String(format: "%.4g", $0.value))" }.joined(separator: ", "))
            }
        }
    }
}
