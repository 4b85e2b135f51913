import Foundation
import Micromagnetics
import Numerics
import ODE

/// Runs a `SimulationSpec`: builds the magnet and LLG system, runs the stages in order, and records the
/// chosen averages of m every `[output] interval` seconds during `record = true` stages, with the drive
/// values at the same instants as inputs. Device presets (`[device]`) run the macrospin or
/// auto-oscillator model over their piecewise drive instead.
///
/// Time: relax and minimize stages take no simulated time; run stages follow each other on one global
/// clock t (s), and a stage's drive sees tau = t - (stage start).
///
/// Long runs: each run stage is integrated in chunks of at most `progressInterval` seconds that tile
/// the stage exactly; after each chunk `progress` is called, and every `checkpoint_every` seconds of
/// simulated time the state is written to `checkpointPath` atomically. A run resumed from a checkpoint
/// integrates the same chunks from the same states with the same noise stream (the thermal generator's
/// state is checkpointed), so it gives the same trace, bit for bit, as an uninterrupted run on the same
/// machine; two runs of one spec with the same thread count are bit-identical too (FFTW plans by
/// estimate, cell loops split into fixed blocks, fixed-order sums; `LLGSystem.threads`). A resume refuses a checkpoint whose spec text or input files (drive files, initial OVF) differ.
///
/// Divergence: every state the solver returns is checked before renormalisation (`LLGSystem.checkNorm`,
/// the stage's `norm_tolerance`); a diverging stage stops with the time, the stage and the cell, and the
/// last checkpoint written before it stays in place.
public final class SimulationRunner {
    public let spec: SimulationSpec
    /// Where checkpoints go (nil: none).
    public var checkpointPath: String?
    /// Folder of OVF snapshots (`[output] snapshot_every`); default `[output] snapshot_dir`.
    public var snapshotDirectory: String?
    /// Longest chunk of simulated time between progress reports, s.
    public var progressInterval = 100e-12
    /// Called after each chunk.
    public var progress: ((SimulationProgress) -> Void)?
    /// Stop (returning `completed = false`) after writing this many checkpoints: for tests of resume.
    public var stopAfterCheckpoints: Int?
    /// Threads of the solver for every stage (`spinode simulate --threads`); nil: the stage's
    /// `threads`, else all cores (`ProcessInfo.activeProcessorCount`).
    public var threads: Int?

    public init(spec: SimulationSpec) {
        self.spec = spec
        snapshotDirectory = spec.output.snapshotDirectory
    }

    /// The run's static parameters (base material and applied field), names and units.
    static func parameters(_ m: SimulationSpec.MagnetSpec) -> ([Double], [String], [String]) {
        let mat = m.material
        return ([mat.Msat, mat.Aex, mat.Ku1, mat.Dind, mat.Dbulk, mat.alpha, m.terms.field.x, m.terms.field.y,
                 m.terms.field.z, m.terms.temperature],
                ["Msat", "Aex", "Ku1", "Dind", "Dbulk", "alpha", "Bx", "By", "Bz", "T"],
                ["A/m", "J/m", "J/m3", "J/m2", "J/m2", "", "T", "T", "T", "K"])
    }

    /// Input channels of the recorded stages: one per drive target (value at the sample time), plus the
    /// carrier amplitude a_i for sine-carrier drives.
    func inputChannels() -> [(name: String, unit: String, value: (Drive, Double, Double) -> Double, target: (Drive) -> Bool)] {
        var out: [(String, String, (Drive, Double, Double) -> Double, (Drive) -> Bool)] = []
        for case let .run(r) in spec.stages where r.record {
            for d in r.drives.compactMap({ spec.drives[$0] }) {
                let ch = d.target.channel
                if !out.contains(where: { $0.0 == ch.name }) {
                    out.append((ch.name, ch.unit, { d, t, t0 in d.value(at: t, origin: t0, piece: SimulationRunner.recordedPiece(d, t, t0)) }, { $0.target == d.target }))
                }
                if case .sineCarrier = d.kind, !out.contains(where: { $0.0 == "a" }) {
                    out.append(("a", "", { d, t, t0 in d.pieceValue(SimulationRunner.recordedPiece(d, t, t0)) }, { switch $0.kind { case .sineCarrier, .modulatedCarrier: return true; default: return false } }))
                }
            }
        }
        return out.map { (name: $0.0, unit: $0.1, value: $0.2, target: $0.3) }
    }

