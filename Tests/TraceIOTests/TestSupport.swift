import Foundation
import TraceIO
import XCTest

/// A fresh temporary directory, removed by the test's teardown block.
func makeTemporaryDirectory(_ test: XCTestCase) throws -> String {
    let path = NSTemporaryDirectory() + "spinode-traceio-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

/// Asserts that `body` throws a `TraceIOError` of `kind` whose one-line message names `file`
/// and (when given) `object`.
func assertTraceIOError(_ kind: TraceIOError.Kind, file: String, object: String?, _ body: () throws -> Void,
                        sourceFile: StaticString = #filePath, line: UInt = #line) {
    do {
        try body()
        XCTFail("expected \(kind) error, nothing thrown", file: sourceFile, line: line)
    } catch let error as TraceIOError {
        XCTAssertEqual(error.kind, kind, "\(error)", file: sourceFile, line: line)
        XCTAssertTrue(error.description.contains(file), "message does not name file: \(error)", file: sourceFile, line: line)
        if let object {
            XCTAssertTrue(error.description.contains(object), "message does not name \(object): \(error)",
                          file: sourceFile, line: line)
        }
        XCTAssertFalse(error.description.contains("\n"), "message is not one line: \(error)", file: sourceFile, line: line)
    } catch {
        XCTFail("expected TraceIOError.\(kind), got \(error)", file: sourceFile, line: line)
    }
}

/// Python 3 with the given modules importable, or nil: `$SPINODE_PYTHON`, then each `python3`
/// on `$PATH`, then /usr/bin/python3. Returns the interpreter's real path (`sys.executable`, so
/// version-manager shims are run only once); results are cached per module list.
func python(with modules: [String]) -> String? {
    let key = modules.joined(separator: ",")
    if let cached = PythonCache.shared.value(key) { return cached }
    let environment = ProcessInfo.processInfo.environment
    var candidates: [String] = []
    if let chosen = environment["SPINODE_PYTHON"] { candidates.append(chosen) }
    candidates += (environment["PATH"] ?? "").split(separator: ":").map { $0 + "/python3" }
    candidates.append("/usr/bin/python3")
    let probe = (modules.map { "import \($0)" } + ["import sys", "print(sys.executable)"]).joined(separator: "; ")
    var found: String?
    for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
        if let result = try? runProcess(candidate, ["-c", probe]), result.status == 0 {
            let executable = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            found = FileManager.default.isExecutableFile(atPath: executable) ? executable : candidate
            break
        }
    }
    PythonCache.shared.store(key, found)
    return found
}

final class PythonCache: @unchecked Sendable {
    static let shared = PythonCache()
    private var values: [String: String?] = [:]
    private let lock = NSLock()
    func value(_ key: String) -> String?? { lock.lock(); defer { lock.unlock() }; return values[key] }
    func store(_ key: String, _ value: String?) { lock.lock(); values[key] = value; lock.unlock() }
}

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs an executable and collects its output.
func runProcess(_ executable: String, _ arguments: [String]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}

/// Runs a Python script (source text) with arguments; fails the test on a non-zero exit.
@discardableResult
func runPython(_ python: String, _ script: String, _ arguments: [String] = [], sourceFile: StaticString = #filePath,
               line: UInt = #line) throws -> String {
    let result = try runProcess(python, ["-c", script] + arguments)
    XCTAssertEqual(result.status, 0, "python failed: \(result.stderr)", file: sourceFile, line: line)
    return result.stdout
}

/// The repository root (for scripts/), found from this source file's path.
func repositoryRoot() -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}

/// Python's `float.hex()` text of a Double ("0x1.8000000000000p+1"), for bit-exact comparisons.
func pythonHex(_ v: Double) -> String {
    if v == 0 { return v.sign == .minus ? "-0x0.0p+0" : "0x0.0p+0" }
    if v.isSubnormal { return "subnormal" }
    let mantissa = String(v.significandBitPattern, radix: 16)
    let padded = String(repeating: "0", count: 13 - mantissa.count) + mantissa
    return (v < 0 ? "-" : "") + "0x1.\(padded)p\(v.exponent >= 0 ? "+" : "")\(v.exponent)"
}
