import Devices
import Foundation
import SafeIO

/// One task run as a child process of the same binary (`EXECUTABLE <command> ...`), so that a crash, a
/// divergence or a bad parameter stays inside that task. The child writes into RESULTS/tasks/NNNNNN/:
/// its output (trace.h5 or model.h5), its `--json` summary (stdout, summary.json), its log (stderr,
/// stderr.log); `finish()` then writes status.json atomically, last.
public final class SweepTaskProcess {
    public let task: SweepTask
    public let folder: String
    let plan: SweepPlan
    let commandLine: [String]
    private let process = Process()
    private let started = ContinuousClock.now
    /// Where this run's lines start in stderr.log (after a resumed task's earlier lines), bytes.
    private var logStart: UInt64 = 0
    /// The task's lock (`SweepRun.start`), held until status.json is written.
    private let lock: FileLock

    /// Prepares the folder (the task's spec for simulate), removes an earlier status and starts the child.
    /// A simulate task whose checkpoint exists continues from it (`--resume`). `lock` is the task's lock,
    /// taken by the caller before anything in the folder is touched; released by `finish()`.
    init(plan: SweepPlan, task: SweepTask, results: String, executable: String, lock: FileLock) throws {
        self.plan = plan
        self.task = task
        self.lock = lock
        folder = results + "/tasks/" + task.folderName   // made by `SweepRun.start`, before it took the lock
        try? FileManager.default.removeItem(atPath: folder + "/" + SweepTask.statusFile)
        var line = plan.commandLine(for: task, folder: folder)
        var resumes = false
        if plan.command == .simulate {
            let specPath = folder + "/spec.toml"
            try AtomicFile.write(Data(try plan.specText(for: task, at: specPath).utf8), to: specPath)
            resumes = FileManager.default.fileExists(atPath: folder + "/" + SweepTask.traceFile + ".checkpoint")
            if resumes { line.append("--resume") }
        }
        commandLine = line
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = line
        process.currentDirectoryURL = URL(fileURLWithPath: plan.directory)
        process.environment = SweepTaskProcess.environment()
        // A resumed task's log continues the earlier runs' log; otherwise both files start empty.
        let logPath = folder + "/" + SweepTask.stderrFile
        for path in [folder + "/" + SweepTask.summaryFile, logPath]
        where !(resumes && path == logPath && FileManager.default.fileExists(atPath: path))
            && !FileManager.default.createFile(atPath: path, contents: nil) {
            throw SweepError.results(path: path, detail: "cannot create the task's output file")
        }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/" + SweepTask.summaryFile))
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        logStart = try log.seekToEnd()
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// The child's environment: this process's, with OPENBLAS_NUM_THREADS=1 unless it is set. OpenBLAS
    /// otherwise takes one thread per core it may use, which differs between a serial run and an MPI rank
    /// bound to one core, and a different thread count sums in a different order: results would differ in
    /// the last bits with the way the sweep was run. (`fit --threads` still sets its own count.) Open MPI's
    /// and PMIx's variables are left out: a task is one process of its own, and `spinode fit` started
    /// with them would take itself for a rank of a data-parallel fit. SPINODE_SWEEP_PARENT_PID names this
    /// process, so that the task ends with it (`SweepParentWatch`).
    static func environment() -> [String: String] {
        var e = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("OMPI_") && !$0.key.hasPrefix("PMIX_") }
        if e["OPENBLAS_NUM_THREADS"] == nil { e["OPENBLAS_NUM_THREADS"] = "1" }
        e[SweepParentWatch.variable] = String(getpid())
        return e
    }

    public var isRunning: Bool { process.isRunning }

    /// How often a rank or a serial sweep checks on its child and (rank 0) on requests, microseconds,
    /// after `idleSeconds` without an event (a task started or finished, a request served): 2 ms for the
    /// first 2 s, then a thousandth of the idle time, at most 100 ms. A short task ends at most 2 ms late,
    /// as hundreds of sub-second tasks need; a task of hours is not woken 500 times a second (each wake-up
    /// takes the core from the simulation beside it: about 2 % of a core per rank), and ends at most 0.1 %
    /// of its time late.
    public static func pollMicroseconds(idleSeconds: Double) -> UInt32 {
        UInt32(min(100_000, max(2_000, (idleSeconds * 1_000).rounded())))
    }

    /// Waits for the child, writes status.json (atomically, last) and returns the status.
    @discardableResult
    public func finish() throws -> SweepTaskStatus {
        // Polled rather than `waitUntilExit()`, whose run loop spins at full CPU inside an MPI rank (Open MPI's
        // signal and event handling), taking a core from the task.
        while process.isRunning { usleep(SweepTaskProcess.pollMicroseconds(idleSeconds: SweepRun.seconds(since: started))) }
        let elapsed = ContinuousClock.now - started
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let exited = process.terminationReason == .exit
        let code = Int(process.terminationStatus)
        let ok = exited && code == 0
        var error: String?
        if !ok {
            let whole = FileManager.default.contents(atPath: folder + "/" + SweepTask.stderrFile) ?? Data()
            let log = String(decoding: whole.dropFirst(Int(min(logStart, UInt64(whole.count)))), as: UTF8.self)
            let lines = log.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let line = lines.last { $0.hasPrefix("Error:") } ?? lines.last
            let cause = exited ? "exit status \(code)" : "killed by signal \(code)"
            error = line.map { String($0.prefix(1000)) + " (\(cause))" } ?? cause
        }
        let status = SweepTaskStatus(index: task.index, status: ok ? "ok" : "failed", error: error, exitCode: exited ? code : nil,
                                     wallSeconds: wall, seed: task.seed,
                                     output: ok ? "tasks/\(task.folderName)/\(plan.mainOutput)" : nil)
        try status.write(to: folder + "/" + SweepTask.statusFile, commandLine: commandLine, parameters: task.parameters)
        lock.release()
        return status
    }
}