    /// Times t0 + k every (k = 0, 1, ...) up to t1, the last one snapped to t1 when it is within 1e-9 of
    /// an interval of it (t0 + n every may round to either side of t1 = t0 + duration).
    static func eventTimes(from t0: Double, to t1: Double, every: Double) -> [Double] {
        let n = Int(((t1 - t0) / every + 1e-9).rounded(.down))
        return (0...n).map { k in
            let t = t0 + Double(k) * every
            return abs(t - t1) <= 1e-9 * every ? t1 : min(t, t1)
        }
    }

    /// Whether sample time t repeats the last stored one: equal within 1e-9 of the sample interval (a
    /// stage's start time is a sum of durations and may differ from the previous stage's end by rounding).
    static func sameSampleTime(_ last: Double?, _ t: Double, interval: Double) -> Bool {
        guard let last else { return false }
        return abs(t - last) <= 1e-9 * interval
    }

    /// The piece a recorded input reports at sample time t: the drive is right-continuous, and a sample
    /// time that rounds to within 1e-9 hold below a jump (t0 + n dt vs t0 + k hold) is the jump itself.
    static func recordedPiece(_ d: Drive, _ t: Double, _ t0: Double) -> Int {
        d.piece(at: t + 1e-9 * d.hold, origin: t0)
    }

    /// Chunks between two checkpoints: checkpoint_every split into pieces of at most `progressInterval`.
    static func chunksPerCheckpoint(checkpointEvery: Double, progressInterval: Double = 100e-12) -> Int {
        max(1, Int(min((checkpointEvery / progressInterval).rounded(.up), 1e9)))
    }

    /// Length of one chunk of simulated time (s).
    static func chunkLength(checkpointEvery: Double, progressInterval: Double = 100e-12) -> Double {
        checkpointEvery / Double(chunksPerCheckpoint(checkpointEvery: checkpointEvery, progressInterval: progressInterval))
    }

    /// A result with the spec's channels, parameters and description and no sample yet.
    func emptyResult(_ mspec: SimulationSpec.MagnetSpec) -> SimulationResult {
        let channels = inputChannels()
        var result = SimulationResult(title: spec.title)
        result.interval = spec.output.interval
        (result.parameters, result.parameterNames, result.parameterUnits) = SimulationRunner.parameters(mspec)
        result.inputNames = channels.map(\.name); result.inputUnits = channels.map(\.unit)
        result.outputNames = spec.output.quantities
        result.outputUnits = spec.output.quantities.map { RecordedQuantity($0)!.unit }
        result.description = "\(spec.title)\n--- spec \(URL(fileURLWithPath: spec.file).lastPathComponent) ---\n\(spec.text)"
        return result
    }

    /// The samples recorded so far by a run of this spec, from its checkpoint at `checkpointPath` (written
    /// by a run that is still going or was stopped), without simulating: `completed` false,
    /// `simulatedTime` the checkpoint's. The description starts with a line saying so.
    /// - Throws: `SpecError.badCheckpoint` when there is no checkpoint, it belongs to another spec text,
    ///   its channels do not match the spec's, or it holds no recorded sample yet.
    public func checkpointResult() throws -> SimulationResult {
        guard let path = checkpointPath else { throw SpecError.badCheckpoint(file: spec.file, reason: "no checkpoint path given") }
        guard let mspec = spec.magnet else {
            throw SpecError.badCheckpoint(file: path, reason: "a device preset (the spec's device key) writes no checkpoint")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw SpecError.badCheckpoint(file: path, reason: "there is none (the run has not written one yet, or it finished and removed it)")
        }
        let c = try SimulationCheckpoint.read(from: path)
        guard c.specHash == SimulationCheckpoint.hash(spec.text) else {
            throw SpecError.badCheckpoint(file: path, reason: "it was written for a different spec text")
        }
        var result = emptyResult(mspec)
        guard c.inputs.allSatisfy({ $0.count == result.inputNames.count }), c.outputs.allSatisfy({ $0.count == result.outputNames.count }),
              c.inputs.count == c.times.count, c.outputs.count == c.times.count else {
            throw SpecError.badCheckpoint(file: path, reason: "its channels do not match the spec")
        }
        guard !c.times.isEmpty else {
            throw SpecError.badCheckpoint(file: path, reason: "it holds no recorded sample yet (simulated time \(c.simulatedTime) s)")
        }
        result.times = c.times; result.inputs = c.inputs; result.outputs = c.outputs
        result.simulatedTime = c.simulatedTime
        result.statistics.acceptedSteps = c.accepted; result.statistics.rejectedSteps = c.rejected
        result.statistics.rhsEvaluations = c.rhsEvaluations; result.relaxationEvaluations = c.relaxationEvaluations
        result.completed = false
        let total = spec.runDuration
        result.description = "partial: the \(c.times.count) samples recorded by \(c.simulatedTime) of \(total) s of simulated time "
            + "(checkpoint \(URL(fileURLWithPath: path).lastPathComponent))\n" + result.description
        return result
    }

