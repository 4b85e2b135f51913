import CVectorExtension
import Foundation

/// What a benchmark ran on, reported by every `spinode bench ... --json` (key `machine`) and printed as
/// the first line of its text output, so figures from different machines and builds are never confused.
///
/// - `cpu_model`: /proc/cpuinfo "model name" (Linux; "unknown" elsewhere).
/// - `vector_extension`: the widest vector extension this build was compiled for, read at compile time
///   from Clang's predefined macros (`CVectorExtension`, preprocessed with this module's -target-cpu):
///   "AVX-512", "AVX2", "AVX", "SSE2" (x86-64 baseline) or "NEON". It is what the build used, not what
///   the CPU offers: a `-target-cpu x86-64-v3` build says "AVX2" on an AVX-512 machine.
/// - `fma`: whether the build used fused multiply-add instructions.
/// - `cpu_flags`: the CPU's own vector flags from /proc/cpuinfo (avx512f, avx2, fma, ...), for comparison.
/// - `logical_cores`: cores this process may use (`ProcessInfo.activeProcessorCount`).
/// - `threads`: the thread count(s) the benchmark used.
public struct MachineDescription: Codable, Sendable, Equatable {
    public var cpu_model: String
    public var vector_extension: String
    public var fma: Bool
    public var cpu_flags: [String]
    public var logical_cores: Int
    public var threads: [Int]

    /// This machine and build, for a benchmark that used `threads`.
    public init(threads: [Int]) {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        cpu_model = MachineDescription.field("model name", in: cpuinfo) ?? "unknown"
        let flags = Set((MachineDescription.field("flags", in: cpuinfo) ?? "").split(separator: " ").map(String.init))
        cpu_flags = ["sse2", "avx", "avx2", "fma", "avx512f"].filter { flags.contains($0) }
        vector_extension = MachineDescription.buildVectorExtension
        fma = SPINODE_TARGET_FMA != 0
        logical_cores = ProcessInfo.processInfo.activeProcessorCount
        self.threads = threads
    }

    /// The widest vector extension the compiler targeted for this module.
    public static var buildVectorExtension: String {
        // Widest first; a table rather than a chain of ifs on constants (which the compiler flags as dead code).
        let targeted: [(Int32, String)] = [(SPINODE_TARGET_AVX512F, "AVX-512"), (SPINODE_TARGET_AVX2, "AVX2"),
                                           (SPINODE_TARGET_AVX, "AVX"), (SPINODE_TARGET_NEON, "NEON")]
        #if arch(x86_64)
        let baseline = "SSE2"
        #else
        let baseline = "none"
        #endif
        return targeted.first { $0.0 != 0 }?.1 ?? baseline
    }

    /// One line for a text report: "machine: AMD EPYC, AVX-512 + FMA build, 2 cores, threads 1".
    public var header: String {
        "machine: \(cpu_model), \(vector_extension)\(fma ? " + FMA" : "") build, \(logical_cores) cores, "
            + "threads \(threads.map(String.init).joined(separator: ", "))"
    }

    /// The value of the first "key : value" line of /proc/cpuinfo.
    static func field(_ key: String, in cpuinfo: String) -> String? {
        for line in cpuinfo.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == key {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}

/// A benchmark result encoded with a `machine` key beside its own keys (one JSON object).
public struct MachineTagged<Result: Encodable>: Encodable {
    public var result: Result
    public var machine: MachineDescription
    public init(_ result: Result, machine: MachineDescription) { self.result = result; self.machine = machine }

    enum Key: String, CodingKey { case machine }
    public func encode(to encoder: Encoder) throws {
        try result.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(machine, forKey: .machine)
    }
}

/// The JSON of a benchmark with several result rows: `{"benchmark": NAME, "machine": {...}, "results": [...]}`.
public struct BenchmarkReport<Results: Encodable>: Encodable {
    public var benchmark: String
    public var machine: MachineDescription
    public var results: Results
    public init(benchmark: String, machine: MachineDescription, results: Results) {
        self.benchmark = benchmark; self.machine = machine; self.results = results
    }
}
