import Devices
import Foundation
import SafeIO

/// Where each task of a sweep stands, read from its results folder without running or writing anything
/// (`spinode sweep --status`): finished (ok or failed, from status.json), running (a process holds the
/// task's lock, `SweepRun.start`, or the lock on its output; found in /proc/locks: the holder's pid, the
/// sweep or rank running the task), unfinished (started, no status, nobody running it: killed, to be
/// resumed), or waiting (not started); for a simulate task with a checkpoint, the simulated time it holds.
public struct SweepTaskProgress: Encodable, Equatable, Sendable {
    public var index: Int
    /// "ok", "failed", "running", "unfinished" or "waiting".
    public var state: String
    public var error: String?
    public var pid: Int?
    /// Simulated seconds reached by the task's checkpoint, and the spec's total (run stages), s.
    public var simulatedSeconds: Double?
    public var totalSeconds: Double?
    /// A running or unfinished task's last line in stderr.log (its progress: simulated time, ETA; or a
    /// fit's iteration) and how long ago the log was written, s.
    public var lastLogLine: String?
    public var logAgeSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case index, state, error, pid
        case simulatedSeconds = "simulated_s", totalSeconds = "total_s"
        case lastLogLine = "last_log_line", logAgeSeconds = "log_age_s"
    }

    /// The states of all tasks of `plan` in `results`.
    public static func read(plan: SweepPlan, results: String) -> [SweepTaskProgress] {
        plan.tasks.map { read(plan: plan, task: $0, results: results) }
    }

    static func read(plan: SweepPlan, task: SweepTask, results: String) -> SweepTaskProgress {
        let folder = results + "/tasks/" + task.folderName
        var p = SweepTaskProgress(index: task.index, state: "waiting")
        if let s = SweepTaskStatus.read(folder + "/" + SweepTask.statusFile) {
            p.state = s.status
            p.error = s.error
        } else if FileManager.default.fileExists(atPath: folder) {
            let holder = FileLock.holder(of: folder + "/" + SweepTask.statusFile)
                ?? FileLock.holder(of: folder + "/" + plan.mainOutput)
            p.state = holder == nil ? "unfinished" : "running"
            p.pid = holder.map(Int.init)
            (p.lastLogLine, p.logAgeSeconds) = lastLine(of: folder + "/" + SweepTask.stderrFile)
        }
        if plan.command == .simulate, p.state != "ok", p.state != "waiting",
           let spec = try? SimulationSpec(contentsOf: folder + "/spec.toml") {
            p.totalSeconds = spec.runDuration
            let runner = SimulationRunner(spec: spec)
            runner.checkpointPath = folder + "/" + SweepTask.traceFile + ".checkpoint"
            p.simulatedSeconds = runner.checkpointSimulatedTime()
        }
        return p
    }

    /// The last non-empty line of a log (read from its last 4 KiB) and the seconds since it was modified.
    static func lastLine(of path: String) -> (String?, Double?) {
        // Only a regular file is opened (a FIFO in its place would block the open).
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular,
              let handle = FileHandle(forReadingAtPath: path) else { return (nil, nil) }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return (nil, nil) }
        try? handle.seek(toOffset: size > 4096 ? size - 4096 : 0)
        let tail = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        let line = tail.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).last { !$0.allSatisfy(\.isWhitespace) }
        let modified = attributes[.modificationDate] as? Date
        return (line.map { String($0.prefix(300)) }, modified.map { max(0, Date().timeIntervalSince($0)) })
    }
}
