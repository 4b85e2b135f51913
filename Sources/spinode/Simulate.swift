import ArgumentParser
import Devices
import Foundation
import Numerics
import TraceIO
import Workflows

/// `spinode simulate SPEC.toml --out TRACES.h5`: run a simulation spec and write its trace.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a simulation spec (TOML) and write the recorded averages as a trace (HDF5).",
        discussion: """
        The spec format is described in docs/spec-format.md; examples are in Datasets/specs/. \
        The trace holds the drive values at the sample times as inputs (SI units, e.g. deltaKu1 in J/m3), \
        the recorded averages (mx, my, mz, ...) as outputs, the material parameters, and the spec text in \
        its description. If --out exists, its other traces are kept and a trace of the same name is replaced.

        Long runs write a checkpoint every [output] checkpoint_every seconds of simulated time (default 1 ns) \
        to OUT.checkpoint; after an interruption, run the same command with --resume. A resume refuses a \
        checkpoint whose spec text or input files (drive files, initial OVF; SHA-256) changed.

        Reproducible: on one machine two runs of a spec give the same trace bit for bit, and a resumed run \
        equals the uninterrupted one bit for bit (thermal runs too). A run whose |m| drifts beyond the stage's \
        norm_tolerance (default 1e-2) before renormalisation stops as diverged, naming the time, stage and cell, \
        and keeps its last checkpoint. Absurd sizes (mesh, duration, step, interval) are refused up front with \
        the estimated memory or work (docs/spec-format.md, "Limits").

        Threads: --threads N splits the solver's cell loops and its demag FFTs over N threads (default: a run \
        stage's threads key, else all cores). Runs with the same thread count are bit-identical; another count \
        agrees to round-off (the threaded FFTs may round differently), so resume with the count the run started with.

        --partial FILE writes the samples that OUT.checkpoint holds so far as a trace to FILE and exits without \
        simulating: a look (h5py, spinode inspect, --plot) at a run that is still going or was stopped. The \
        trace's description starts with "partial:" and the simulated time reached.

        --plot FILE.svg draws the recorded averages (<mx>, <my>, <mz>, ...) and the drives against time in ns, \
        one panel per unit, when the run completes. FILE.png draws the same figure with matplotlib (needs \
        python3 with matplotlib and scripts/plot.py of the SpinODE checkout; refused before the run otherwise).

        Examples:
          spinode simulate Datasets/specs/skyrmion-disk-short.toml --out skyrmion.h5 --json
          spinode simulate spec.toml --out run.h5 --plot run.svg
        """
    )

    @Argument(help: "Simulation spec (TOML).")
    var spec: String

    @Option(help: "Trace file to write (HDF5).")
    var out: String

    @Option(help: "Trace name (default: the spec file name without extension).")
    var name: String?

    @Option(help: "Figure to write (.svg; .png with python3 and matplotlib): recorded averages and drives vs time (ns).")
    var plot: String?

    @Flag(help: "Print a JSON summary on stdout.")
    var json = false

    @Option(help: "Threads of the solver (cell loops and demag FFTs), overriding every stage's threads key (default: the stage's key, else all cores).")
    var threads: Int?

    @Flag(help: "Continue from OUT.checkpoint.")
    var resume = false

    @Option(help: "Write the samples recorded so far (OUT.checkpoint's) as a trace to this file and exit, without simulating.")
    var partial: String?

    @Flag(help: "No progress line on stderr.")
    var quiet = false

    @Option(help: ArgumentHelp("Stop after writing this many checkpoints (testing resume).", visibility: .hidden))
    var stopAfterCheckpoints: Int?

    func validate() throws {
        if let n = threads, !(1...4096).contains(n) {
            throw ValidationError("--threads must be an integer from 1 to 4096, got \(n)")
        }
        if let n = stopAfterCheckpoints, n < 1 {
            throw ValidationError("--stop-after-checkpoints must be at least 1, got \(n)")
        }
        if let n = name, n.isEmpty || n.contains("/") || n == "." || n == ".." {
            throw ValidationError("--name '\(n)' is not a trace name: it must be non-empty and contain no '/'")
        }
        if let plot { _ = try FigureFile(path: plot) }
        if partial != nil, resume || stopAfterCheckpoints != nil {
            throw ValidationError("--partial reads OUT's checkpoint without simulating: it takes no --resume or --stop-after-checkpoints")
        }
    }

    /// The folder OVF snapshots go to (`[output] snapshot_dir`) must be a writable folder or creatable, and
    /// must not hold an input of the run under a snapshot's name (m000000.ovf, m000001.ovf, ...), which a
    /// snapshot would replace.
    static func checkSnapshotFolder(_ path: String, inputs: [String]) throws {
        let option = "[output] snapshot_dir"
        try OutputFolder(path, option: option).check()
        let folder = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
        for input in inputs {
            let url = URL(fileURLWithPath: input).resolvingSymlinksInPath().standardizedFileURL
            let name = url.lastPathComponent
            let isSnapshotName = name.count == 11 && name.hasPrefix("m") && name.hasSuffix(".ovf")
                && name.dropFirst().prefix(6).allSatisfy(\.isASCII) && name.dropFirst().prefix(6).allSatisfy(\.isNumber)
            if isSnapshotName, url.deletingLastPathComponent().path == folder {
                throw SafeIOError.outputFolder(path: path, option: option,
                                               detail: "holds the input '\(input)', which a snapshot would replace; give another folder")
            }
        }
    }

    func run() throws {
        let clock = ContinuousClock()
        let started = clock.now
        let checkpointPath = out + ".checkpoint"
        // The spec names its own input files (drive CSV/.npy, initial OVF): parse it first, so that neither
        // --out nor its checkpoint can be one of them, and the snapshot folder is checked before any compute.
        let parsed = try SimulationSpec(contentsOf: spec)
        let inputs = [spec] + parsed.inputFiles.map(\.path)
        let figure = try plot.map { try FigureFile(path: $0) }
        try figure?.checkRenderer()
        if let partial { return try writePartial(partial, parsed: parsed, inputs: inputs, figure: figure) }
        let locks = try OutputTarget.claim([OutputTarget(out), OutputTarget(checkpointPath, option: "--out's checkpoint")]
                                           + (figure.map { [$0.target] } ?? []), inputs: inputs)
        defer { locks.forEach { $0.release() } }
        if parsed.output.snapshotEvery != nil {
            try Self.checkSnapshotFolder(parsed.output.snapshotDirectory ?? spec + ".snapshots", inputs: inputs)
        }
        let runner = SimulationRunner(spec: parsed)
        runner.checkpointPath = checkpointPath
        runner.stopAfterCheckpoints = stopAfterCheckpoints
        runner.threads = threads
        if resume && !FileManager.default.fileExists(atPath: checkpointPath) {
            throw SpecError.badCheckpoint(file: checkpointPath, reason: "--resume given but there is no checkpoint")
        }
        let terminal = isatty(2) != 0
        var lastLine = Date.distantPast
        var lineOpen = false
        if !quiet {
            runner.progress = { p in
                let eta = p.eta.map { String(format: "%.0f s", $0) } ?? "-"
                let line = String(format: "%@: t = %.4g / %.4g ns (%.1f %%), %d steps, %.1f s wall, ETA %@",
                                  parsed.title, p.simulatedTime * 1e9, p.totalTime * 1e9,
                                  100 * p.simulatedTime / max(p.totalTime, 1e-300), p.steps, p.wallSeconds, eta)
                if terminal {
                    FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8)); lineOpen = true
                } else if Date().timeIntervalSince(lastLine) >= 10 || p.simulatedTime >= p.totalTime {
                    FileHandle.standardError.write(Data((line + "\n").utf8)); lastLine = Date()
                }
            }
        }
        let result = try runner.run(resume: resume)
        if lineOpen { FileHandle.standardError.write(Data("\n".utf8)) }
        let elapsed = clock.now - started
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18

        if result.completed {
            try Self.write(Self.trace(result, name: traceName), into: out)
            try? FileManager.default.removeItem(atPath: checkpointPath)
            try figure?.write(SimulationFigure.figure(result, title: parsed.title))
        }
        var fields: [(String, JSONValue)] = [
            ("spec", .string(spec)), ("out", .string(out)), ("completed", .bool(result.completed)),
            ("wall_seconds", .number(wall)), ("simulated_seconds", .number(result.simulatedTime)),
            ("rhs_evaluations", .integer(result.statistics.rhsEvaluations + result.relaxationEvaluations)),
            ("accepted_steps", .integer(result.statistics.acceptedSteps)),
            ("rejected_steps", .integer(result.statistics.rejectedSteps)),
            ("final_m", .numbers([result.finalM.x, result.finalM.y, result.finalM.z])),
            ("samples", .integer(result.times.count)), ("checkpoints_written", .integer(result.checkpointsWritten)),
            ("inputs", .strings(result.inputNames)), ("outputs", .strings(result.outputNames)),
        ]
        if let plot, result.completed { fields.append(("plot", .string(plot))) }
        if json {
            print(JSONValue.object(fields).rendered())
        } else if result.completed {
            print(String(format: "%@: %d samples of %@ over %.4g ns in %.1f s wall; final <m> = (%.5f, %.5f, %.5f)",
                         out, result.times.count, result.outputNames.joined(separator: ", "), result.simulatedTime * 1e9,
                         wall, result.finalM.x, result.finalM.y, result.finalM.z) + (plot.map { "; figure \($0)" } ?? ""))
        } else {
            print("stopped after \(result.checkpointsWritten) checkpoint(s) at t = \(result.simulatedTime) s; continue with --resume")
        }
    }

    /// `--partial FILE`: the samples of OUT's checkpoint as a trace in FILE (its other traces kept, one of
    /// the same name replaced), without simulating. OUT and its checkpoint are inputs here: never written,
    /// and not locked (the run that writes them may be going on).
    func writePartial(_ path: String, parsed: SimulationSpec, inputs: [String], figure: FigureFile?) throws {
        let checkpointPath = out + ".checkpoint"
        let locks = try OutputTarget.claim([OutputTarget(path, option: "--partial")] + (figure.map { [$0.target] } ?? []),
                                           inputs: inputs + [out, checkpointPath])
        defer { locks.forEach { $0.release() } }
        let runner = SimulationRunner(spec: parsed)
        runner.checkpointPath = checkpointPath
        let result = try runner.checkpointResult()
        try Self.write(Self.trace(result, name: traceName), into: path)
        try figure?.write(SimulationFigure.figure(result, title: parsed.title + " (partial)"))
        if json {
            var fields: [(String, JSONValue)] = [
                ("spec", .string(spec)), ("out", .string(out)), ("partial", .string(path)), ("completed", .bool(false)),
                ("simulated_seconds", .number(result.simulatedTime)), ("samples", .integer(result.times.count)),
                ("last_sample_s", .number(result.times.last!)),
                ("inputs", .strings(result.inputNames)), ("outputs", .strings(result.outputNames)),
            ]
            if let plot { fields.append(("plot", .string(plot))) }
            print(JSONValue.object(fields).rendered())
        } else {
            print(String(format: "%@: the %d samples of %@ recorded so far (to t = %.6g s; %.4g ns simulated) from %@",
                         path, result.times.count, result.outputNames.joined(separator: ", "), result.times.last!,
                         result.simulatedTime * 1e9, checkpointPath) + (plot.map { "; figure \($0)" } ?? ""))
        }
    }

    /// The trace's name: --name, or the spec's file name without its extension.
    var traceName: String { name ?? URL(fileURLWithPath: spec).deletingPathExtension().lastPathComponent }

    /// Writes `trace` into the HDF5 file at `path`: the file's other traces are kept, one of the same name is
    /// replaced (TraceFile.write goes through a temporary file and a rename).
    static func write(_ trace: Trace, into path: String) throws {
        var traces: [Trace] = []
        if FileManager.default.fileExists(atPath: path) { traces = try TraceFile.read(path).filter { $0.name != trace.name } }
        try TraceFile.write(traces + [trace], to: path)
    }

    /// The trace of a result: uniform sampling when the sample times are uniform.
    static func trace(_ r: SimulationResult, name: String) throws -> Trace {
        let n = r.times.count
        let inputs = Matrix(rows: n, columns: r.inputNames.count) { i, j in r.inputs[i][j] }
        let outputs = Matrix(rows: n, columns: r.outputNames.count) { i, j in r.outputs[i][j] }
        let sampling: Trace.Sampling = r.uniformSampling.map { .uniform(t0: $0.t0, dt: $0.dt) } ?? .times(r.times)
        let trace = Trace(name: name, sampling: sampling, inputs: inputs, outputs: outputs, parameters: r.parameters,
                          inputNames: r.inputNames, outputNames: r.outputNames, parameterNames: r.parameterNames,
                          inputUnits: r.inputUnits, outputUnits: r.outputUnits, parameterUnits: r.parameterUnits,
                          description: r.description)
        try trace.validate()
        return trace
    }
}
