import Devices
import Foundation
import TraceIO

/// What a finished task leaves in RESULTS/tasks/NNNNNN/status.json, written atomically and last (so a
/// status file means the task's other files are complete): `{"index", "status": "ok"|"failed", "error",
/// "exit_code", "wall_seconds" (s), "seed", "command", "parameters", "output"}`.
public struct SweepTaskStatus: Decodable, Equatable, Sendable {
    public var index: Int
    public var status: String
    public var error: String?
    public var exitCode: Int?
    public var wallSeconds: Double
    public var seed: UInt64
    /// The task's main output relative to the results folder.
    public var output: String?

    public var isOK: Bool { status == "ok" }

    enum CodingKeys: String, CodingKey {
        case index, status, error, seed, output
        case exitCode = "exit_code", wallSeconds = "wall_seconds"
    }

    public init(index: Int, status: String, error: String?, exitCode: Int?, wallSeconds: Double, seed: UInt64, output: String?) {
        self.index = index; self.status = status; self.error = error; self.exitCode = exitCode
        self.wallSeconds = wallSeconds; self.seed = seed; self.output = output
    }

    /// Reads a status file; nil when there is none or it cannot be read (then the task counts as not run).
    public static func read(_ path: String) -> SweepTaskStatus? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(SweepTaskStatus.self, from: data)
    }

    /// Writes the status with the task's command line and parameters, atomically.
    func write(to path: String, commandLine: [String], parameters: [SweepParameter]) throws {
        let fields: [(String, JSONValue)] = [
            ("index", .integer(index)), ("status", .string(status)), ("error", error.map { .string($0) } ?? .null),
            ("exit_code", exitCode.map { .integer($0) } ?? .null), ("wall_seconds", .number(wallSeconds)),
            ("seed", .integer(Int(seed))), ("command", .strings(commandLine)),
            ("parameters", .object(parameters.map { ($0.key, $0.value.json) })),
            ("output", output.map { .string($0) } ?? .null),
        ]
        try AtomicFile.write(Data((JSONValue.object(fields).rendered() + "\n").utf8), to: path)
    }
}

extension SpecValue {
    /// The value as JSON (tables as objects).
    var json: JSONValue {
        switch self {
        case let .string(s): return .string(s)
        case let .integer(i): return .integer(i)
        case let .double(d): return .number(d)
        case let .bool(b): return .bool(b)
        case let .array(a): return .array(a.map(\.json))
        case let .table(t): return .object(t.map { ($0.0, $0.1.json) })
        }
    }
}
