import Devices
import Foundation

/// A parameter sweep read from SWEEP.toml (docs/scaling.md): one base job (a simulation spec, a `fit` or a
/// `reservoir` run) and its variations, expanded into numbered tasks.
///
///     [sweep]
///     command = "reservoir"            # simulate, fit or reservoir
///     seed = 42                        # task i's seed is SweepSeed.task(i, sweepSeed: 42)
///     arguments = ["mackey-glass", "--device", "esn", "--nodes", "20"]   # fit, reservoir
///     # spec = "film.toml"             # simulate
///     [grid]                           # cartesian product, keys in name order, the first slowest
///     "--input-scaling" = [0.1, 0.5]
///     [[task]]                         # single tasks, after the grid's
///     "--nodes" = 40
///
/// Variation keys are dotted spec keys for `simulate` ("material.Dind", "stage.1.duration") and long
/// options for `fit` and `reservoir` ("--hidden", "--nodes"; true adds a flag, false omits it). Each task
/// gets its derived seed (`SweepSeed`) as `--seed` or as the spec's top-level `seed` unless its variation
/// sets that seed itself. Relative paths (the spec, files in the arguments) are relative to SWEEP.toml's
/// folder, where the tasks run.
public struct SweepPlan: Sendable {
    public enum Command: String, Sendable, CaseIterable { case simulate, fit, reservoir }

    /// SWEEP.toml as given.
    public var file: String
    /// Its text (copied into the results folder, so a rerun with a changed file is refused).
    public var text: String
    /// The folder relative paths are resolved in and tasks run in.
    public var directory: String
    public var command: Command
    public var seed: UInt64
    /// simulate: the base spec (resolved path) and its parsed tree with input files made absolute.
    public var spec: String?
    var specTree: SpecValue?
    /// fit, reservoir: the base arguments after the command name.
    public var arguments: [String]
    public var tasks: [SweepTask]

    static let sweepKeys: Set<String> = ["command", "seed", "spec", "arguments"]
    /// Options a sweep sets itself (each task's own files and summary).
    static let reservedOptions: Set<String> = ["--out", "--json", "--checkpoint", "--resume", "--plot", "--name"]

