import ArgumentParser
import Benchmarks
import Foundation
import Numerics
import TraceIO

/// `spinode bench traceio`: trace-file write and read rates, random window reads (what training
/// does), table import and SHA-256 throughput. Median of --repeats wall-clock timings.
struct BenchTraceIO: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traceio",
        abstract: "Trace file I/O: write, whole read, random 20-sample windows, mumax3 table import, SHA-256.",
        discussion: "Example: spinode bench traceio --samples 1000000 --json"
    )

    @Option(help: "Samples in the benchmark trace (1 input, 1 output channel).")
    var samples: Int = 1_000_000

    @Option(help: "Window length for the random-window benchmark, samples.")
    var window: Int = 20

    @Option(help: "Random windows per timing.")
    var windows: Int = 2000

    @Option(help: "Timings per measurement; the median is reported.")
    var repeats: Int = 5

    @Option(help: "Directory for the temporary files.")
    var directory: String = NSTemporaryDirectory()

    @Option(help: "Seed of the random data and windows.")
    var seed: UInt64 = 1

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard samples > window, window >= 1, windows >= 1, repeats >= 1 else {
            throw ValidationError("need samples > window >= 1, windows >= 1, repeats >= 1")
        }
    }

    private func median(_ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        return times.sorted()[times.count / 2]
    }

    func run() throws {
        var rng = SeededRandom(seed: seed)
        let n = samples
        let trace = Trace(name: "bench", sampling: .uniform(t0: 0, dt: 5e-12),
                          inputs: Matrix(rows: n, columns: 1) { _, _ in 8e5 + 1e5 * rng.normal() },
                          outputs: Matrix(rows: n, columns: 1) { i, _ in sin(Double(i) * 1e-3) + 1e-3 * rng.normal() })
        let path = directory + "/spinode-bench-\(getpid()).h5"
        let tablePath = directory + "/spinode-bench-\(getpid()).txt"
        defer { try? FileManager.default.removeItem(atPath: path); try? FileManager.default.removeItem(atPath: tablePath) }

        let write = try median { try TraceFile.write([trace], to: path) }
        let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let readWhole = try median { _ = try TraceFile.read(path, trace: "bench") }
        let file = try TraceFile(path: path)
        let starts = (0..<windows).map { _ in Int.random(in: 0...(n - window), using: &rng) }
        let readWindows = try median { for s in starts { _ = try file.window("bench", start: s, count: window) } }
        let hash = try median { _ = try SHA256.hexOfFile(path) }

        let rows = min(n, 100_000)
        var text = "# t (s)\tmx ()\tmy ()\tmz ()\tKu1.region100 (J/m3)\n"
        for i in 0..<rows { text += "\(Double(i) * 5e-12)\t0.1\t0.2\t\(trace.outputs[i, 0])\t\(trace.inputs[i, 0])\n" }
        try text.write(toFile: tablePath, atomically: true, encoding: .utf8)
        let importTable = try median {
            _ = try MumaxTable.read(tablePath).trace(time: "t", inputs: ["Ku1.region100"], outputs: ["mz"], options: .init(name: "t"))
        }
        let tableBytes = text.utf8.count

        let result: JSONValue = .object([
            ("samples", .integer(n)), ("file_bytes", .integer(bytes)),
            ("raw_float64_bytes", .integer(8 * 2 * n)), ("repeats", .integer(repeats)),
            ("write_s", .number(write)), ("write_samples_per_s", .number(Double(n) / write)),
            ("read_whole_s", .number(readWhole)), ("read_samples_per_s", .number(Double(n) / readWhole)),
            ("window_length", .integer(window)), ("windows", .integer(windows)),
            ("window_read_us", .number(readWindows / Double(windows) * 1e6)),
            ("sha256_mb_per_s", .number(Double(bytes) / hash / 1e6)),
            ("mumax_table_rows", .integer(rows)), ("mumax_import_s", .number(importTable)),
            ("mumax_import_mb_per_s", .number(Double(tableBytes) / importTable / 1e6)),
        ])
        let machine = MachineDescription(threads: [1])
        if json {
            guard case .object(let members) = result else { return }
            let m: JSONValue = .object([
                ("cpu_model", .string(machine.cpu_model)), ("vector_extension", .string(machine.vector_extension)),
                ("fma", .bool(machine.fma)), ("cpu_flags", .strings(machine.cpu_flags)),
                ("logical_cores", .integer(machine.logical_cores)), ("threads", .array(machine.threads.map { .integer($0) })),
            ])
            print(JSONValue.object(members + [("machine", m)]).rendered())
        } else {
            print(machine.header)
            print("trace of \(n) samples (1 input, 1 output): file \(bytes) bytes (raw Float64 \(16 * n)), median of \(repeats)")
            print(String(format: "  write       %.3f s  (%.3g samples/s)", write, Double(n) / write))
            print(String(format: "  read whole  %.3f s  (%.3g samples/s)", readWhole, Double(n) / readWhole))
            print(String(format: "  window of %d at random: %.1f us each (%d windows)", window, readWindows / Double(windows) * 1e6, windows))
            print(String(format: "  SHA-256     %.1f MB/s", Double(bytes) / hash / 1e6))
            print(String(format: "  mumax3 table import (%d rows, %.1f MB): %.3f s", rows, Double(tableBytes) / 1e6, importTable))
        }
    }
}
