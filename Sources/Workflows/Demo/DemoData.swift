import Foundation
import TraceIO

/// The bundled files the demo runs on, found under one folder (the package root, or `--data DIR`):
///
///     Datasets/skyrmion-disk.h5             traces 'train' (first 50 ns) and 'test' (the rest), 5 ps samples,
///                                           input deltaKu1 (J/m^3), output mz
///     Datasets/specs/skyrmion-disk.toml     spec of the micromagnetic reference that produced them
///     Models/skyrmion-disk.h5               surrogate trained on 'train' (docs/model-file.md)
///     Models/skyrmion-disk-reservoir.h5     optional: surrogate for the reservoir drive (else the one above)
///     Datasets/skyrmion-disk-heldout.h5     optional: 'train' and held-out traces 'test-seed*' of other drive
///                                           realisations where the skyrmion lives (the headline prediction;
///                                           else 'test' of skyrmion-disk.h5)
///     Models/skyrmion-disk-ensemble.h5      optional: ensemble of fits on 'train' with a trust calibration
///                                           (the trust flag on 'test', where the skyrmion is annihilated)
public struct DemoData {
    public var root: String
    public var traces: String
    public var spec: String
    public var model: String
    public var reservoirModel: String
    /// scripts/plot.py of the package the executable belongs to (nil if not found).
    public var plotScript: String?
    /// The held-out file and the ensemble model, when present.
    public var heldOut: String?
    public var ensembleModel: String?
    /// The uniform-state model of part (g), when present.
    public var uniformModel: String?

    public static let tracesPath = "Datasets/skyrmion-disk.h5"
    public static let specPath = "Datasets/specs/skyrmion-disk.toml"
    public static let modelPath = "Models/skyrmion-disk.h5"
    public static let reservoirModelPath = "Models/skyrmion-disk-reservoir.h5"
    public static let heldOutPath = "Datasets/skyrmion-disk-heldout.h5"
    public static let ensembleModelPath = "Models/skyrmion-disk-ensemble.h5"
    public static let uniformModelPath = "Models/skyrmion-disk-uniform.h5"

    /// The files under `data` (or under the package root found from the executable, else from the working
    /// directory); throws a one-line error naming the first missing file.
    public static func locate(data: String?) throws -> DemoData {
        let packageRoot = DemoData.packageRoot()
        let root: String
        if let data {
            root = data
        } else if let found = packageRoot {
            root = found
        } else {
            throw DemoError.missingData(path: tracesPath, root: FileManager.default.currentDirectoryPath,
                                        hint: "run from the SpinODE checkout or give --data DIR")
        }
        let fm = FileManager.default
        func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }
        for (relative, what) in [(tracesPath, "the bundled skyrmion traces"), (modelPath, "the bundled surrogate"),
                                 (specPath, "the micromagnetic reference spec")] where !fm.fileExists(atPath: path(relative)) {
            throw DemoError.missingData(path: relative, root: root, hint: what)
        }
        let reservoir = fm.fileExists(atPath: path(reservoirModelPath)) ? path(reservoirModelPath) : path(modelPath)
        let script = Matplotlib.plotScript(data: data)
        func optional(_ relative: String) -> String? { fm.fileExists(atPath: path(relative)) ? path(relative) : nil }
        return DemoData(root: root, traces: path(tracesPath), spec: path(specPath), model: path(modelPath),
                        reservoirModel: reservoir, plotScript: script, heldOut: optional(heldOutPath),
                        ensembleModel: optional(ensembleModelPath), uniformModel: optional(uniformModelPath))
    }

    /// Trace `name` of the trace file at `path`; refused with the file's trace names when it has none of that name.
    public static func trace(_ name: String, in path: String) throws -> Trace {
        let file = try TraceFile(path: path)
        guard file.traceNames.contains(name) else {
            throw DemoError.missingTrace(file: path, trace: name, available: file.traceNames)
        }
        return try file.trace(name)
    }

    /// The held-out traces of `path`: every trace but 'train', in file order; refused when there is none.
    public static func heldOutTraces(in path: String) throws -> [String] {
        let names = try TraceFile(path: path).traceNames.filter { $0 != "train" }
        guard !names.isEmpty else { throw DemoError.missingTrace(file: path, trace: "test-*", available: ["train"]) }
        return names
    }

    /// The nearest folder holding Package.swift and Datasets/, going up from the executable's real location
    /// (.build/release/spinode lives two levels below the root), then from the working directory.
    public static func packageRoot() -> String? {
        let fm = FileManager.default
        var starts = [String]()
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        starts.append(executable.deletingLastPathComponent().path)
        if let exe = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append(URL(fileURLWithPath: exe).deletingLastPathComponent().path)
        }
        starts.append(fm.currentDirectoryPath)
        for start in starts {
            var url = URL(fileURLWithPath: start)
            while true {
                if fm.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
                   fm.fileExists(atPath: url.appendingPathComponent("Datasets").path) {
                    return url.path
                }
                let parent = url.deletingLastPathComponent()
                if parent.path == url.path { break }
                url = parent
            }
        }
        return nil
    }
}

/// What can stop the demo, as one line.
public enum DemoError: Error, CustomStringConvertible {
    case missingData(path: String, root: String, hint: String)
    case missingTrace(file: String, trace: String, available: [String])
    case incompatible(detail: String)

    public var description: String {
        switch self {
        case let .missingData(path, root, hint):
            return "demo: \((root as NSString).appendingPathComponent(path)): no such file (\(hint))"
        case let .missingTrace(file, trace, available):
            return "demo: \(file): no trace '\(trace)' (it has \(available.joined(separator: ", ")))"
        case let .incompatible(detail):
            return "demo: \(detail)"
        }
    }
}

/// Progress lines on stderr, each stamped with the seconds since the demo started.
public struct DemoProgress {
    public let clock = ContinuousClock()
    public let started: ContinuousClock.Instant
    public let quiet: Bool

    public init(quiet: Bool = false) {
        started = clock.now
        self.quiet = quiet
    }

    public var elapsed: Double { DemoProgress.seconds(clock.now - started) }

    public func step(_ message: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data((String(format: "[demo %6.1f s] ", elapsed) + message + "\n").utf8))
    }

    public static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Runs `body` and returns its result with its wall time in seconds.
    public static func timed<R>(_ body: () throws -> R) rethrows -> (R, Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let r = try body()
        return (r, seconds(clock.now - start))
    }
}