    /// Reads and checks SWEEP.toml; every task's parameters are checked against the base job (spec keys
    /// exist, option values are scalars). Option values are checked by the command's parser (`SweepRun`'s
    /// caller) before anything runs.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw SweepError.invalid(file: path, detail: FileManager.default.fileExists(atPath: path)
                                     ? "cannot read the sweep file (not UTF-8 text?)" : "no such sweep file")
        }
        try self.init(text: text, file: path)
    }

    public init(text: String, file: String) throws {
        self.file = file
        self.text = text
        directory = URL(fileURLWithPath: file).deletingLastPathComponent().path
        let root: SpecValue
        do { root = try SpecValue.parse(text, file: file) } catch let e as SpecError {
            throw SweepError.invalid(file: file, detail: e.description.replacingOccurrences(of: file + ":", with: "").trimmingCharacters(in: .whitespaces))
        }
        guard case let .table(top) = root else { throw SweepError.invalid(file: file, detail: "not a TOML table") }
        for (key, _) in top where !["sweep", "grid", "task"].contains(key) {
            throw SweepError.invalid(file: file, detail: "unknown key '\(key)' (expected [sweep], [grid], [[task]])")
        }
        guard case let .table(sweep)? = root.value(at: "sweep") else {
            throw SweepError.invalid(file: file, detail: "missing table [sweep]")
        }
        for (key, _) in sweep where !SweepPlan.sweepKeys.contains(key) {
            throw SweepError.invalid(file: file, detail: "unknown key 'sweep.\(key)' (expected \(SweepPlan.sweepKeys.sorted().joined(separator: ", ")))")
        }
        guard case let .string(name)? = root.value(at: "sweep.command") else {
            throw SweepError.invalid(file: file, detail: "missing string 'sweep.command' (simulate, fit or reservoir)")
        }
        guard let command = Command(rawValue: name) else {
            throw SweepError.invalid(file: file, detail: "sweep.command = \"\(name)\" is not simulate, fit or reservoir")
        }
        self.command = command
        guard case let .integer(s)? = root.value(at: "sweep.seed"), s >= 0 else {
            throw SweepError.invalid(file: file, detail: "'sweep.seed' must be a non-negative integer")
        }
        seed = UInt64(s)
        arguments = []
        if command == .simulate {
            guard case let .string(specPath)? = root.value(at: "sweep.spec") else {
                throw SweepError.invalid(file: file, detail: "a simulate sweep needs 'sweep.spec' (the base spec file)")
            }
            if root.value(at: "sweep.arguments") != nil {
                throw SweepError.invalid(file: file, detail: "'sweep.arguments' is for fit and reservoir sweeps; a simulate sweep varies spec keys")
            }
            let resolved = specPath.hasPrefix("/") ? specPath : URL(fileURLWithPath: directory).appendingPathComponent(specPath).path
            spec = resolved
            do {
                let parsed = try SimulationSpec(contentsOf: resolved)
                var tree = try SpecValue.parse(parsed.text, file: resolved)
                // Input files (drive tables, OVF) as absolute paths: the task's copy of the spec lives elsewhere.
                for input in parsed.inputFiles {
                    tree = try tree.replacing(input.key, with: .string(input.path), file: resolved)
                }
                specTree = tree
            } catch let e as SpecError {
                throw SweepError.invalid(file: file, detail: "sweep.spec: \(e.description)")
            }
        } else {
            if root.value(at: "sweep.spec") != nil {
                throw SweepError.invalid(file: file, detail: "'sweep.spec' is for simulate sweeps; a \(name) sweep takes 'sweep.arguments'")
            }
            guard case let .array(items)? = root.value(at: "sweep.arguments") else {
                throw SweepError.invalid(file: file, detail: "a \(name) sweep needs 'sweep.arguments' (an array of strings: the base command line after '\(name)')")
            }
            arguments = try items.map {
                guard case let .string(a) = $0 else {
                    throw SweepError.invalid(file: file, detail: "'sweep.arguments' must hold strings only, found \($0.typeName)")
                }
                return a
            }
            for a in arguments {
                let option = String(a.split(separator: "=", maxSplits: 1).first ?? "")
                if SweepPlan.reservedOptions.contains(option) {
                    throw SweepError.invalid(file: file, detail: "sweep.arguments: \(option) is set by the sweep for each task (docs/scaling.md)")
                }
                if option == "--seed" {
                    throw SweepError.invalid(file: file, detail: "sweep.arguments: --seed is derived per task from sweep.seed; to fix it, put \"--seed\" = [N] in [grid]")
                }
            }
        }
        tasks = []
        tasks = try expand(root)
        guard !tasks.isEmpty else {
            throw SweepError.invalid(file: file, detail: "no tasks: give [grid] with at least one value per key, or [[task]] tables")
        }
        for task in tasks { try check(task) }
    }

    /// The grid's cartesian product, then the [[task]] tables. TOML tables have no order (the TOML library
    /// returns keys sorted by name), so the grid's keys are taken in name order, the first varying slowest.
    private func expand(_ root: SpecValue) throws -> [SweepTask] {
        var combinations: [[SweepParameter]] = []
        if let grid = root.value(at: "grid") {
            guard case let .table(axes) = grid else { throw SweepError.invalid(file: file, detail: "[grid] must be a table") }
            guard !axes.isEmpty else { throw SweepError.invalid(file: file, detail: "[grid] is empty") }
            combinations = [[]]
            for (key, values) in axes.sorted(by: { $0.0 < $1.0 }) {
                guard case let .array(list) = values else {
                    throw SweepError.invalid(file: file, detail: "grid key '\(key)' must be an array of values")
                }
                guard !list.isEmpty else { throw SweepError.invalid(file: file, detail: "grid key '\(key)' has no values") }
                combinations = combinations.flatMap { prefix in list.map { prefix + [SweepParameter(key: key, value: $0)] } }
            }
        }
        if let list = root.value(at: "task") {
            guard case let .array(tables) = list else { throw SweepError.invalid(file: file, detail: "'task' must be [[task]] tables") }
            for (n, t) in tables.enumerated() {
                guard case let .table(entries) = t else {
                    throw SweepError.invalid(file: file, detail: "[[task]] number \(n + 1) must be a table")
                }
                guard !entries.isEmpty else { throw SweepError.invalid(file: file, detail: "[[task]] number \(n + 1) is empty") }
                combinations.append(entries.sorted { $0.0 < $1.0 }.map { SweepParameter(key: $0.0, value: $0.1) })
            }
        }
        return combinations.enumerated().map { i, parameters in
            let explicit = parameters.first { $0.key == (command == .simulate ? "seed" : "--seed") }
            var seed = SweepSeed.task(i, sweepSeed: self.seed)
            if case let .integer(s)? = explicit?.value, s >= 0 { seed = UInt64(s) }
            return SweepTask(index: i, parameters: parameters, seed: seed, seedIsExplicit: explicit != nil)
        }
    }

    /// Checks one task's parameters against the base job (what can be checked without the command's parser).
    private func check(_ task: SweepTask) throws {
        for p in task.parameters {
            func refuse(_ detail: String) -> SweepError {
                SweepError.invalidTask(file: file, task: task.index, parameters: task.label, detail: detail)
            }
            switch command {
            case .simulate:
                if case .table = p.value { throw refuse("'\(p.key)' must be a value, not a table") }
                if p.key == "seed", !(p.value.isNonNegativeInteger) { throw refuse("seed must be a non-negative integer") }
            case .fit, .reservoir:
                guard p.key.hasPrefix("--"), p.key.count > 2 else {
                    throw refuse("'\(p.key)' is not a long option (a \(command.rawValue) sweep varies options such as \"--seed\")")
                }
                if SweepPlan.reservedOptions.contains(p.key) { throw refuse("\(p.key) is set by the sweep for each task") }
                switch p.value {
                case .array, .table: throw refuse("'\(p.key)' must be a number, string or boolean")
                default: break
                }
                if p.key == "--seed", !(p.value.isNonNegativeInteger) { throw refuse("--seed must be a non-negative integer") }
            }
        }
        if command == .simulate { _ = try specText(for: task, at: directory + "/task.toml") }
    }

    /// simulate: the task's spec as TOML text (the base spec with the task's keys replaced and its seed set),
    /// checked by the spec reader as if it were at `path`.
    public func specText(for task: SweepTask, at path: String) throws -> String {
        guard var tree = specTree, let spec else { throw SweepError.invalid(file: file, detail: "not a simulate sweep") }
        do {
            for p in task.parameters where p.key != "seed" {
                tree = try tree.replacing(p.key, with: p.value, file: spec)
            }
            tree = try tree.replacing("seed", with: .integer(Int(task.seed)), file: spec, insert: true)
            let text = tree.tomlDocument
            _ = try SimulationSpec(text: text, file: path)
            return text
        } catch let e as SpecError {
            let detail: String
            if case let .missingKey(_, key) = e { detail = "the spec \(spec) has no key '\(key)'" } else { detail = e.description }
            throw SweepError.invalidTask(file: file, task: task.index, parameters: task.label, detail: detail)
        }
    }

    /// fit, reservoir: the task's command line after the executable (output paths in `folder`, which holds
    /// the task's files).
    public func commandLine(for task: SweepTask, folder: String) -> [String] {
        var line = [command.rawValue]
        switch command {
        case .simulate:
            let name = URL(fileURLWithPath: spec ?? "spec").deletingPathExtension().lastPathComponent
            line += [folder + "/spec.toml", "--out", folder + "/" + SweepTask.traceFile, "--name", name, "--json"]
        case .fit:
            line += arguments + task.optionArguments + ["--out", folder + "/" + SweepTask.modelFile, "--json"]
        case .reservoir:
            line += arguments + task.optionArguments + ["--json", "--quiet"]
        }
        if command != .simulate && !task.seedIsExplicit { line += ["--seed", String(task.seed)] }
        return line
    }

    /// The task's main output file, relative to its folder.
    public var mainOutput: String {
        switch command {
        case .simulate: return SweepTask.traceFile
        case .fit: return SweepTask.modelFile
        case .reservoir: return SweepTask.summaryFile
        }
    }
}

