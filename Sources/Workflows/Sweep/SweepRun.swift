import Devices
import Foundation
import SafeIO

/// Runs a sweep's tasks into a results folder (docs/scaling.md):
///
///     RESULTS/sweep.toml                 copy of SWEEP.toml (a rerun with a different file is refused)
///     RESULTS/tasks/NNNNNN/status.json   written last: ok or failed (+ error), wall seconds, parameters
///     RESULTS/tasks/NNNNNN/summary.json  the command's --json summary (its stdout)
///     RESULTS/tasks/NNNNNN/stderr.log    its progress and error lines
///     RESULTS/tasks/NNNNNN/trace.h5 | model.h5 (+ spec.toml for simulate)
///     RESULTS/sweep.h5                   the gather (`SweepGather`)
///
/// A task whose status is ok is skipped (a killed sweep resumes where it stopped); a failed one is skipped
/// too unless `retryFailed`. Tasks run one at a time here (`runSerial`), one per call (`runOne`, a Slurm
/// array element), or spread over MPI ranks (`SweepMPI`).
public final class SweepRun {
    public let plan: SweepPlan
    public let results: String
    /// The binary the tasks run (the running `spinode`, /proc/self/exe).
    public let executable: String
    public var retryFailed = false
    /// Progress lines (stderr in the CLI).
    public var progress: (String) -> Void = { _ in }

    /// What a run did: tasks in scope, tasks run now that succeeded or failed, tasks skipped (already
    /// finished), and the wall time in seconds.
    public struct Summary: Encodable, Equatable, Sendable {
        public var tasks = 0
        public var ok = 0
        public var failed = 0
        public var skipped = 0
        public var wallSeconds = 0.0
        public var ranks = 1
        /// Indices of the tasks that failed in this run.
        public var failedTasks: [Int] = []
        enum CodingKeys: String, CodingKey {
            case tasks, ok, failed, skipped, ranks
            case wallSeconds = "wall_seconds", failedTasks = "failed_tasks"
        }
        mutating func record(_ s: SweepTaskStatus) {
            if s.isOK { ok += 1 } else { failed += 1; failedTasks.append(s.index) }
        }
    }

    /// - Parameter results: the results folder; a relative path is taken from the current directory (made
    ///   absolute here, since the tasks run in SWEEP.toml's folder).
    public init(plan: SweepPlan, results: String, executable: String) {
        self.plan = plan
        self.results = URL(fileURLWithPath: results).standardizedFileURL.path
        self.executable = executable
    }

    /// Creates RESULTS/ and RESULTS/tasks/, and records SWEEP.toml there; refuses a folder made by a
    /// different SWEEP.toml (its tasks would not match).
    public func prepareResults() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: results, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw SweepError.results(path: results, detail: "exists and is not a folder (--out names the results folder)")
        }
        do {
            try FileManager.default.createDirectory(atPath: results + "/tasks", withIntermediateDirectories: true)
        } catch {
            throw SweepError.results(path: results, detail: "cannot create the results folder: \(error.localizedDescription)")
        }
        let copy = results + "/sweep.toml"
        if let old = FileManager.default.contents(atPath: copy) {
            guard String(decoding: old, as: UTF8.self) == plan.text else {
                throw SweepError.results(path: results, detail: "holds the results of a different sweep file (its sweep.toml differs from \(plan.file)); use another --out")
            }
        } else {
            try AtomicFile.write(Data(plan.text.utf8), to: copy)
        }
    }

    public func statusPath(_ index: Int) -> String { results + "/tasks/" + String(format: "%06d", index) + "/status.json" }

    /// Whether task `index` is to run: no status yet, or failed and `retryFailed`.
    public func needsRun(_ index: Int) -> Bool {
        guard let s = SweepTaskStatus.read(statusPath(index)) else { return true }
        return !s.isOK && retryFailed
    }

    /// Starts task `index` as a child process.
    public func start(_ index: Int) throws -> SweepTaskProcess {
        try SweepTaskProcess(plan: plan, task: plan.tasks[index], results: results, executable: executable)
    }

    /// Runs task `index` to the end (its status written) and reports it.
    @discardableResult
    public func runOne(_ index: Int, rank: Int? = nil) throws -> SweepTaskStatus {
        let status = try start(index).finish()
        report(status, rank: rank)
        return status
    }

    func report(_ s: SweepTaskStatus, rank: Int?) {
        let who = rank.map { "rank \($0): " } ?? ""
        let task = plan.tasks[s.index]
        progress("\(who)task \(s.index) (\(task.label)): \(s.status) in \(String(format: "%.2f", s.wallSeconds)) s"
                 + (s.error.map { ": \($0)" } ?? ""))
    }

    /// Runs the given tasks (default all) one after another; finished tasks are skipped.
    public func runSerial(_ indices: [Int]? = nil) throws -> Summary {
        let started = ContinuousClock.now
        var summary = Summary()
        for i in indices ?? Array(plan.tasks.indices) {
            summary.tasks += 1
            guard needsRun(i) else { summary.skipped += 1; continue }
            summary.record(try runOne(i))
        }
        summary.wallSeconds = SweepRun.seconds(since: started)
        return summary
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
