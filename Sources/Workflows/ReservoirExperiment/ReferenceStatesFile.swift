import Foundation
import Numerics
import TraceIO

/// The reference device's node states on a `reservoir --compare` segment, kept in an HDF5 file
/// (`--compare-states FILE.h5`) so that a slow reference (a micromagnetic device) is run once and every
/// later comparison against it, e.g. of several surrogates, reuses its states.
///
/// Layout (h5py: `f["sequence_0"][...]`):
/// - `/sequence_K`: float64, rows x nodes, the node states of input sequence K (device output units);
/// - root attributes: `format` = "spinode-reference-states", `version` = 1, `wall_seconds` (the
///   reference's measured wall time for all sequences, s), `sample_interval` (device sample interval,
///   s), `created` (UTC), `sequences`, and one string attribute `config_NAME` per entry of the
///   configuration: everything the states depend on (reference device and its file's SHA-256, task,
///   segment length, nodes, hold, mask, seed, scaling, noise, device options).
///
/// A file whose configuration differs from the command's is refused, naming the first entry that
/// differs, never silently reused.
public struct ReferenceStatesFile {
    public static let format = "spinode-reference-states"

    /// Node states per input sequence (rows x nodes).
    public var states: [Matrix]
    /// Measured wall time of the reference run that produced `states`, seconds.
    public var wallSeconds: Double
    /// Device sample interval, seconds.
    public var sampleInterval: Double
    /// When the states were recorded (UTC).
    public var created: String
    /// Everything the states depend on, as strings (compared exactly on reuse).
    public var configuration: [String: String]

    public init(states: [Matrix], wallSeconds: Double, sampleInterval: Double, created: String,
                configuration: [String: String]) {
        self.states = states; self.wallSeconds = wallSeconds; self.sampleInterval = sampleInterval
        self.created = created; self.configuration = configuration
    }

    /// Writes the file atomically (in memory, then a temporary sibling and a rename).
    public func write(to path: String) throws {
        try HDF5File.writeAtomically(path) { root in
            try root.setAttribute("format", Self.format)
            try root.setAttribute("version", 1)
            try root.setAttribute("wall_seconds", wallSeconds)
            try root.setAttribute("sample_interval", sampleInterval)
            try root.setAttribute("created", created)
            try root.setAttribute("sequences", states.count)
            for (key, value) in configuration { try root.setAttribute("config_" + key, value) }
            for (k, s) in states.enumerated() {
                _ = try root.createDataset("sequence_\(k)", shape: [s.rows, s.columns], values: s.storage)
            }
        }
    }

    /// Reads `path`, refusing a file of another format or recorded for another configuration.
    public static func read(_ path: String, expecting configuration: [String: String]) throws -> ReferenceStatesFile {
        let file = try HDF5File.open(path)
        let root = try file.root
        guard root.hasAttribute("format"), try root.stringAttribute("format") == format else {
            throw TraceIOError.wrongFormat(file: path, object: "/", detail: "not a reference-states file (no format = \"\(format)\" attribute)")
        }
        for key in configuration.keys.sorted() {
            let name = "config_" + key
            let stored = root.hasAttribute(name) ? try root.stringAttribute(name) : "(absent)"
            guard stored == configuration[key] else {
                throw TraceIOError.invalidValue(file: path, object: "/@" + name,
                                                detail: "recorded for \(key) = \(stored), this command has \(configuration[key]!); "
                                                    + "use another --compare-states file or remove this one")
            }
        }
        let count = try root.integerAttribute("sequences")
        var states: [Matrix] = []
        for k in 0..<count {
            let dataset = try root.dataset("sequence_\(k)")
            guard dataset.shape.count == 2 else {
                throw TraceIOError.wrongRank(file: path, object: "/sequence_\(k)", expected: "2 (rows x nodes)", found: dataset.shape.count)
            }
            states.append(Matrix(rows: dataset.shape[0], columns: dataset.shape[1], storage: try dataset.readDoubles()))
        }
        return ReferenceStatesFile(states: states, wallSeconds: try root.doubleAttribute("wall_seconds"),
                                   sampleInterval: try root.doubleAttribute("sample_interval"),
                                   created: try root.stringAttribute("created"), configuration: configuration)
    }

    /// The reference's states through the cache at `path`: read when that file exists (refused if recorded
    /// for another `configuration`), else produced by `run` and, when `path` is given, written there with
    /// the time `created` (UTC). `note` hears one line for a read and one for a write, naming `reference`.
    public static func cached(at path: String?, reference: String, configuration: [String: String],
                              created: @autoclosure () -> String,
                              note: (String) -> Void,
                              run: () throws -> DeviceComparison.TimedStates) throws -> DeviceComparison.TimedStates {
        if let path, FileManager.default.fileExists(atPath: path) {
            let file = try read(path, expecting: configuration)
            note("reference \(reference): node states read from \(path) (recorded \(file.created))")
            return .init(states: file.states, wallSeconds: file.wallSeconds, sampleInterval: file.sampleInterval,
                         reusedFrom: "\(path) (recorded \(file.created))")
        }
        let states = try run()
        if let path {
            try ReferenceStatesFile(states: states.states, wallSeconds: states.wallSeconds, sampleInterval: states.sampleInterval,
                                    created: created(), configuration: configuration).write(to: path)
            note("reference node states written to \(path)")
        }
        return states
    }
}
