import Dispatch
import Foundation
import Micromagnetics
import ODE

/// A magnet built from a simulation spec, used as a reservoir device (the paper's physical reservoirs:
/// Chen et al., Nat. Commun. 13, 1016 (2022)).
///
/// Preparation: the spec's stages before its first `record = true` run stage are run once (initial
/// state, relax/minimize, settling runs); every copy starts from that prepared state at t = 0. The
/// first recorded run stage supplies the damping, applied field and solver of the driven dynamics.
///
/// Drive: input u of copy b at sample n is held over [n dt, (n + 1) dt) and acts on `input`:
/// - `.carrierAmplitude`: u is the amplitude a_n of the spec's sine carrier (the paper's VCMA input,
///   delta(t) = amplitude a_n sin(2 pi f t) added to the carrier's target, usually Ku1 in J/m^3);
/// - `.target(t)`: u is added directly to the target (deltaKu1 in J/m^3, a field component in T, the
///   Slonczewski current density in A/m^2).
///
/// Output: the chosen average (`"mz"`, `"mx.region1"`, ...) at (n + 1) dt. Copies are independent; with
/// `threads` > 1 they are spread over that many LLG systems (each with its own demag plans) in parallel.
/// Each LLG system splits its own cell loops and FFTs over `solverThreads` threads (default: the recorded
/// stage's `threads`, else the cores left per copy thread, at least 1).
/// Thermal specs draw noise from one stream per system, so copy results then depend on the order of
/// copies (noise-free specs are exact and order-independent).
public final class MicromagneticDevice: Device {
    /// What an input value drives.
    public enum Input: Sendable {
        case carrierAmplitude
        case target(SimulationSpec.DriveTarget)
    }

    public let name: String
    public let sampleInterval: Double
    public let spec: SimulationSpec
    public let input: Input
    public let output: String
    public let threads: Int
    /// Threads of each LLG system (`LLGSystem.threads`).
    public let solverThreads: Int
    /// Called on the simulating thread after every output sample of a copy, with the copy's index, the
    /// device time it has simulated and its total (seconds): for progress reports on long runs. Copies on
    /// different threads call it concurrently.
    public var progress: ((_ copy: Int, _ simulated: Double, _ total: Double) -> Void)?
    private let models: [MagnetModel]
    private let prepared: [Double]
    private let run: SimulationSpec.Run
    private let carrier: (amplitude: Double, frequency: Double, target: SimulationSpec.DriveTarget)?
    private let quantity: RecordedQuantity

