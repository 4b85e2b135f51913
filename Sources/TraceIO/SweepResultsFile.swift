import Foundation

/// The gathered results of a parameter sweep (`spinode sweep --gather`, docs/scaling.md): HDF5 with root
/// attributes `format = "spinode-sweep"`, `version = 1`, the sweep's command, seed, task count and the
/// indices of tasks with no result yet (`missing_tasks`, only when some are missing); one group per task
/// `/tasks/NNNNNN` (parameters as attributes `parameter <key>`, status, error, seed, wall seconds, the
/// task's main output path relative to the results folder, and its key figures as attributes); and
/// `/summary`, one 1-D dataset per column over every task in index order (`task`, `status_code`: 1 ok,
/// 0 failed, -1 missing; `seed`, `wall_seconds` in s, each numeric parameter under its key, each key
/// figure under its name, "parameter KEY" / "figure NAME" when an earlier column has that name; NaN where
/// a task has no value), which h5py reads as plain arrays.
public struct SweepResultsFile: Equatable, Sendable {
    public static let format = "spinode-sweep"
    public static let version = 1

    /// One task's record.
    public struct Task: Equatable, Sendable {
        public var index: Int
        public var seed: Int
        /// "ok", "failed" or "missing" (no status yet: not run, or still running).
        public var status: String
        public var error: String?
        /// Wall time of the task's process, seconds (nil when missing).
        public var wallSeconds: Double?
        /// The varied parameters, in SWEEP.toml order.
        public var parameters: [Parameter]
        /// Key figures by name (e.g. final_mx, best_validation_nrmse, nrmse), in a fixed order.
        public var figures: [Figure]
        /// The task's main output (trace, model or JSON summary), relative to the results folder.
        public var output: String?

        public init(index: Int, seed: Int, status: String, error: String? = nil, wallSeconds: Double? = nil,
                    parameters: [Parameter] = [], figures: [Figure] = [], output: String? = nil) {
            self.index = index; self.seed = seed; self.status = status; self.error = error
            self.wallSeconds = wallSeconds; self.parameters = parameters; self.figures = figures; self.output = output
        }

        /// The status as stored in the summary table: 1 ok, 0 failed, -1 missing.
        public var statusCode: Int { status == "ok" ? 1 : status == "failed" ? 0 : -1 }
    }

    public struct Parameter: Equatable, Sendable {
        public var key: String
        public var value: HDF5AttributeValue
        public init(key: String, value: HDF5AttributeValue) { self.key = key; self.value = value }
        /// The value as a number for the summary table (nil for strings).
        public var number: Double? {
            switch value {
            case let .number(v): return v
            case let .integer(i): return Double(i)
            default: return nil
            }
        }
    }

    public struct Figure: Equatable, Sendable {
        public var name: String
        public var value: Double
        public init(name: String, value: Double) { self.name = name; self.value = value }
    }

    /// "simulate", "fit" or "reservoir".
    public var command: String
    /// The sweep's seed (task seeds derive from it).
    public var seed: Int
    public var tasks: [Task]

    public init(command: String, seed: Int, tasks: [Task]) {
        self.command = command; self.seed = seed; self.tasks = tasks
    }

    /// Indices of tasks without a result.
    public var missingTasks: [Int] { tasks.filter { $0.status == "missing" }.map(\.index) }

    /// The summary table's columns, in order: task, status_code, seed, wall_seconds, numeric parameters
    /// (first appearance order), then figures (first appearance order).
    public var columns: [(name: String, values: [Double])] {
        var out: [(String, [Double])] = [
            ("task", tasks.map { Double($0.index) }), ("status_code", tasks.map { Double($0.statusCode) }),
            ("seed", tasks.map { Double($0.seed) }), ("wall_seconds", tasks.map { $0.wallSeconds ?? .nan }),
        ]
        // A parameter or figure whose name an earlier column has (a spec's own `seed` varied by the sweep)
        // is stored as "parameter NAME" or "figure NAME".
        func column(_ name: String, _ prefix: String) -> String {
            out.contains { $0.0 == name } ? prefix + name : name
        }
        var parameterKeys: [String] = []
        for t in tasks { for p in t.parameters where p.number != nil && !parameterKeys.contains(p.key) { parameterKeys.append(p.key) } }
        for key in parameterKeys {
            out.append((column(key, "parameter "), tasks.map { t in t.parameters.first { $0.key == key }?.number ?? .nan }))
        }
        var figureNames: [String] = []
        for t in tasks { for f in t.figures where !figureNames.contains(f.name) { figureNames.append(f.name) } }
        for name in figureNames {
            out.append((column(name, "figure "), tasks.map { t in t.figures.first { $0.name == name }?.value ?? .nan }))
        }
        return out
    }