    /// The simulated time (s) the checkpoint at `checkpointPath` reached, or nil when there is none or it
    /// cannot be read.
    public func checkpointSimulatedTime() -> Double? {
        guard let path = checkpointPath, let c = try? SimulationCheckpoint.read(from: path) else { return nil }
        return c.simulatedTime
    }

    /// Runs the spec (resuming from `checkpointPath` if `resume`).
    public func run(resume: Bool = false) throws -> SimulationResult {
        if spec.device != nil { return try runDevicePreset() }
        guard let mspec = spec.magnet else { throw SpecError.missingKey(file: spec.file, key: "mesh") }
        let file = spec.file
        let start = Date()
        let hash = SimulationCheckpoint.hash(spec.text)
        // A resume's checkpoint is read and matched against the spec and its files before any compute.
        var checkpoint: SimulationCheckpoint? = nil
        if resume {
            guard let path = checkpointPath else { throw SpecError.badCheckpoint(file: file, reason: "no checkpoint path given") }
            let c = try SimulationCheckpoint.read(from: path)
            guard c.specHash == hash else { throw SpecError.badCheckpoint(file: path, reason: "it was written for a different spec text") }
            try Self.checkInputFiles(checkpoint: c.inputFiles, now: spec.inputFiles, checkpointPath: path)
            checkpoint = c
        }
        let needsKu = spec.stages.contains { if case .run(let r) = $0 { return r.drives.contains { spec.drives[$0]?.target == .Ku1 } } else { return false } }
        let model = try MagnetModel(spec: mspec, file: file, seed: spec.seed, needsAnisotropy: needsKu)
        let system = model.system
        let quantities = spec.output.quantities.map { RecordedQuantity($0)! }
        for (q, name) in zip(quantities, spec.output.quantities) {
            if let r = q.region, !model.magnet.region.contains(Int16(r)) {
                throw SpecError.invalidValue(file: file, key: "output.quantities", value: "\"\(name)\"", requirement: "region \(r) has no cell")
            }
        }
        let channels = inputChannels()

        var result = emptyResult(mspec)

        let totalTime = spec.runDuration
        var m: [Double]
        var firstStage = 0, firstChunk = 0
        var time = 0.0
        var snapshotCounter = 0
        var thermalState: SeededRandom.State? = nil
        var lastCheckpointTime: Double? = nil
        if let c = checkpoint, let path = checkpointPath {
            thermalState = c.thermalRandom
            guard c.m.count == system.dimension, c.stage <= spec.stages.count,
                  c.inputs.allSatisfy({ $0.count == channels.count }), c.outputs.allSatisfy({ $0.count == quantities.count }) else {
                throw SpecError.badCheckpoint(file: path, reason: "its sizes do not match the spec")
            }
            m = c.m; firstStage = c.stage; firstChunk = c.chunk; time = c.time
            result.simulatedTime = c.simulatedTime
            result.statistics.acceptedSteps = c.accepted; result.statistics.rejectedSteps = c.rejected
            result.statistics.rhsEvaluations = c.rhsEvaluations; result.relaxationEvaluations = c.relaxationEvaluations
            snapshotCounter = c.snapshotCounter
            lastCheckpointTime = c.time
            result.times = c.times; result.inputs = c.inputs; result.outputs = c.outputs
        } else {
            m = try model.initialState()
        }
        // Global start time of every stage.
        var stageStarts: [Double] = []
        var clock = 0.0
        for s in spec.stages { stageStarts.append(clock); if case .run(let r) = s { clock += r.duration } }

        let chunksPerCheckpoint = Self.chunksPerCheckpoint(checkpointEvery: spec.output.checkpointEvery, progressInterval: progressInterval)
        let chunkLength = Self.chunkLength(checkpointEvery: spec.output.checkpointEvery, progressInterval: progressInterval)
        let simulatedAtStart = result.simulatedTime
        var thermalAdded = false

        stageLoop: for s in firstStage..<spec.stages.count {
            let stageName = "stage[\(s)]"
            switch spec.stages[s] {
            case .relax, .minimize:
                system.threads = threads ?? spec.stages[s].threads ?? ProcessInfo.processInfo.activeProcessorCount
                if thermalAdded {
                    throw SpecError.invalidValue(file: file, key: stageName + ".kind", value: "relax/minimize",
                                                 requirement: "cannot follow a thermal run stage")
                }
                model.configure(run: nil, drives: [], stageStart: stageStarts[s])
                do {
                    let r: RelaxationResult
                    switch spec.stages[s] {
                    case let .relax(tol, maxTime, _): r = try system.relax(&m, torqueTolerance: tol, maxTime: maxTime)
                    case let .minimize(tol, stop, _): r = try system.minimize(&m, stop: stop, torqueTolerance: tol)
                    case .run: fatalError("unreachable")
                    }
                    result.relaxationEvaluations += r.fieldEvaluations
                } catch let e as MicromagneticsError {
                    throw SpecError.simulation(file: file, stage: stageName, reason: e.description)
                }
            case .run(let run):
                system.threads = threads ?? run.threads ?? ProcessInfo.processInfo.activeProcessorCount
                if mspec.terms.temperature > 0 && !thermalAdded {
                    model.enableThermal(); thermalAdded = true
                    // A resumed run continues the checkpointed noise stream.
                    if let state = thermalState { model.thermal?.randomState = state }
                }
                let t0 = stageStarts[s], t1 = t0 + run.duration
                let drives = run.drives.compactMap { spec.drives[$0] }
                model.configure(run: run, drives: drives, stageStart: t0)
                let nChunks = max(1, Int((run.duration / chunkLength - 1e-9).rounded(.up)))
                var sampleTimes: [Double] = []
                let sampleInterval = spec.output.interval ?? 0
                if run.record, let dt = spec.output.interval { sampleTimes = Self.eventTimes(from: t0, to: t1, every: dt) }
                var snapTimes: [Double] = []
                if run.record, let every = spec.output.snapshotEvery { snapTimes = Self.eventTimes(from: t0, to: t1, every: every) }
                let jumps = drives.flatMap { $0.jumps(duration: run.duration) }.map { t0 + $0 }
                let startChunk = s == firstStage ? firstChunk : 0
                for k in startChunk..<nChunks {
                    // Chunk ends that coincide with a drive jump take the jump's exact value, so the
                    // drive switches exactly at the chunk boundary.
                    func boundary(_ x: Double) -> Double {
                        jumps.first { abs($0 - x) <= 1e-9 * chunkLength } ?? x
                    }
                    let a = k == 0 ? t0 : boundary(t0 + Double(k) * chunkLength)
                    let b = k == nChunks - 1 ? t1 : boundary(t0 + Double(k + 1) * chunkLength)
                    let inChunk: (Double) -> Bool = { t in (t > a || (k == 0 && t == a)) && (t <= b || (k == nChunks - 1)) }
                    let samples = sampleTimes.filter(inChunk), snaps = snapTimes.filter(inChunk)
                    let events = Array(Set(samples + snaps)).sorted()
                    var si = 0, pi = 0
                    var failure: Error?
                    do {
                        let stats = try model.integrate(&m, from: a, to: b, run: run, drives: drives, origin: t0,
                                                        sampleTimes: events) { t, y in
                            if si < samples.count && samples[si] == t {
                                si += 1
                                // The first sample of a stage is the last of the stage before (the same
                                // time up to rounding of the stage start): stored once.
                                if !Self.sameSampleTime(result.times.last, t, interval: sampleInterval) {
                                    result.times.append(t)
                                    result.inputs.append(channels.map { ch in
                                        guard let d = drives.first(where: ch.target) else { return 0 }
                                        return ch.value(d, t, t0)
                                    })
                                    result.outputs.append(quantities.map { model.quantity($0, y) })
                                }
                            }
                            if pi < snaps.count && snaps[pi] == t {
                                pi += 1
                                do { try self.writeSnapshot(y, model: model, index: snapshotCounter, time: t) } catch { failure = error }
                                snapshotCounter += 1
                            }
                        }
                        result.statistics = result.statistics + stats
                    } catch let e as MicromagneticsError {
                        var reason = e.description
                        if let path = checkpointPath, let tc = lastCheckpointTime {
                            reason += "; the last good checkpoint (t = \(tc) s) is kept in \(path)"
                        }
                        throw SpecError.simulation(file: file, stage: stageName, reason: reason)
                    }
                    if let failure { throw failure }
                    time = b
                    result.simulatedTime += b - a
                    if let progress {
                        let wall = Date().timeIntervalSince(start)
                        let done = result.simulatedTime - simulatedAtStart
                        let eta = done > 0 ? wall / done * (totalTime - result.simulatedTime) : nil
                        progress(SimulationProgress(simulatedTime: result.simulatedTime, totalTime: totalTime,
                                                    steps: result.statistics.acceptedSteps, wallSeconds: wall, eta: eta, stage: s))
                    }
                    if (k + 1) % chunksPerCheckpoint == 0, let path = checkpointPath {
                        let c = SimulationCheckpoint(
                            specHash: hash, stage: s, chunk: k + 1, time: time, simulatedTime: result.simulatedTime,
                            accepted: result.statistics.acceptedSteps, rejected: result.statistics.rejectedSteps,
                            rhsEvaluations: result.statistics.rhsEvaluations, relaxationEvaluations: result.relaxationEvaluations,
                            snapshotCounter: snapshotCounter, m: m, times: result.times, inputs: result.inputs, outputs: result.outputs,
                            thermalRandom: model.thermal?.randomState, inputFiles: spec.inputFiles)
                        try c.write(to: path)
                        lastCheckpointTime = time
                        result.checkpointsWritten += 1
                        if let stop = stopAfterCheckpoints, result.checkpointsWritten >= stop {
                            result.completed = false
                            break stageLoop
                        }
                    }
                }
            }
        }
        result.finalM = m.withUnsafeBufferPointer { system.averageMagnetisation($0.baseAddress!) }
        if result.completed && result.times.isEmpty {
            throw SpecError.invalidValue(file: file, key: "stage", value: "no record = true", requirement: "at least one run stage must record")
        }
        return result
    }

