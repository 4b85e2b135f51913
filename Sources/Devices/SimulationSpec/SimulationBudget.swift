import Foundation
import SafeIO
import ODE

/// What a spec will cost, estimated from the spec alone before anything is allocated or integrated,
/// and the limits it must stay within (docs/spec-format.md, "Limits"):
///
/// - memory: the mesh's working set (`bytesPerCell`) plus the recorded samples must fit in the memory
///   the machine has available (/proc/meminfo MemAvailable); at most `maxSamples` samples;
/// - work: every run stage takes at most `maxSteps` solver steps and `maxCellSteps` cell updates
///   (steps x cells). A fixed-step stage takes duration / step steps; an adaptive one at least one step
///   per renormalisation segment (`LLGSystem.run`, 10 ps), per chunk and per drive piece, so that
///   count is a lower bound; a relax stage's max_time spans at most `maxSteps` segments of 1 ns;
/// - disk: OVF snapshots must fit on the file system of their folder;
/// - device presets: their samples must fit in memory and their sub-steps stay within `maxSteps`.
///
/// Absurd values (a 1e12-cell mesh, `duration = 1e300`, `interval = 1e-30`, `step = 1e-30`) are thus
/// refused with the estimate and what the machine offers, instead of by the OOM killer, an integer
/// overflow, or a run that never ends.
public struct SimulationBudget: Sendable {
    /// Most solver steps one run stage may take.
    public static let maxSteps = 1e10
    /// Most cell updates (steps x cells) one run stage may take.
    public static let maxCellSteps = 1e14
    /// Most samples (and snapshot times) a spec may record, whatever the memory.
    public static let maxSamples = 1e9
    /// Largest cell count the mesh may have whatever the memory (FFT sizes are 32-bit in FFTW's interface).
    public static let maxCells = Double(1 << 31)
    /// Segment length of the adaptive driver between renormalisations (s): `LLGSystem.run`'s default.
    static let adaptiveSegment = 10e-12

    /// Cells of the mesh (product in floating point: cannot overflow).
    public var cells: Double
    /// Estimated bytes of the mesh's working set: magnet and cell parameters, state, solver workspaces
    /// and, with demag, the padded FFT buffers and kernel.
    public var meshBytes: Double
    /// Samples recorded (all recorded stages), and their estimated bytes in memory (result rows, the
    /// checkpoint copy and the trace matrices).
    public var samples: Double
    public var sampleBytes: Double
    /// Snapshot files written and their total bytes.
    public var snapshots: Double
    public var snapshotBytes: Double

    /// Bytes per cell of everything but demag: material parameters of magnet and system (~40 doubles),
    /// state, field and prefactors, solver stages (2 s + 4 vectors of 3 doubles, s <= 7). Demag adds the
    /// padded FFT buffers (real, spectrum, x and y stages) and the six kernel spectra.
    static func bytesPerCell(demag: Bool, thick: Bool) -> Double {
        1000 + (demag ? (thick ? 1100 : 550) : 0)
    }

    /// Sub-steps of a device preset's whole run (samples x sub-steps per sample); 0 for a micromagnetic spec.
    public var deviceSteps: Double = 0

    /// The estimates of `spec`.
    public init(spec: SimulationSpec) {
        cells = 0; meshBytes = 0; samples = 0; sampleBytes = 0; snapshots = 0; snapshotBytes = 0
        if let d = spec.device, let drive = spec.drives[d.drive], case .piecewise(let values) = drive.kind {
            // One sample per sample_interval over the drive; each held as drive value, time, an input
            // row and an output row (one-value arrays) and once more in the trace.
            samples = Double(values.count) * (drive.hold / d.sampleInterval).rounded()
            sampleBytes = samples * 160
            deviceSteps = samples * (d.sampleInterval / d.timeStep).rounded(.up)
            return
        }
        guard let m = spec.magnet else { return }
        let mesh = m.mesh
        cells = Double(mesh.nx) * Double(mesh.ny) * Double(mesh.nz)
        meshBytes = cells * Self.bytesPerCell(demag: m.terms.demag, thick: mesh.nz > 1)
        let inputs = Double(2 * spec.drives.count), outputs = Double(spec.output.quantities.count)
        for case let .run(r) in spec.stages where r.record {
            if let dt = spec.output.interval { samples += (r.duration / dt).rounded(.down) + 1 }
            if let every = spec.output.snapshotEvery { snapshots += (r.duration / every).rounded(.down) + 1 }
        }
        // Per sample: time, two row arrays (header + values) held by the result, once more in the
        // checkpoint and the trace; per snapshot time: one double.
        sampleBytes = samples * 3 * (8 + 64 + 8 * (inputs + outputs)) + snapshots * 8
        snapshotBytes = snapshots * (24 * cells + 1024)
    }