    static func groupName(_ index: Int) -> String { String(format: "%06d", index) }

    /// Writes the file atomically (built in memory, then `AtomicFile`).
    public func write(to path: String) throws {
        try HDF5File.writeAtomically(path) { root in
            try root.setAttribute("format", SweepResultsFile.format)
            try root.setAttribute("version", SweepResultsFile.version)
            try root.setAttribute("command", command)
            try root.setAttribute("seed", seed)
            try root.setAttribute("task_count", tasks.count)
            let missing = missingTasks
            if !missing.isEmpty { try root.setAttribute("missing_tasks", missing) }
            let group = try root.createGroup("tasks")
            for t in tasks {
                let g = try group.createGroup(SweepResultsFile.groupName(t.index))
                try g.setAttribute("index", t.index)
                try g.setAttribute("seed", t.seed)
                try g.setAttribute("status", t.status)
                if let e = t.error { try g.setAttribute("error", e) }
                if let w = t.wallSeconds { try g.setAttribute("wall_seconds", w) }
                if let o = t.output { try g.setAttribute("output", o) }
                for p in t.parameters { try g.setAttribute("parameter " + p.key, p.value) }
                for f in t.figures { try g.setAttribute("figure " + f.name, f.value) }
            }
            let summary = try root.createGroup("summary")
            for (name, values) in columns {
                if ["task", "status_code", "seed"].contains(name) {
                    _ = try summary.createDataset(name, shape: [values.count], integers: values.map { Int($0) })
                } else {
                    _ = try summary.createDataset(name, shape: [values.count], values: values)
                }
            }
        }
    }

    /// Reads a file written by `write`.
    public static func read(_ path: String) throws -> SweepResultsFile {
        let file = try HDF5File.open(path)
        let root = try file.root
        let format = root.hasAttribute("format") ? try root.stringAttribute("format") : ""
        guard format == SweepResultsFile.format else {
            throw TraceIOError.wrongFormat(file: path, object: "/ attribute 'format'",
                                           detail: "is \"\(format)\", expected \"\(SweepResultsFile.format)\"")
        }
        var result = SweepResultsFile(command: try root.stringAttribute("command"), seed: try root.integerAttribute("seed"), tasks: [])
        let group = try root.group("tasks")
        for name in try group.memberNames() {
            let g = try group.group(name)
            var t = Task(index: try g.integerAttribute("index"), seed: try g.integerAttribute("seed"),
                         status: try g.stringAttribute("status"))
            if g.hasAttribute("error") { t.error = try g.stringAttribute("error") }
            if g.hasAttribute("wall_seconds") { t.wallSeconds = try g.doubleAttribute("wall_seconds") }
            if g.hasAttribute("output") { t.output = try g.stringAttribute("output") }
            for attribute in try g.attributeNames() {
                if attribute.hasPrefix("parameter ") {
                    t.parameters.append(Parameter(key: String(attribute.dropFirst(10)), value: try g.attribute(attribute)))
                } else if attribute.hasPrefix("figure ") {
                    t.figures.append(Figure(name: String(attribute.dropFirst(7)), value: try g.doubleAttribute(attribute)))
                }
            }
            result.tasks.append(t)
        }
        return result
    }

    /// Reads one column of the summary table of the file at `path`.
    public static func column(_ name: String, in path: String) throws -> [Double] {
        let dataset = try HDF5File.open(path).root.group("summary").dataset(name)
        return dataset.elementClass == "integer" ? try dataset.readIntegers().map(Double.init) : try dataset.readDoubles()
    }
}
