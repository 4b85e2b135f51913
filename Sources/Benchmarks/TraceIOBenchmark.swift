import Foundation
import Numerics
import TraceIO

/// Trace file I/O: writing and reading a whole trace, reading random windows (what training does), a
/// mumax3 table import and SHA-256 throughput, each the median of `repeats` wall-clock timings. The files
/// are written in `directory` and removed afterwards.
public struct TraceIOBenchmark: Sendable {
    /// Samples in the benchmark trace (1 input, 1 output channel), window length and windows per timing.
    public var samples: Int
    public var window: Int
    public var windows: Int
    public var repeats: Int
    public var directory: String
    /// Seed of the random data and windows.
    public var seed: UInt64

    public init(samples: Int = 1_000_000, window: Int = 20, windows: Int = 2000, repeats: Int = 5,
                directory: String = NSTemporaryDirectory(), seed: UInt64 = 1) {
        self.samples = samples; self.window = window; self.windows = windows; self.repeats = repeats
        self.directory = directory; self.seed = seed
    }

    /// Sizes (bytes, samples) and timings: `_s` in seconds, `_us` in microseconds, rates per second.
    public struct Result: Encodable, Sendable {
        public var samples: Int
        public var file_bytes: Int
        public var raw_float64_bytes: Int
        public var repeats: Int
        public var write_s: Double
        public var write_samples_per_s: Double
        public var read_whole_s: Double
        public var read_samples_per_s: Double
        public var window_length: Int
        public var windows: Int
        public var window_read_us: Double
        public var sha256_mb_per_s: Double
        public var mumax_table_rows: Int
        public var mumax_import_s: Double
        public var mumax_import_mb_per_s: Double
        /// Size of the mumax3 table text, bytes (for the table; not in the JSON).
        public var mumax_table_bytes: Int

        enum CodingKeys: String, CodingKey {
            case samples, file_bytes, raw_float64_bytes, repeats, write_s, write_samples_per_s, read_whole_s
            case read_samples_per_s, window_length, windows, window_read_us, sha256_mb_per_s, mumax_table_rows
            case mumax_import_s, mumax_import_mb_per_s
        }
    }

    public func run() throws -> Result {
        var rng = SeededRandom(seed: seed)
        let n = samples
        let trace = Trace(name: "bench", sampling: .uniform(t0: 0, dt: 5e-12),
                          inputs: Matrix(rows: n, columns: 1) { _, _ in 8e5 + 1e5 * rng.normal() },
                          outputs: Matrix(rows: n, columns: 1) { i, _ in sin(Double(i) * 1e-3) + 1e-3 * rng.normal() })
        let path = directory + "/spinode-bench-\(getpid()).h5"
        let tablePath = directory + "/spinode-bench-\(getpid()).txt"
        defer { try? FileManager.default.removeItem(atPath: path); try? FileManager.default.removeItem(atPath: tablePath) }
        func median(_ body: () throws -> Void) throws -> Double { try Stopwatch.medianSeconds(repeats: repeats, body) }

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
        return Result(samples: n, file_bytes: bytes, raw_float64_bytes: 8 * 2 * n, repeats: repeats, write_s: write,
                      write_samples_per_s: Double(n) / write, read_whole_s: readWhole, read_samples_per_s: Double(n) / readWhole,
                      window_length: window, windows: windows, window_read_us: readWindows / Double(windows) * 1e6,
                      sha256_mb_per_s: Double(bytes) / hash / 1e6, mumax_table_rows: rows, mumax_import_s: importTable,
                      mumax_import_mb_per_s: Double(tableBytes) / importTable / 1e6, mumax_table_bytes: tableBytes)
    }
}
