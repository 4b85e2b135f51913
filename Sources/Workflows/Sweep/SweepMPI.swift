import Foundation
import MessagePassing

/// A sweep spread over the ranks of `mpirun -n N spinode sweep ...` with dynamic load balancing: rank 0
/// hands out the next task index to whichever rank asks (MPI_Send/MPI_Recv of one integer), so long and
/// short tasks mix without idle ranks. Rank 0 works too: it runs its own task as a child process and, while
/// that runs, polls (MPI_Iprobe, every 2 ms, less often after long quiet: `SweepTaskProcess.pollMicroseconds`) for requests, so N ranks run N tasks at a time.
///
/// Protocol (tag 1, worker to rank 0): the index of the task the worker just finished, -1 on its first
/// request, or a negative code <= -2 when it did not run task i (`SweepRun.start`): -2 - 2i when another
/// process held the task's lock, -3 - 2i when another process had finished it (`notStartedCode`).
/// Reply (tag 2): the next task index, or -1 when none is left (the worker then stops). Every
/// task's results are files written by the task itself (status.json last), so a rank that dies loses only
/// the task it was running; rerunning the sweep runs that task again. Rank 0 returns once every worker has
/// been told to stop and its own task has finished; the caller then gathers on rank 0.
public enum SweepMPI {
    static let requestTag = 1
    static let replyTag = 2

    /// The request code for task `index` not started for `reason`, and back.
    public static func notStartedCode(_ index: Int, _ reason: SweepRun.NotStarted) -> Int {
        -2 - 2 * index - (reason == .finishedElsewhere ? 1 : 0)
    }
    public static func notStarted(code: Int) -> (index: Int, reason: SweepRun.NotStarted) {
        let k = -2 - code
        return (k / 2, k % 2 == 1 ? .finishedElsewhere : .runningElsewhere)
    }

    /// Runs the sweep's pending tasks over the world's ranks; returns rank 0's summary of the whole run
    /// (workers return their own counts).
    public static func run(_ sweep: SweepRun, world: MPIWorld) throws -> SweepRun.Summary {
        let started = ContinuousClock.now
        var summary = SweepRun.Summary()
        summary.ranks = world.size
        if world.rank == 0 {
            // Rank 0 decides what is pending, once, before handing anything out.
            var pending: [Int] = []
            for i in sweep.plan.tasks.indices {
                summary.tasks += 1
                if sweep.needsRun(i) { pending.append(i) } else { summary.skipped += 1 }
            }
            var next = pending.makeIterator()
            var activeWorkers = world.size - 1
            // Rank 0's next task of its own: tasks another process runs are passed over.
            func startOwn() throws -> SweepTaskProcess? {
                while let i = next.next() {
                    switch try sweep.start(i, rank: 0) {
                    case .started(let process): return process
                    case .notStarted(let reason): summary.notRun(reason)
                    }
                }
                return nil
            }
            var own = try startOwn()
            var lastEvent = ContinuousClock.now
            while activeWorkers > 0 || own != nil {
                var handled = false
                while try world.messageWaiting() {
                    let (finished, source, _) = try world.receive(tag: requestTag)
                    if finished >= 0, let s = SweepTaskStatus.read(sweep.statusPath(finished)) {
                        sweep.report(s, rank: source)
                        summary.record(s)
                    } else if finished <= -2 {
                        summary.notRun(notStarted(code: finished).reason)
                    }
                    let task = next.next() ?? -1
                    try world.send(task, to: source, tag: replyTag)
                    if task < 0 { activeWorkers -= 1 }
                    handled = true
                }
                if let running = own, !running.isRunning {
                    let s = try running.finish()
                    sweep.report(s, rank: 0)
                    summary.record(s)
                    own = try startOwn()
                    handled = true
                }
                if handled { lastEvent = ContinuousClock.now } else {
                    usleep(SweepTaskProcess.pollMicroseconds(idleSeconds: SweepRun.seconds(since: lastEvent)))
                }
            }
        } else {
            var finished = -1
            while true {
                try world.send(finished, to: 0, tag: requestTag)
                let (task, _, _) = try world.receive(from: 0, tag: replyTag)
                if task < 0 { break }
                switch try sweep.start(task, rank: world.rank) {
                case .started(let process):
                    summary.record(try process.finish())
                    finished = task
                case .notStarted(let reason):
                    summary.notRun(reason)
                    finished = notStartedCode(task, reason)
                }
            }
        }
        summary.wallSeconds = SweepRun.seconds(since: started)
        return summary
    }
}
