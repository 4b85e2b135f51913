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
/// too unless `retryFailed`. Tasks run one at a time here (`runSerial`), one per call (`runSerial([i])`, a
/// Slurm array element), or spread over MPI ranks (`SweepMPI`).
///
/// The process that runs a task holds a lock on it (`FileLock` on its status.json) from before it touches
/// the task's folder until status.json is written. A second sweep started on the same results (a job
/// submitted twice, a rerun while the first still goes) skips a task another process runs, instead of
/// starting it again (which would fail on the running task's output lock, mark it failed and empty its
/// summary), and runs the others: two sweeps on one folder share its tasks.
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
        /// Tasks left to the other process that was running them when this run came to them.
        public var runningElsewhere = 0
        /// Indices of the tasks that failed in this run.
        public var failedTasks: [Int] = []
        public init() {}
        enum CodingKeys: String, CodingKey {
            case tasks, ok, failed, skipped, ranks
            case wallSeconds = "wall_seconds", failedTasks = "failed_tasks", runningElsewhere = "running_elsewhere"
        }
        mutating func record(_ s: SweepTaskStatus) {
            if s.isOK { ok += 1 } else { failed += 1; failedTasks.append(s.index) }
        }
        /// A task `SweepRun.start` did not start, counted by the reason it gave.
        public mutating func notRun(_ reason: SweepRun.NotStarted) {
            switch reason {
            case .runningElsewhere: runningElsewhere += 1
            case .finishedElsewhere: skipped += 1
            }
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

    /// The path whose `FileLock` the process running task `index` holds (the lock file is its hidden sibling).
    public func lockedPath(_ index: Int) -> String { statusPath(index) }

    /// Why `start` did not start a task: another process holds its lock and runs it now, or another
    /// process finished it since it was found pending (its status says so, and `needsRun` is false).
    /// The reason is decided where the lock was tried, not by reading the status again later: a task
    /// that failed elsewhere meanwhile would need a run again under `retryFailed` and so be miscounted.
    public enum NotStarted: Equatable, Sendable {
        case runningElsewhere
        case finishedElsewhere
    }

    /// What `start` did: the started task, or why not.
    public enum StartOutcome {
        case started(SweepTaskProcess)
        case notStarted(NotStarted)
    }

    /// Starts task `index` as a child process, holding the task's lock, or says why not (with a progress
    /// line when another process runs it).
    public func start(_ index: Int, rank: Int? = nil) throws -> StartOutcome {
        let task = plan.tasks[index]
        let folder = results + "/tasks/" + task.folderName
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let lock: FileLock
        do {
            lock = try FileLock.acquire(lockedPath(index))
        } catch SafeIOError.locked(_, let holder) {
            progress((rank.map { "rank \($0): " } ?? "") + "task \(index) (\(task.label)): running in another process"
                     + (holder.map { " (pid \($0))" } ?? "") + "; left to it")
            return .notStarted(.runningElsewhere)
        }
        guard needsRun(index) else { lock.release(); return .notStarted(.finishedElsewhere) }
        return .started(try SweepTaskProcess(plan: plan, task: task, results: results, executable: executable, lock: lock))
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
            let process: SweepTaskProcess
            switch try start(i) {
            case .started(let p): process = p
            case .notStarted(let reason): summary.notRun(reason); continue
            }
            let status = try process.finish()
            report(status, rank: nil)
            summary.record(status)
        }
        summary.wallSeconds = SweepRun.seconds(since: started)
        return summary
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
