import Foundation
@_exported import TestSupport
import TraceIO
import XCTest

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

/// Runs a Python script (source text) with arguments; fails the test on a non-zero exit.
@discardableResult
func runPython(_ python: String, _ script: String, _ arguments: [String] = [], sourceFile: StaticString = #filePath,
               line: UInt = #line) throws -> String {
    let result = try runProcess(python, ["-c", script] + arguments)
    XCTAssertEqual(result.status, 0, "python failed: \(result.stderr)", file: sourceFile, line: line)
    return result.stdout
}

/// Python's `float.hex()` text of a Double ("0x1.8000000000000p+1"), for bit-exact comparisons.
func pythonHex(_ v: Double) -> String {
    if v == 0 { return v.sign == .minus ? "-0x0.0p+0" : "0x0.0p+0" }
    if v.isSubnormal { return "subnormal" }
    let mantissa = String(v.significandBitPattern, radix: 16)
    let padded = String(repeating: "0", count: 13 - mantissa.count) + mantissa
    return (v < 0 ? "-" : "") + "0x1.\(padded)p\(v.exponent >= 0 ? "+" : "")\(v.exponent)"
}
