import CProcessControl
import Foundation

/// A sweep task ends with the sweep that started it. `SweepTaskProcess` starts each task with
/// SPINODE_SWEEP_PARENT_PID set to the sweep's process id; the task (`bindToSweep()`, first thing in
/// `spinode`'s main) asks Linux to send it SIGTERM when that process ends (prctl(PR_SET_PDEATHSIG)),
/// however it ends: `kill PID`, `timeout`, SIGKILL, a crash. Without it a killed sweep left its running
/// task behind as an orphan that kept the task's output locked, so that a restarted sweep failed that
/// task. SIGTERM, not SIGKILL: the task removes its temporaries (`TemporaryFiles`); its last checkpoint
/// stays, and the restarted sweep resumes from it.
///
/// The variable is removed from the task's environment once read, so that processes the task starts in
/// turn (the HDF5 preflight) are not bound to the sweep.
public enum SweepParentWatch {
    public static let variable = "SPINODE_SWEEP_PARENT_PID"

    /// Binds this process to the sweep named by `variable`, if any. If the sweep has already ended (this
    /// process's parent is no longer it), this process ends at once with SIGTERM. Does nothing off Linux.
    public static func bindToSweep() {
        guard let text = getenv(variable).map({ String(cString: $0) }) else { return }
        unsetenv(variable)
        guard let sweep = Int32(text), sweep > 1 else { return }
        guard spinode_signal_on_parent_death(SIGTERM) == 0 else { return }
        if getppid() != sweep { kill(getpid(), SIGTERM) }
    }
}
