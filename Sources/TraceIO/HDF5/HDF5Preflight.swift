import Foundation

/// Refuses an HDF5 file whose damaged metadata would crash libhdf5, before this process reads it.
///
/// libhdf5 1.10 trusts its on-disk structures: a flipped byte in a global-heap object size or an
/// attribute's dataspace message makes it read out of bounds and die by SIGSEGV, which no return code can
/// turn into an error. So the reading is tried first in a child process: `executable arguments... FILE`
/// (the CLI: its own binary, `/proc/self/exe check-hdf5 FILE`) runs `HDF5Walk` over the whole file,
/// printing each step before taking it, and exits 0 when the walk finished. A child killed by a signal
/// (or still running after `timeout`) means the file is corrupted: the refusal names the signal and the
/// last step the child announced ("libhdf5 crashed (SIGSEGV) while reading /provenance attribute 'trace_names'").
/// A child that exits with `memoryExitStatus` found an object whose damaged length made libhdf5 try to
/// allocate more than the child's address-space cap: refused too, as the command would allocate it.
///
/// Why a child process rather than `sigsetjmp` around the C calls: a jump out of libhdf5 leaves its
/// global lock (thread-safe build), its free lists and its open-object table in whatever state the crash
/// found them, and the next HDF5 call of the process may crash or deadlock; a dead child leaves nothing.
/// The cost is one process start and one read of the file's metadata (tens of ms), paid once per file
/// per process: results are kept by device, inode, size and modification time.
///
/// Library users enable it with `configure(executable:arguments:)` (any program that runs
/// `HDF5Walk.run` on its last argument and exits 0) or call `check(_:)` themselves; without a
/// configured checker `HDF5File.open` reads directly, as before.
public enum HDF5Preflight {
    /// How the child is started.
    public struct Checker: Sendable {
        public var executable: String
        public var arguments: [String]
        /// Longest a check may take, seconds; a walk still running then counts as a hang on a damaged file.
        public var timeout: Double
    }

    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var checker: Checker?
        var verified: [String: String?] = [:]  // file identity -> nil (sound) or the refusal detail
    }
    private static let state = State()

    /// Exit status of a checker whose walk found an object libhdf5 could not allocate under the checker's
    /// address-space cap (`HDF5Walk.limitAddressSpace`); its last stdout line says which.
    public static let memoryExitStatus: Int32 = 3

    /// Makes every `HDF5File.open` of this process check its file first in a child process running
    /// `executable arguments... FILE`.
    public static func configure(executable: String, arguments: [String], timeout: Double = 120) {
        state.lock.lock()
        state.checker = Checker(executable: executable, arguments: arguments, timeout: timeout)
        state.lock.unlock()
    }

    /// Stops checking (reads go straight to libhdf5).
    public static func disable() {
        state.lock.lock()
        state.checker = nil
        state.lock.unlock()
    }

    /// The configured checker, if any.
    public static var checker: Checker? {
        state.lock.lock()
        defer { state.lock.unlock() }
        return state.checker
    }

    /// Throws `TraceIOError.corrupted` when the configured checker dies or hangs on `path`; does nothing
    /// when no checker is configured, the file cannot be identified (the open then reports why) or the same
    /// file (device, inode, size, modification time) already passed in this process.
    public static func check(_ path: String) throws {
        guard let checker else { return }
        guard let identity = identity(of: path) else { return }
        state.lock.lock()
        let known = state.verified[identity]
        state.lock.unlock()
        if let known {
            if let detail = known { throw TraceIOError.corrupted(file: path, detail: detail) }
            return
        }
        let detail = try run(checker, on: path)
        state.lock.lock()
        state.verified[identity] = .some(detail)
        state.lock.unlock()
        if let detail { throw TraceIOError.corrupted(file: path, detail: detail) }
    }

    /// "dev:inode:size:mtime" of a regular file, or nil.
    static func identity(of path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return "\(info.st_dev):\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }

    /// Runs the child; nil when it finished its walk, else why the file is refused.
    static func run(_ checker: Checker, on path: String) throws -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: checker.executable)
        process.arguments = checker.arguments + [path]
        let steps = Pipe()
        process.standardOutput = steps
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        // A crash is the expected outcome on a damaged file: no crash report from the Swift runtime.
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        do { try process.run() } catch {
            throw TraceIOError.io(file: path, detail: "cannot start the HDF5 check \(checker.executable): \(error.localizedDescription)")
        }
        let timedOut = TimeoutFlag()
        let deadline = DispatchWorkItem { [process] in
            if process.isRunning {
                timedOut.set()
                kill(process.processIdentifier, SIGKILL)
            }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + checker.timeout, execute: deadline)
        let output = steps.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        deadline.cancel()
        let lastStep = String(decoding: output, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? "opening the file"
        if timedOut.isSet {
            return "reading did not finish within \(Int(checker.timeout)) s (stuck while \(lastStep))"
        }
        if process.terminationReason == .uncaughtSignal {
            let signal = process.terminationStatus
            let name = signal == SIGSEGV ? "SIGSEGV" : signal == SIGBUS ? "SIGBUS" : signal == SIGABRT ? "SIGABRT" : "signal \(signal)"
            return "libhdf5 crashed (\(name)) while \(lastStep)"
        }
        if process.terminationStatus == memoryExitStatus {
            return lastStep
        }
        if process.terminationStatus != 0 {
            return "the check failed while \(lastStep) (exit status \(process.terminationStatus))"
        }
        return nil
    }

    private final class TimeoutFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.lock(); value = true; lock.unlock() }
        var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    }
}
