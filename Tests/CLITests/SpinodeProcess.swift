import Foundation
@_exported import TestSupport
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

/// The process runner's errors (TestSupport), under the name the CLI tests use.
typealias CLITestError = ProcessRunError

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