    /// Solver steps of run stage `run`: duration / step for fixed steps, a lower bound (one per segment
    /// and per chunk) for adaptive ones; every piece of the stage's drive (hold or carrier period) is
    /// solved on its own, so at least one step per piece. `chunk` is the runner's chunk length (s).
    static func steps(_ run: SimulationSpec.Run, drive: Drive?, chunk: Double) -> (steps: Double, fixed: Bool) {
        var least = (run.duration / chunk).rounded(.up)
        if let d = drive, d.hold > 0 { least = max(least, (run.duration / d.hold).rounded(.up)) }
        if case let .fixed(step) = run.solver.stepping { return (max((run.duration / step).rounded(.up), least), true) }
        return (max((run.duration / adaptiveSegment).rounded(.up), least), false)
    }

    /// Refuses the spec when an estimate exceeds a limit or what the machine has (`memory`: available
    /// bytes, nil = unknown, `disk`: free bytes for the snapshots, nil = unknown). Throws
    /// `SpecError.resources` naming the key that drives the estimate.
    public func check(spec: SimulationSpec, memory: Double?, disk: Double?) throws {
        let f = spec.file
        func fmt(_ b: Double) -> String { ByteCount(b).description }
        if spec.device != nil {
            if let memory, sampleBytes > memory {
                throw SpecError.resources(file: f, key: "device.sample_interval",
                                          reason: "\(Self.count(samples)) samples need an estimated \(fmt(sampleBytes)) of memory; "
                                              + "this machine has \(fmt(memory)) available (MemAvailable)")
            }
            if deviceSteps > Self.maxSteps {
                throw SpecError.resources(file: f, key: samples > Self.maxSteps ? "device.sample_interval" : "device.time_step",
                                          reason: "\(Self.count(samples)) samples in sub-steps of at most device.time_step are "
                                              + "\(Self.count(deviceSteps)) steps; the limit is \(String(format: "%.0e", Self.maxSteps)) steps")
            }
            return
        }
        guard spec.magnet != nil else { return }
        func count(_ x: Double) -> String { Self.count(x) }
        // The cell limit first; the memory of mesh and samples together below.
        try Self.checkCells(cells, bytesPerCell: meshBytes / max(cells, 1), memory: nil, file: f)
        let chunk = SimulationRunner.chunkLength(checkpointEvery: spec.output.checkpointEvery)
        for (i, s) in spec.stages.enumerated() {
            // Relaxation integrates in segments growing to 1 ns until the torque tolerance is met or
            // max_time has passed: an unreachable tolerance costs max_time / 1 ns segments at least.
            if case let .relax(_, maxTime, _) = s, (maxTime / 1e-9).rounded(.up) > Self.maxSteps {
                throw SpecError.resources(file: f, key: "stage[\(i)].max_time",
                                          reason: "max_time \(Self.seconds(maxTime)) s is at least \(count((maxTime / 1e-9).rounded(.up))) relaxation "
                                              + "segments of 1 ns; the limit is \(String(format: "%.0e", Self.maxSteps))")
            }
            guard case .run(let r) = s else { continue }
            // The drive with the shortest pieces sets the most steps.
            let drive = r.drives.compactMap { spec.drives[$0] }.min { ($0.hold > 0 ? $0.hold : .infinity) < ($1.hold > 0 ? $1.hold : .infinity) }
            let (n, fixed) = Self.steps(r, drive: drive, chunk: chunk)
            let work = n * cells
            guard n > Self.maxSteps || work > Self.maxCellSteps else { continue }
            let how: String
            if let d = drive, d.hold > 0, (r.duration / d.hold).rounded(.up) == n {
                how = "duration \(Self.seconds(r.duration)) s in pieces of drive.\(d.name) (hold or period \(Self.seconds(d.hold)) s) is at least \(count(n)) steps"
            } else if fixed, case let .fixed(step) = r.solver.stepping {
                how = "duration \(Self.seconds(r.duration)) s at step \(Self.seconds(step)) s is \(count(n)) steps"
            } else {
                how = "duration \(Self.seconds(r.duration)) s is at least \(count(n)) steps of the adaptive solver"
            }
            throw SpecError.resources(
                file: f, key: "stage[\(i)]",
                reason: how + " of \(String(format: "%.0f", cells)) cells (\(count(work)) cell updates); "
                    + "the limits are \(String(format: "%.0e", Self.maxSteps)) steps and "
                    + "\(String(format: "%.0e", Self.maxCellSteps)) cell updates per run stage")
        }
        let total = meshBytes + sampleBytes
        if let memory, total > memory {
            let key = sampleBytes > meshBytes ? (snapshots * 8 > samples * 72 ? "output.snapshot_every" : "output.interval") : "mesh.cells"
            throw SpecError.resources(
                file: f, key: key,
                reason: "the run needs an estimated \(fmt(total)) of memory (mesh \(fmt(meshBytes)) for "
                    + "\(String(format: "%.0f", cells)) cells, \(count(samples)) samples \(fmt(sampleBytes))); "
                    + "this machine has \(fmt(memory)) available (MemAvailable)")
        }
        if let disk, snapshotBytes > disk {
            throw SpecError.resources(
                file: f, key: "output.snapshot_every",
                reason: "\(count(snapshots)) OVF snapshots of \(String(format: "%.0f", cells)) cells need "
                    + "\(fmt(snapshotBytes)) of disk; \(fmt(disk)) is free there")
        }
        if samples > Self.maxSamples || snapshots > Self.maxSamples {
            let snap = snapshots > samples
            throw SpecError.resources(file: f, key: snap ? "output.snapshot_every" : "output.interval",
                                      reason: "\(count(snap ? snapshots : samples)) \(snap ? "snapshots" : "samples") exceed the limit of "
                                          + "\(String(format: "%.0e", Self.maxSamples))")
        }
    }

    /// A time in seconds as "%.6g" ("1e+10", "2e-11").
    static func seconds(_ x: Double) -> String { String(format: "%.6g", x) }

    /// A count as "%.3g", or "more than 1.8e+308" when it overflowed.
    static func count(_ x: Double) -> String {
        x.isFinite ? String(format: "%.3g", x) : "more than 1.8e+308"
    }

    /// Refuses a mesh of `cells` cells (before any array is made) when it exceeds `maxCells` or its
    /// working set exceeds the available memory.
    static func checkCells(_ cells: Double, bytesPerCell: Double, memory: Double?, file: String) throws {
        let bytes = cells * bytesPerCell
        if let memory, bytes > memory {
            throw SpecError.resources(
                file: file, key: "mesh.cells",
                reason: "\(count(cells)) cells need an estimated \(ByteCount(bytes).description) "
                    + "of memory; this machine has \(ByteCount(memory).description) available (MemAvailable)")
        }
        if cells > maxCells {
            throw SpecError.resources(
                file: file, key: "mesh.cells",
                reason: "\(count(cells)) cells (an estimated \(ByteCount(bytes).description) of "
                    + "memory) exceed the limit of \(String(format: "%.0f", maxCells)) cells")
        }
    }
}