/// One varied key and its value in a task.
public struct SweepParameter: Sendable, Equatable {
    public var key: String
    public var value: SpecValue
    public init(key: String, value: SpecValue) { self.key = key; self.value = value }
}

/// One task of a sweep: its index, its parameters and its seed.
public struct SweepTask: Sendable, Equatable {
    public var index: Int
    public var parameters: [SweepParameter]
    /// The derived seed (`SweepSeed`), or the one the task's variation sets.
    public var seed: UInt64
    public var seedIsExplicit: Bool

    static let traceFile = "trace.h5"
    static let modelFile = "model.h5"
    static let summaryFile = "summary.json"
    static let stderrFile = "stderr.log"
    static let statusFile = "status.json"

    /// "key = value, ..." for messages and `--list`.
    public var label: String {
        parameters.map { "\($0.key) = \($0.value.tomlInline)" }.joined(separator: ", ")
    }

    /// The folder name under RESULTS/tasks: the index in six digits.
    public var folderName: String { String(format: "%06d", index) }

    /// fit, reservoir: the variation as options (true: the flag alone; false: nothing).
    var optionArguments: [String] {
        parameters.flatMap { p -> [String] in
            switch p.value {
            case let .bool(b): return b ? [p.key] : []
            case let .string(s): return [p.key, s]
            case let .integer(i): return [p.key, String(i)]
            case let .double(d): return [p.key, "\(d)"]
            case .array, .table: return []
            }
        }
    }
}

extension SpecValue {
    var isNonNegativeInteger: Bool {
        if case let .integer(i) = self { return i >= 0 }
        return false
    }
}
