import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The temporaries and lock files this process has open, removed when it ends: at a normal exit
/// (`atexit`, which an error exit of the command-line tool also runs) and on SIGINT, SIGTERM and SIGHUP.
/// A process that is killed outright (SIGKILL, a crash) cannot clean up; its temporaries carry its pid
/// in their names (`.NAME.spinode-tmp-PID-TOKEN`) so that the next write to the same folder removes those
/// of processes that no longer run (`removeStale(near:)`).
public enum TemporaryFiles {
    /// The marker in every temporary's name.
    public static let marker = ".spinode-tmp-"

    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths = Set<String>()
    nonisolated(unsafe) private static var installed = false
    nonisolated(unsafe) private static var terminating = false
    nonisolated(unsafe) private static var signalSources: [DispatchSourceSignal] = []

    /// A fresh temporary path beside `path` (same folder, so a rename is atomic), registered for removal.
    public static func sibling(of path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let token = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let temporary = url.deletingLastPathComponent().path + "/." + url.lastPathComponent + marker + "\(getpid())-" + token
        register(temporary)
        return temporary
    }

    /// Registers `path` for removal when the process ends.
    /// Once a terminating signal arrived, the calling thread waits here for the process to end instead
    /// of registering (and then creating) a temporary that the signal handler would no longer remove.
    public static func register(_ path: String) {
        installHandlers()
        lock.lock()
        if terminating {
            lock.unlock()
            while true { pause() }
        }
        paths.insert(path)
        lock.unlock()
    }

    /// Once a terminating signal arrived, blocks the calling thread until the signal ends the process;
    /// otherwise returns at once. A write that failed because the handler removed its temporary calls
    /// this before reporting, so that an interrupted run ends by its signal and not by a bogus error.
    public static func awaitSignalIfTerminating() {
        lock.lock()
        let signalled = terminating
        lock.unlock()
        if signalled { while true { pause() } }
    }

    /// Forgets `path` (it was renamed into place or removed).
    public static func forget(_ path: String) {
        lock.lock(); paths.remove(path); lock.unlock()
    }

    /// Removes every registered path now.
    public static func removeAll() {
        lock.lock(); let all = paths; paths.removeAll(); lock.unlock()
        for p in all { unlink(p) }
    }

    /// On a terminating signal: stops new registrations, removes every registered path, then removes them
    /// once more after a short pause, because a thread may have registered a path just before the signal
    /// and created the file just after the first removal.
    private static func removeAllForSignal() {
        lock.lock(); terminating = true; let all = paths; paths.removeAll(); lock.unlock()
        for p in all { unlink(p) }
        usleep(50_000)
        for p in all { unlink(p) }
    }

    /// Removes temporaries of `path` (same folder and name) left by processes that no longer run.
    /// Returns the paths removed.
    @discardableResult
    public static func removeStale(near path: String) -> [String] {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let prefix = "." + url.lastPathComponent + marker
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]) else { continue }
            if pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH { continue }
            let stale = folder + "/" + name
            if unlink(stale) == 0 { removed.append(stale) }
        }
        return removed
    }

    /// Installs the exit and signal handlers once.
    private static func installHandlers() {
        lock.lock(); defer { lock.unlock() }
        guard !installed else { return }
        installed = true
        atexit { TemporaryFiles.removeAll() }
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                TemporaryFiles.removeAllForSignal()
                signal(sig, SIG_DFL)
                kill(getpid(), sig)
            }
            source.resume()
            signalSources.append(source)
        }
    }
}
