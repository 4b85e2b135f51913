import Foundation
import XCTest

/// Every `spinode bench ... --json` says what it ran on (`MachineDescription`, key `machine`), and the text
/// output starts with the same in one line, so figures from different machines and builds are never
/// confused (issue 15).
final class BenchMachineTests: XCTestCase {
    /// /proc/cpuinfo's first value for `key`.
    func cpuinfo(_ key: String) throws -> String {
        let text = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.split(separator: ":").first?.trimmingCharacters(in: .whitespaces) == key })
        return String(line.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces)
    }

    /// The machine object is plausible: the CPU model is /proc/cpuinfo's, the build's vector extension is
    /// one the CPU has (a build for an extension the CPU lacks could not run at all), and the threads are
    /// the ones asked for.
    func checkMachine(_ any: Any?, threads: [Int], file: StaticString = #filePath, line: UInt = #line) throws {
        let m = try XCTUnwrap(any as? [String: Any], "no machine object", file: file, line: line)
        XCTAssertEqual(m["cpu_model"] as? String, try cpuinfo("model name"), file: file, line: line)
        let flags = Set(try cpuinfo("flags").split(separator: " ").map(String.init))
        let needs: [String: String] = ["AVX-512": "avx512f", "AVX2": "avx2", "AVX": "avx", "SSE2": "sse2"]
        let ext = try XCTUnwrap(m["vector_extension"] as? String, file: file, line: line)
        let flag = try XCTUnwrap(needs[ext], "vector_extension \(ext)", file: file, line: line)
        XCTAssertTrue(flags.contains(flag), "the build says \(ext) but the CPU has no \(flag)", file: file, line: line)
        if m["fma"] as? Bool == true { XCTAssertTrue(flags.contains("fma"), file: file, line: line) }
        XCTAssertEqual(m["cpu_flags"] as? [String], ["sse2", "avx", "avx2", "fma", "avx512f"].filter(flags.contains), file: file, line: line)
        XCTAssertEqual(m["logical_cores"] as? Int, ProcessInfo.processInfo.activeProcessorCount, file: file, line: line)
        XCTAssertEqual(m["threads"] as? [Int], threads, file: file, line: line)
    }

    func testDevicesBenchReportsTheMachine() throws {
        let args = ["bench", "devices", "--copies", "1", "--samples", "4", "--repeats", "1"]
        let json = try jsonObject(try runSpinode(args + ["--json"]).stdout)
        try checkMachine(json["machine"], threads: [1])
        XCTAssertEqual(json["benchmark"] as? String, "devices")
        XCTAssertEqual((json["results"] as? [Any])?.count, 5)
        let text = try runSpinode(args).stdout
        XCTAssertTrue(text.hasPrefix("machine: \(try cpuinfo("model name")), "), text)
    }

    func testSurrogateBenchReportsTheMachine() throws {
        let result = try runSpinode(["bench", "surrogate-rk4", "--samples", "1000", "--batch", "2", "--batched-steps", "100",
                                     "--reference-steps", "10", "--repeats", "1", "--json"])
        try checkMachine(try jsonObject(result.stdout)["machine"], threads: [1, 2])
    }
}
