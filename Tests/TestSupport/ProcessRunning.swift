import Foundation

/// What a finished process left: exit status, stdout, stderr.
public struct ProcessResult {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// True when the process was ended by a signal (a crash, or SIGINT/SIGTERM); `status` is then the signal.
    public var signalled = false
    /// Non-empty lines of stderr.
    public var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }

    public init(status: Int32, stdout: String, stderr: String, signalled: Bool = false) {
        self.status = status; self.stdout = stdout; self.stderr = stderr; self.signalled = signalled
    }
}

/// Why a process could not be run to the end.
public enum ProcessRunError: Error, CustomStringConvertible {
    case timeout(command: String, seconds: Double)
    case scratch(path: String)
    public var description: String {
        switch self {
        case .scratch(let path): return "\(path).stdout/.stderr: cannot create the files for a command's output"
        case .timeout(let command, let seconds): return "\(command): still running after \(seconds) s (terminated)"
        }
    }
}

/// Runs `executable` with `arguments`, stdout and stderr collected through files (no pipe deadlock),
/// terminated after `timeout` seconds; `environment` adds to (or replaces) this process's variables.
public func runProcess(_ executable: String, _ arguments: [String], timeout: Double = 120,
                       currentDirectory: String? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
    let scratch = NSTemporaryDirectory() + "spinode-test-out-" + UUID().uuidString
    let outPath = scratch + ".stdout", errPath = scratch + ".stderr"
    guard FileManager.default.createFile(atPath: outPath, contents: nil),
          FileManager.default.createFile(atPath: errPath, contents: nil) else {
        throw ProcessRunError.scratch(path: scratch)
    }
    defer {
        try? FileManager.default.removeItem(atPath: outPath)
        try? FileManager.default.removeItem(atPath: errPath)
    }
    let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    process.standardOutput = outHandle
    process.standardError = errHandle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning {
        if Date() > deadline {
            // SIGTERM first (the command removes its temporaries), SIGKILL after 3 s if it does not stop.
            process.terminate()
            let grace = Date().addingTimeInterval(3)
            while process.isRunning && Date() < grace { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            throw ProcessRunError.timeout(command: ([executable] + arguments).joined(separator: " "), seconds: timeout)
        }
        usleep(2_000)
    }
    process.waitUntilExit()
    try outHandle.close()
    try errHandle.close()
    return ProcessResult(status: process.terminationStatus,
                         stdout: String(decoding: try Data(contentsOf: URL(fileURLWithPath: outPath)), as: UTF8.self),
                         stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: errPath)), as: UTF8.self),
                         signalled: process.terminationReason == .uncaughtSignal)
}

/// The repository root (for scripts/, Datasets/), found from this source file's path.
public func repositoryRoot() -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}