    /// Refuses a resume when a file the spec reads differs from the one the checkpoint was made with
    /// (other contents, or a file added or removed), naming the file and the key.
    static func checkInputFiles(checkpoint: [SimulationSpec.InputFile], now: [SimulationSpec.InputFile],
                                checkpointPath: String) throws {
        for old in checkpoint {
            guard let new = now.first(where: { $0.key == old.key }) else {
                throw SpecError.badCheckpoint(file: checkpointPath, reason: "the spec no longer reads \(old.key) = \(old.path)")
            }
            // The contents decide: the same bytes under another path (the spec run from elsewhere, a
            // symlink) continue the same run.
            guard new.sha256 == old.sha256 else {
                let moved = new.path == old.path ? "" : " (the checkpoint read \(old.path))"
                throw SpecError.badCheckpoint(
                    file: checkpointPath,
                    reason: "\(new.path) (\(new.key)) changed since the checkpoint was written\(moved) (SHA-256 "
                        + "\(old.sha256.prefix(12))... then, \(new.sha256.prefix(12))... now); restore it or run without --resume")
            }
        }
        if let added = now.first(where: { f in !checkpoint.contains { $0.key == f.key } }) {
            throw SpecError.badCheckpoint(file: checkpointPath, reason: "the checkpoint has no record of \(added.key) = \(added.path)")
        }
    }