    /// Builds the device and prepares its initial state (runs the preparation stages once).
    /// - Throws: `SpecError` if the spec has no recorded run stage, a carrier input without a sine-carrier
    ///   drive in that stage, or an unknown output.
    public init(spec: SimulationSpec, input: Input = .carrierAmplitude, sampleInterval: Double, output: String = "mz",
                threads: Int = 1, solverThreads: Int? = nil) throws {
        guard let mspec = spec.magnet else {
            throw SpecError.invalidValue(file: spec.file, key: "device", value: "preset", requirement: "MicromagneticDevice needs a micromagnetic spec")
        }
        guard sampleInterval > 0, sampleInterval.isFinite else {
            throw SpecError.invalidValue(file: spec.file, key: "sampleInterval", value: "\(sampleInterval)", requirement: "must be positive seconds")
        }
        guard let q = RecordedQuantity(output) else {
            throw SpecError.invalidValue(file: spec.file, key: "output", value: output, requirement: RecordedQuantity.accepted)
        }
        guard let driven = spec.stages.firstIndex(where: { if case .run(let r) = $0 { return r.record } else { return false } }),
              case .run(let run) = spec.stages[driven] else {
            throw SpecError.missingKey(file: spec.file, key: "stage (a run stage with record = true)")
        }
        self.spec = spec; self.input = input; self.sampleInterval = sampleInterval; self.output = output
        self.threads = max(1, threads); self.run = run; self.quantity = q
        self.solverThreads = max(1, solverThreads ?? run.threads ?? ProcessInfo.processInfo.activeProcessorCount / max(1, threads))
        name = "micromagnetic " + spec.title
        let stageDrive = run.drive.flatMap { spec.drives[$0] }
        switch input {
        case .carrierAmplitude:
            guard let d = stageDrive, case let .sineCarrier(amplitude, f, _, _, _) = d.kind else {
                throw SpecError.invalidValue(file: spec.file, key: "stage[\(driven)].drive", value: run.drive ?? "none",
                                             requirement: "a carrier-amplitude input needs a sine-carrier drive in the recorded stage")
            }
            carrier = (amplitude, f, d.target)
        case .target:
            carrier = nil
        }
        let target: SimulationSpec.DriveTarget?
        if case .target(let t) = input { target = t } else { target = carrier?.target }
        let needsKu = target == .Ku1
        var models: [MagnetModel] = []
        for _ in 0..<self.threads {
            models.append(try MagnetModel(spec: mspec, file: spec.file, seed: spec.seed, needsAnisotropy: needsKu))
            models[models.count - 1].system.threads = self.solverThreads
        }
        if target == .current_density && mspec.terms.slonczewski == nil {
            throw SpecError.invalidValue(file: spec.file, key: "input", value: "current_density", requirement: "[terms.slonczewski] is absent")
        }
        self.models = models
        // Preparation on the first system: everything before the driven stage, on the spec's clock.
        let model = models[0]
        var m = try model.initialState()
        var clock = 0.0
        for s in 0..<driven {
            do {
                switch spec.stages[s] {
                case let .relax(tol, maxTime, _):
                    model.configure(run: nil, drives: [], stageStart: clock)
                    try model.system.relax(&m, torqueTolerance: tol, maxTime: maxTime)
                case let .minimize(tol, stop, _):
                    model.configure(run: nil, drives: [], stageStart: clock)
                    try model.system.minimize(&m, stop: stop, torqueTolerance: tol)
                case .run(let r):
                    if mspec.terms.temperature > 0 { model.enableThermal() }
                    let d = r.drives.compactMap { spec.drives[$0] }
                    try model.integrate(&m, from: clock, to: clock + r.duration, run: r, drives: d, origin: clock)
                    clock += r.duration
                }
            } catch let e as MicromagneticsError {
                throw SpecError.simulation(file: spec.file, stage: "stage[\(s)]", reason: e.description)
            }
        }
        prepared = m
        for mm in models where mspec.terms.temperature > 0 { mm.enableThermal() }
    }

    public func respond(to inputs: [[Double]]) throws -> [[Double]] {
        try validateInputs(inputs, device: name)
        let results = UnsafeMutablePointer<[Double]>.allocate(capacity: max(inputs.count, 1))
        results.initialize(repeating: [], count: max(inputs.count, 1))
        defer { results.deinitialize(count: max(inputs.count, 1)); results.deallocate() }
        let failures = UnsafeMutablePointer<Error?>.allocate(capacity: threads)
        failures.initialize(repeating: nil, count: threads)
        defer { failures.deinitialize(count: threads); failures.deallocate() }
        let work: (Int) -> Void = { worker in
            var b = worker
            while b < inputs.count {
                do { results[b] = try self.respond(copy: inputs[b], index: b, model: self.models[worker]) } catch {
                    failures[worker] = error; return
                }
                b += self.threads
            }
        }
        if threads == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: threads, execute: work) }
        for w in 0..<threads { if let e = failures[w] { throw e } }
        return (0..<inputs.count).map { results[$0] }
    }

    /// One copy: the prepared state driven by u, sampled at (n + 1) dt.
    private func respond(copy u: [Double], index: Int, model: MagnetModel) throws -> [Double] {
        guard !u.isEmpty else { return [] }
        let dt = sampleInterval
        let drive: Drive
        switch input {
        case .carrierAmplitude:
            drive = Drive(kind: .modulatedCarrier(amplitude: carrier!.amplitude, frequency: carrier!.frequency, values: u),
                          target: carrier!.target, hold: dt)
        case .target(let t):
            drive = Drive(kind: .piecewise(u), target: t, hold: dt)
        }
        var m = prepared
        var out: [Double] = []
        out.reserveCapacity(u.count)
        let t1 = Double(u.count) * dt
        let samples = (1...u.count).map { min(Double($0) * dt, t1) }
        do {
            let report = progress
            try model.integrate(&m, from: 0, to: t1, run: run, drives: [drive], origin: 0, sampleTimes: samples) { t, y in
                out.append(model.quantity(self.quantity, y))
                report?(index, t, t1)
            }
        } catch let e as MicromagneticsError {
            throw SpecError.simulation(file: spec.file, stage: "device copy", reason: e.description)
        }
        return out
    }
}
