import ArgumentParser
import Foundation
import MessagePassing
import TraceIO
import Workflows

/// `spinode sweep SWEEP.toml --out RESULTS`: runs a parameter sweep (many simulate, fit or reservoir
/// tasks) serially, as one Slurm array element (--task), or over Open MPI ranks (under mpirun), and
/// gathers the results into one HDF5 file.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a parameter sweep of simulate, fit or reservoir tasks (serially, per Slurm array task, or under mpirun).",
        discussion: """
        SWEEP.toml names a base job and its variations (docs/scaling.md):
          [sweep]
          command = "reservoir"        # simulate, fit or reservoir
          seed = 42                    # each task's seed is derived from (seed, task index)
          arguments = ["mackey-glass", "--device", "esn", "--nodes", "20"]   # fit, reservoir
          # spec = "film.toml"         # simulate: the base spec
          [grid]                       # cartesian product, keys in name order, the first slowest
          "--input-scaling" = [0.1, 0.5]
          [[task]]                     # single tasks after the grid's
          "--nodes" = 40
        Keys are dotted spec keys for simulate ("material.Dind", "stage.1.duration") and long options for fit \
        and reservoir. Relative paths are relative to SWEEP.toml's folder, where the tasks run. The whole file \
        and every task's parameters are checked before anything runs.

        Each task runs as a child process of this binary and writes into RESULTS/tasks/NNNNNN/ (its output, \
        summary.json, stderr.log) and status.json, last. Finished tasks are skipped on a rerun, so a killed \
        sweep resumes where it stopped (simulate tasks continue from their checkpoints); --retry-failed \
        reruns failed tasks. A task another process is running (a second sweep on the same RESULTS) is left \
        to it. The sweep ends by gathering RESULTS/sweep.h5: one group per task (parameters, \
        status, key figures, output path) and a summary table, one dataset per column.

        Under Open MPI (mpirun -n N spinode sweep ...) rank 0 hands out tasks to whichever rank is free and \
        runs tasks itself; without mpirun the tasks run one after another. As a Slurm job array, run one task \
        per element with --task $SLURM_ARRAY_TASK_ID and collect with --gather.

        Examples:
          spinode sweep sweep.toml --list
          spinode sweep sweep.toml --out results --json
          mpirun -n 8 spinode sweep sweep.toml --out results
          spinode sweep sweep.toml --out results --task $SLURM_ARRAY_TASK_ID
          spinode sweep sweep.toml --out results --gather
          spinode sweep sweep.toml --out results --status     # where each task stands, while it runs
        """
    )

    @Argument(help: "The sweep file (TOML, docs/scaling.md).")
    var sweepFile: String

    @Option(help: "Results folder (created; tasks/NNNNNN/ per task, sweep.h5 after the gather).")
    var out: String?

    @Option(parsing: .unconditional, help: "Run only this task (0-based index, e.g. $SLURM_ARRAY_TASK_ID); no gather.")
    var task: Int?

    @Flag(help: "Print the task count and each task's parameters and seed, and exit.")
    var list = false

    @Flag(help: "Only gather the finished tasks into RESULTS/sweep.h5 (lists the missing ones).")
    var gather = false

    @Flag(help: "Print where each task of RESULTS stands (ok, failed, running with its pid, unfinished, waiting; a simulate task's simulated time) and exit, writing nothing.")
    var status = false

    @Flag(help: "Run failed tasks again (default: a task with a status, ok or failed, is skipped).")
    var retryFailed = false

    @Flag(help: "Print a JSON summary (tasks, ok, failed, skipped, wall_seconds) on stdout.")
    var json = false

    @Flag(help: "No progress lines on stderr.")
    var quiet = false

    func validate() throws {
        if !list && out == nil { throw ValidationError("--out RESULTS is required (except with --list)") }
        if gather && task != nil { throw ValidationError("--gather collects every task; it takes no --task") }
        if list && (gather || task != nil) { throw ValidationError("--list prints the tasks; it takes no --task or --gather") }
        if status && (list || gather || task != nil || retryFailed) {
            throw ValidationError("--status reads RESULTS and runs nothing; it takes no --list, --gather, --task or --retry-failed")
        }
        if (task != nil || gather), let size = MPIWorld.launchedSize(), size > 1 {
            throw ValidationError("--task and --gather run in one process; start them without mpirun or srun -n N (every rank would do the same)")
        }
    }

    func run() throws {
        let plan = try SweepPlan(contentsOf: sweepFile)
        if list { return try printList(plan) }
        guard let out else { return }
        if let task, !plan.tasks.indices.contains(task) {
            throw OptionValueError("--task \(task): the sweep has tasks 0..<\(plan.tasks.count)")
        }
        if status { return try printStatus(plan, results: out) }
        try Self.checkTasks(plan)
        let sweep = SweepRun(plan: plan, results: out, executable: Self.executable())
        sweep.retryFailed = retryFailed
        let world = (task == nil && !gather) ? try MPIWorld.start() : nil
        defer { world?.finalize() }
        let rank = world?.rank ?? 0
        if !quiet { sweep.progress = { FileHandle.standardError.write(Data(("spinode sweep: " + $0 + "\n").utf8)) } }
        if rank == 0 { try sweep.prepareResults() }
        try world?.barrier()
        if gather { return try gatherAndPrint(plan, summary: nil) }
        let summary: SweepRun.Summary
        if let world, world.size > 1 {
            summary = try SweepMPI.run(sweep, world: world)
        } else {
            summary = try sweep.runSerial(task.map { [$0] })
        }
        guard rank == 0 else { return }
        if task != nil {
            if json { print(try JSONOutput.string(summary)) }
            if summary.failed > 0 { throw ExitCode(1) }
            return
        }
        try gatherAndPrint(plan, summary: summary)
        if summary.failed > 0 { throw ExitCode(1) }
    }

    /// Gathers RESULTS/sweep.h5 and prints the summary (run) or the gather's counts (--gather).
    func gatherAndPrint(_ plan: SweepPlan, summary: SweepRun.Summary?) throws {
        guard let out else { return }
        let file = try SweepGather.gather(plan: plan, results: out)
        let missing = file.missingTasks
        let okCount = file.tasks.filter { $0.status == "ok" }.count
        let failedCount = file.tasks.filter { $0.status == "failed" }.count
        if !quiet && !missing.isEmpty {
            FileHandle.standardError.write(Data("spinode sweep: \(missing.count) of \(file.tasks.count) tasks have no result yet: \(Self.ranges(missing))\n".utf8))
        }
        let gathered = out + "/" + SweepGather.fileName
        if json {
            struct Gathered: Encodable {
                var tasks: Int; var ok: Int; var failed: Int; var missing: [Int]; var gathered: String
                var run: SweepRun.Summary?
            }
            print(try JSONOutput.string(Gathered(tasks: file.tasks.count, ok: okCount, failed: failedCount, missing: missing,
                                                 gathered: gathered, run: summary)))
        } else {
            if let s = summary {
                print(String(format: "%d tasks: %d ran ok, %d failed, %d skipped (finished before)%@ in %.2f s wall on %d rank(s)",
                             s.tasks, s.ok, s.failed, s.skipped,
                             s.runningElsewhere > 0 ? ", \(s.runningElsewhere) left to another process running them" : "",
                             s.wallSeconds, s.ranks))
            }
            print("gathered \(okCount) ok, \(failedCount) failed, \(missing.count) missing of \(file.tasks.count) tasks into \(gathered)")
        }
    }

    /// `--status`: each task's state from RESULTS (nothing written; the folder must hold this sweep's results).
    func printStatus(_ plan: SweepPlan, results: String) throws {
        let copy = results + "/sweep.toml"
        guard let old = FileManager.default.contents(atPath: copy) else {
            throw OptionValueError("--status: '\(results)' holds no sweep results (no sweep.toml): the sweep has not started there")
        }
        guard String(decoding: old, as: UTF8.self) == plan.text else {
            throw OptionValueError("--status: '\(results)' holds the results of a different sweep file (its sweep.toml differs from \(sweepFile))")
        }
        let states = SweepTaskProgress.read(plan: plan, results: results)
        let order = ["ok", "failed", "running", "unfinished", "waiting"]
        let counts = order.map { name in (name, states.filter { $0.state == name }.count) }
        if json {
            struct Report: Encodable { var tasks: Int; var counts: [String: Int]; var states: [SweepTaskProgress] }
            print(try JSONOutput.string(Report(tasks: states.count, counts: Dictionary(uniqueKeysWithValues: counts), states: states)))
            return
        }
        for s in states {
            var line = "task \(s.index) (\(plan.tasks[s.index].label)): \(s.state)"
            if let pid = s.pid { line += " (pid \(pid))" }
            if let t = s.simulatedSeconds, let total = s.totalSeconds {
                line += String(format: ", checkpoint at %.4g of %.4g ns simulated", t * 1e9, total * 1e9)
            }
            if let e = s.error { line += ": " + e }
            if let last = s.lastLogLine {
                line += "\n    last log line" + (s.logAgeSeconds.map { String(format: " (%.0f s ago)", $0) } ?? "") + ": " + last
            }
            print(line)
        }
        print(counts.filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }.joined(separator: ", ") + " of \(states.count) tasks")
    }

    func printList(_ plan: SweepPlan) throws {
        if json {
            struct Listed: Encodable { var index: Int; var seed: UInt64; var parameters: String }
            struct Listing: Encodable { var command: String; var tasks: Int; var list: [Listed] }
            print(try JSONOutput.string(Listing(command: plan.command.rawValue, tasks: plan.tasks.count,
                                                list: plan.tasks.map { Listed(index: $0.index, seed: $0.seed, parameters: $0.label) })))
            return
        }
        print("\(plan.tasks.count) \(plan.command.rawValue) tasks")
        for t in plan.tasks { print("\(t.index)\tseed \(t.seed)\t\(t.label)") }
    }

    /// Every task's command line parsed and validated by its command before anything runs (in SWEEP.toml's
    /// folder, where the tasks run), so a bad option value is refused up front.
    static func checkTasks(_ plan: SweepPlan) throws {
        guard plan.command != .simulate else { return }   // specs are checked by SweepPlan
        let here = FileManager.default.currentDirectoryPath
        guard FileManager.default.changeCurrentDirectoryPath(plan.directory) else {
            throw SweepError.invalid(file: plan.file, detail: "cannot enter its folder '\(plan.directory)' to check the tasks")
        }
        defer { _ = FileManager.default.changeCurrentDirectoryPath(here) }
        for task in plan.tasks {
            let line = Array(plan.commandLine(for: task, folder: "sweep-check").dropFirst())
            do {
                switch plan.command {
                case .fit: _ = try Fit.parse(line)
                case .reservoir: _ = try ReservoirCommand.parse(line)
                case .simulate: break
                }
            } catch {
                let message = (plan.command == .fit ? Fit.message(for: error) : ReservoirCommand.message(for: error))
                    .split(separator: "\n").first.map(String.init) ?? "\(error)"
                throw SweepError.invalidTask(file: plan.file, task: task.index, parameters: task.label, detail: message)
            }
        }
    }

    /// The running binary (tasks run as its children).
    static func executable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// "0-3, 7, 9-10".
    static func ranges(_ indices: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        while i < indices.count {
            var j = i
            while j + 1 < indices.count && indices[j + 1] == indices[j] + 1 { j += 1 }
            parts.append(i == j ? "\(indices[i])" : "\(indices[i])-\(indices[j])")
            i = j + 1
        }
        return parts.joined(separator: ", ")
    }
}