    /// Writes m as OVF 2.0 (Binary 8) into the snapshot folder, m%06d.ovf.
    func writeSnapshot(_ y: UnsafePointer<Double>, model: MagnetModel, index: Int, time: Double) throws {
        let dir = snapshotDirectory ?? (spec.file + ".snapshots")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let mesh = model.spec.mesh, n = mesh.cellCount
        var values = [Double](repeating: 0, count: 3 * n)
        for i in 0..<n { values[3 * i] = y[i]; values[3 * i + 1] = y[n + i]; values[3 * i + 2] = y[2 * n + i] }
        let f = OVFField(nx: mesh.nx, ny: mesh.ny, nz: mesh.nz, cellSize: SIMD3(mesh.dx, mesh.dy, mesh.dz),
                         origin: -mesh.size / 2, values: values, title: "m",
                         descriptions: ["Total simulation time:  \(time)  s"])
        try f.write(to: dir + "/" + String(format: "m%06d.ovf", index), format: .binary8)
    }

    /// `[device]` presets: the macrospin STNO or the auto-oscillator over the piecewise drive.
    /// Sample n sits at t_n = (n + 1) dt: output = the observable at t_n, input = the drive value at t_n,
    /// i.e. the value held from t_n on, over [t_n, t_n + dt) (the last value held beyond the drive's
    /// end). That is the trace convention of the micromagnetic runner (inputs recorded at the sample
    /// time) and the one training assumes (`zoh`: u_n over [t_n, t_{n+1})) and `SurrogateDevice` follows.
    /// (The device itself is driven by the `Device` protocol: u[n] over [n dt, (n + 1) dt), so the trace
    /// input of sample n is u[n + 1].)
    func runDevicePreset() throws -> SimulationResult {
        let preset = spec.device!
        guard let drive = spec.drives[preset.drive], case .piecewise(let values) = drive.kind else {
            throw SpecError.missingKey(file: spec.file, key: "drive.\(preset.drive)")
        }
        let repeatCount = Int((drive.hold / preset.sampleInterval).rounded())
        let u = values.flatMap { [Double](repeating: $0, count: repeatCount) }
        var result = SimulationResult(title: spec.title)
        result.description = "\(spec.title)\n--- spec \(URL(fileURLWithPath: spec.file).lastPathComponent) ---\n\(spec.text)"
        let dt = preset.sampleInterval
        result.interval = dt
        result.times = u.indices.map { Double($0 + 1) * dt }
        result.inputs = u.indices.map { [u[min($0 + 1, u.count - 1)]] }
        result.simulatedTime = Double(u.count) * dt
        let ch = drive.target.channel
        result.inputNames = [ch.name]; result.inputUnits = [ch.unit]
        result.outputNames = [preset.output]; result.outputUnits = [""]
        do {
            switch preset.kind {
            case .macrospin:
                let p = preset.macrospin ?? MacrospinParameters()
                let device = MacrospinSTNO(parameters: p, sampleInterval: dt, timeStep: preset.timeStep, seed: spec.seed)
                device.output = MacrospinSTNO.Observable(rawValue: preset.output)!
                let mm = try device.magnetisation(for: [u])[0]
                let pl = p.fixedLayer / (p.fixedLayer * p.fixedLayer).sum().squareRoot()
                result.outputs = mm.map { v in
                    switch device.output {
                    case .mx: return [v.x]
                    case .my: return [v.y]
                    case .mz: return [v.z]
                    case .cosineToFixedLayer: return [(v * pl).sum()]
                    }
                }
                result.finalM = mm.last ?? .zero
                result.parameters = [p.saturationMagnetisation, p.damping, p.anisotropyConstant, p.polarisation, p.temperature]
                result.parameterNames = ["Msat", "alpha", "Ku1", "Pol", "T"]
                result.parameterUnits = ["A/m", "", "J/m3", "", "K"]
                result.statistics.acceptedSteps = u.count * Int((dt / preset.timeStep).rounded(.up))
            case .autoOscillator:
                let p = preset.oscillator ?? AutoOscillator.Parameters()
                let device = AutoOscillator(parameters: p, sampleInterval: dt, timeStep: preset.timeStep, seed: spec.seed)
                let c = try device.amplitude(for: [u])[0]
                result.outputs = c.map { preset.output == "power" ? [$0.x * $0.x + $0.y * $0.y] : [$0.x] }
                result.finalM = SIMD3(c.last?.x ?? 0, c.last?.y ?? 0, 0)
                result.parameters = [p.linearFrequency, p.nonlinearFrequencyShift, p.dampingRate, p.nonlinearDamping,
                                     p.torqueEfficiency, p.noiseIntensity]
                result.parameterNames = ["omega0", "N", "GammaG", "Q", "sigma", "D"]
                result.parameterUnits = ["rad/s", "rad/s", "1/s", "", "1/(A s)", "1/s"]
                result.statistics.acceptedSteps = u.count * Int((dt / preset.timeStep).rounded(.up))
            }
        } catch let e as DeviceError {
            throw SpecError.simulation(file: spec.file, stage: "device", reason: e.description)
        }
        return result
    }
}
