import ArgumentParser
import Foundation
import Numerics
import TraceIO
import Workflows

/// `spinode demo`: the first thing a new user runs. On the bundled skyrmion data it predicts the held-out
/// trace with the bundled surrogate, runs Mackey-Glass on the surrogate reservoir (and the echo state
/// network baseline), races the micromagnetic reference on a short segment of the same drive, prints a
/// summary table and writes figures. Each part calls the same library code as its own command (`predict`,
/// `reservoir`, `fit`).
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the end-to-end demo on the bundled skyrmion data: prediction, reservoir, speed-up, figures.",
        discussion: """
        Reads Datasets/skyrmion-disk.h5 (traces 'train' and 'test'), Models/skyrmion-disk.h5 (a surrogate trained \
        on 'train'), Models/skyrmion-disk-reservoir.h5 when present (used for the reservoir, else the same model) \
        and Datasets/specs/skyrmion-disk.toml (the micromagnetic reference), under the package root (found from the \
        executable or the working directory) or under --data.

          (a) free-running prediction of the held-out traces of Datasets/skyrmion-disk-heldout.h5 (drive \
        realisations never trained on; without that file, the 'test' trace of skyrmion-disk.h5): NRMSE, NRMSE per \
        5 ns block, dominant frequency of prediction and truth (what `spinode predict MODEL TRACES` reports);
          (b) Mackey-Glass on the surrogate reservoir in the paper's setting (10,000 points, 50 nodes, hold 2 \
        samples, masked input x 4e4 J/m^3 of deltaKu1): NRMSE at H = 1, 10, 40 and the wall time, and the echo \
        state network baseline (`spinode reservoir mackey-glass`);
          (c) the micromagnetic reference (after its minimisation and a short settling run) and the surrogate on \
        the same 0.5 ns of multiplexed drive: wall time per simulated ns and the speed-up \
        (the reservoir command's devices and multiplexer);
          (d) a summary table on stdout (--json: one JSON object);
          (e) figures in --out: prediction-zoom, prediction-full, spectrum, nrmse-horizon (and trust-prediction, \
        trust-spread with (f), regime-switch with (g)), each as SVG (written by the toolkit) with its data as CSV, and as PNG via \
        scripts/plot.py when python3 with matplotlib is present;
          (f) with Models/skyrmion-disk-ensemble.h5: the ensemble's trust flag on 'test' of skyrmion-disk.h5, where \
        the skyrmion is annihilated: when the flag rises against when the reference annihilates;
          (g) with Models/skyrmion-disk-uniform.h5: 'test' and the held-out traces predicted by the surrogate, \
        then by the uniform-state model from where the surrogate's mz exceeds a level set on 'train' alone \
        (`spinode predict --after ... --switch 'mz>LEVEL'`): switch and annihilation times, false annihilations \
        and the NRMSE, against the surrogate alone.

        --train first retrains the surrogate from scratch with `spinode fit` (the training command recorded in \
        the bundled model file), showing its progress, and uses the new model for (a) to (c). Progress lines go to \
        stderr. Most of the run time is the micromagnetic segment; --quick runs a tiny \
        version (2,000 Mackey-Glass points, 20 nodes, one multiplexed input of reference) for tests. Details: docs/demo.md.

        Examples:
          spinode demo
          spinode demo --out /tmp/demo --json
          spinode demo --train
        """
    )

    @Option(help: "Folder for figures and data (created).") var out = "out/demo"
    @Option(help: "Folder holding Datasets/ and Models/ (default: the package root).") var data: String?
    @Flag(help: "Retrain the surrogate from scratch first (spinode fit with the recorded training command).") var train = false
    @Flag(help: "Print one JSON summary instead of the table.") var json = false
    @Flag(help: "Tiny version for tests: 2,000 Mackey-Glass points, 20 nodes, one multiplexed input (40 samples) of reference, at most 20 fit iterations.")
    var quick = false
    @Option(help: "Seed of the reservoir masks, the ESN and the task inputs.") var seed: UInt64 = 1
    @Option(help: "Masked Mackey-Glass input to deltaKu1, J/m^3 per unit (the paper's 0.4 x 0.1 MJ/m^3).")
    var inputScale = 4e4
    @Option(help: "Driven time simulated on the micromagnetic reference, seconds, rounded to whole multiplexed inputs of nodes x hold samples (default 0.5e-9; --quick: one input).")
    var referenceSeconds: Double?
    @Option(help: "Length of each settling run stage of the reference before the driven segment, seconds (default 5e-11; --quick 0).")
    var settleSeconds: Double?
    @Flag(help: "Skip the micromagnetic reference (part c).") var noReference = false

    func validate() throws {
        if let s = referenceSeconds { guard s > 0 && s.isFinite else { throw ValidationError("--reference-seconds must be > 0, got \(s)") } }
        if let s = settleSeconds { guard s >= 0 && s.isFinite else { throw ValidationError("--settle-seconds must be >= 0, got \(s)") } }
        guard inputScale.isFinite && inputScale > 0 else { throw ValidationError("--input-scale must be > 0, got \(inputScale)") }
    }

    func run() throws {
        BLAS.setThreadCount(1)
        let folder = OutputFolder(out)
        try folder.check()
        let progress = DemoProgress()
        let files = try DemoData.locate(data: data)
        try folder.create()
        let locks = try OutputTarget.claim([folder.file("summary.json")], inputs: [files.traces, files.model, files.spec])
        defer { locks.forEach { $0.release() } }
        progress.step("data: \(files.traces), model: \(files.model)")

        var model = files.model, reservoirModel = files.reservoirModel
        var training: DemoTraining?
        if train {
            let retrained = (out as NSString).appendingPathComponent("skyrmion-disk-retrained.h5")
            training = try DemoTraining.run(bundledModel: files.model, traces: files.traces, out: retrained, quick: quick,
                                            progress: progress)
            model = retrained
            reservoirModel = retrained
        }

        // (a) The held-out drive realisations where the skyrmion lives, else skyrmion-disk's own 'test'.
        let heldOutFile = files.heldOut ?? files.traces
        let heldOutNames = try files.heldOut.map { try DemoData.heldOutTraces(in: $0) } ?? ["test"]
        var predictions = [DemoPrediction]()
        for name in heldOutNames {
            progress.step("(a) free-running prediction of the held-out trace '\(name)' of \(heldOutFile) with \(model)")
            let p = try DemoPrediction.run(model: model, traces: heldOutFile, trace: name)
            progress.step(String(format: "(a) NRMSE %.4g over %d samples (%.3g s)", p.metrics.nrmse, p.samples, p.seconds))
            predictions.append(p)
        }
        let prediction = predictions[0]

        // (b) and (c) report a failure and let the rest run: the figures of (a) are worth having either way.
        var failures = [(part: String, reason: String)]()
        let nodes = quick ? 20 : 50, hold = 2
        progress.step("(b) Mackey-Glass reservoir on \(reservoirModel)")
        var reservoir: DemoReservoir?
        do {
            reservoir = try DemoReservoir.run(model: reservoirModel, nodes: nodes, hold: hold, inputScale: inputScale, seed: seed,
                                              quick: quick, progress: progress)
        } catch {
            failures.append(("Mackey-Glass", "\(error)"))
            progress.step("(b) failed: \(error)")
        }

        var reference: DemoReference?
        if !noReference, let reservoir {
            progress.step("(c) micromagnetic reference \(files.spec)")
            do {
                reference = try DemoReference.run(specPath: files.spec, reservoir: reservoir,
                                                  segment: referenceSeconds ?? (quick ? 2e-11 : 0.5e-9),
                                                  settle: settleSeconds ?? (quick ? 0 : 5e-11), progress: progress)
            } catch {
                failures.append(("micromagnetic reference", "\(error)"))
                progress.step("(c) failed: \(error)")
            }
        }

        var trust: DemoTrust?
        if let ensemble = files.ensembleModel {
            progress.step("(f) trust flag of the ensemble \(ensemble) on 'test' of \(files.traces)")
            do {
                trust = try DemoTrust.run(ensemble: ensemble, traces: files.traces, trace: "test")
            } catch {
                failures.append(("trust flag", "\(error)"))
                progress.step("(f) failed: \(error)")
            }
        }

        var regimeSwitch: DemoRegimeSwitch?
        if let uniform = files.uniformModel {
            progress.step("(g) two regimes: \(model), then \(uniform), on 'test' of \(files.traces)")
            do {
                regimeSwitch = try DemoRegimeSwitch.run(model: model, after: uniform, traces: files.traces,
                                                        heldOut: files.heldOut.map { ($0, heldOutNames) })
            } catch {
                failures.append(("two regimes", "\(error)"))
                progress.step("(g) failed: \(error)")
            }
        }

        progress.step("(e) figures")
        let figures = try DemoFigures.write(DemoFigures.plots(prediction: prediction, reservoir: reservoir) + (trust?.plots ?? [])
                                                + (regimeSwitch?.plots ?? []),
                                            into: out, plotScript: files.plotScript, progress: progress)
        let summary = DemoSummary(data: files, model: model, out: out, quick: quick, training: training, prediction: prediction,
                                  heldOut: predictions, heldOutFile: heldOutFile, reservoir: reservoir, reference: reference,
                                  trust: trust, regimeSwitch: regimeSwitch, failures: failures, figures: figures, wallSeconds: progress.elapsed)
        try AtomicFile.write(Data((summary.json.rendered() + "\n").utf8), to: (out as NSString).appendingPathComponent("summary.json"))
        print(json ? summary.json.rendered() : summary.table())
        if !failures.isEmpty { throw ExitCode(1) }
    }
}
