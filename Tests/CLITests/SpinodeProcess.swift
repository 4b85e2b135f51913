import Foundation
import XCTest

/// The built `spinode` executable. SwiftPM puts it in the products directory, which also holds the
/// test bundle (`.build/release/SpinODEPackageTests.xctest`), so it is looked for next to the bundle,
/// then in `.build/release` and `.build/debug` of the repository. Nil if it is genuinely absent.
let spinodeExecutable: String? = {
    var directories: [URL] = []
    for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
        directories.append(bundle.bundleURL.deletingLastPathComponent())
    }
    directories.append(Bundle.main.bundleURL)
    directories.append(Bundle.main.bundleURL.deletingLastPathComponent())
    let root = repositoryRoot()
    directories += [URL(fileURLWithPath: root + "/.build/release"), URL(fileURLWithPath: root + "/.build/debug")]
    for directory in directories {
        let path = directory.appendingPathComponent("spinode").path
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}()

/// The binary, or a skip when it was not built.
func spinode() throws -> String {
    guard let path = spinodeExecutable else { throw XCTSkip("spinode binary not found next to the test bundle") }
    return path
}

/// The repository root (for scripts/), from this source file's path.
func repositoryRoot() -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
    /// True when the process was ended by a signal (a crash, or SIGINT/SIGTERM); `status` is then the signal.
    var signalled = false
    /// Non-empty lines of stderr.
    var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
}

enum CLITestError: Error, CustomStringConvertible {
    case timeout(command: String, seconds: Double)
    case scratch(path: String)
    var description: String {
        switch self {
        case .scratch(let path): return "\(path).stdout/.stderr: cannot create the files for a command's output"
        case .timeout(let command, let seconds): return "\(command): still running after \(seconds) s (terminated)"
        }
    }
}

/// Runs `executable` with `arguments`, stdout and stderr collected through files (no pipe deadlock),
/// terminated after `timeout` seconds.
func runProcess(_ executable: String, _ arguments: [String], timeout: Double = 120) throws -> ProcessResult {
    let scratch = NSTemporaryDirectory() + "spinode-cli-out-" + UUID().uuidString
    let outPath = scratch + ".stdout", errPath = scratch + ".stderr"
    guard FileManager.default.createFile(atPath: outPath, contents: nil),
          FileManager.default.createFile(atPath: errPath, contents: nil) else {
        throw CLITestError.scratch(path: scratch)
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
            throw CLITestError.timeout(command: ([executable] + arguments).joined(separator: " "), seconds: timeout)
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

/// Runs `spinode` and fails the test (with its stderr) unless it exits 0.
@discardableResult
func runSpinode(_ arguments: [String], timeout: Double = 120, file: StaticString = #filePath, line: UInt = #line) throws -> ProcessResult {
    let result = try runProcess(try spinode(), arguments, timeout: timeout)
    XCTAssertEqual(result.status, 0, "spinode \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
    return result
}

/// A JSON object printed by a command, as Foundation values (NSNumber, String, arrays, dictionaries, NSNull).
///
/// Parsed with JSONDecoder, not JSONSerialization: on Linux (swift-corelibs-foundation, Swift 6.3)
/// JSONSerialization reads "0.8477658241021571" as 0.8477658241021576, a few ulp off, while
/// JSONDecoder (and Double(String)) round correctly; the tests compare some numbers exactly.
func jsonObject(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
    let value = try JSONDecoder().decode(JSONNode.self, from: Data(text.utf8)).foundation
    return try XCTUnwrap(value as? [String: Any], "not a JSON object: \(text)", file: file, line: line)
}

/// Any JSON value, decoded with correctly rounded numbers (integers stay integers).
enum JSONNode: Decodable {
    case null, bool(Bool), integer(Int), number(Double), string(String), array([JSONNode]), object([String: JSONNode])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .integer(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONNode].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONNode].self)) }
    }

    var foundation: Any {
        switch self {
        case .null: return NSNull()
        case .bool(let b): return b
        case .integer(let i): return NSNumber(value: i)
        case .number(let d): return NSNumber(value: d)
        case .string(let s): return s
        case .array(let a): return a.map(\.foundation)
        case .object(let o): return o.mapValues(\.foundation)
        }
    }
}

/// A number from JSON (integers and doubles both arrive as NSNumber).
func number(_ value: Any?, file: StaticString = #filePath, line: UInt = #line) throws -> Double {
    try XCTUnwrap((value as? NSNumber)?.doubleValue, "not a number: \(String(describing: value))", file: file, line: line)
}

/// A fresh temporary directory, removed by the test's teardown block.
func makeTemporaryDirectory(_ test: XCTestCase) throws -> String {
    let path = NSTemporaryDirectory() + "spinode-cli-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

/// Python 3 with the given modules importable ($SPINODE_PYTHON, else python3 on $PATH), or nil.
func python(with modules: [String]) -> String? {
    let environment = ProcessInfo.processInfo.environment
    var candidates: [String] = []
    if let chosen = environment["SPINODE_PYTHON"] { candidates.append(chosen) }
    candidates += (environment["PATH"] ?? "").split(separator: ":").map { $0 + "/python3" }
    candidates.append("/usr/bin/python3")
    let probe = (modules.map { "import \($0)" } + ["import sys", "print(sys.executable)"]).joined(separator: "; ")
    for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
        if let result = try? runProcess(candidate, ["-c", probe], timeout: 60), result.status == 0 {
            return candidate
        }
    }
    return nil
}
