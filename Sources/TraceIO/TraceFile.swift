import Numerics

/// Shapes, sampling, names and units of one trace in a file, read without its data.
public struct TraceInfo: Equatable, Sendable {
    public var name: String
    /// Number of samples N.
    public var count: Int
    public var inputCount: Int
    public var outputCount: Int
    public var parameterCount: Int
    /// `.uniform(t0, dt)` or `.times([])`: for explicit times only first/last are given below.
    public var isUniform: Bool
    /// First and last sample time, seconds.
    public var firstTime: Double
    public var lastTime: Double
    /// dt for uniform sampling, else the mean interval (last - first) / (N - 1), seconds.
    public var meanInterval: Double
    public var inputNames: [String]
    public var outputNames: [String]
    public var parameterNames: [String]
    public var inputUnits: [String]
    public var outputUnits: [String]
    public var parameterUnits: [String]
    public var description: String
}

/// A trace file (schema: docs/trace-format.md): HDF5 with root attributes
/// `format = "spinode-traces"`, `version = 1`, and one group per run under `/traces/<name>/`.
///
/// Open once and read whole traces or windows [start, start + count) of them; a window reads only
/// the rows it needs (HDF5 hyperslabs), so training can sample windows from long traces cheaply.
/// `write` replaces the file atomically. An open `TraceFile` caches each trace's opened datasets
/// and metadata; use one instance per thread.
public final class TraceFile {
    public static let format = "spinode-traces"
    public static let version = 1

    public let path: String
    let file: HDF5File
    let tracesGroup: HDF5Group
    /// Names of the traces in the file, in name order.
    public let traceNames: [String]
    /// Opened and checked layouts and infos, so repeated window reads skip the metadata.
    private var layouts: [String: (layout: Layout, info: TraceInfo)] = [:]

    /// Opens a trace file and checks its `format` and `version`.
    public init(path: String) throws {
        self.path = path
        file = try HDF5File.open(path)
        let root = try file.root
        guard root.hasAttribute("format") else {
            throw TraceIOError.wrongFormat(file: path, object: "/ attribute 'format'",
                                           detail: "missing; expected \"\(TraceFile.format)\" (not a SpinODE trace file)")
        }
        let format = try root.stringAttribute("format")
        guard format == TraceFile.format else {
            throw TraceIOError.wrongFormat(file: path, object: "/ attribute 'format'",
                                           detail: "is \"\(format)\", expected \"\(TraceFile.format)\"")
        }
        guard root.hasAttribute("version") else {
            throw TraceIOError.missingObject(file: path, object: "/ attribute 'version'")
        }
        let version = try root.integerAttribute("version")
        guard version == TraceFile.version else {
            throw TraceIOError.wrongFormat(file: path, object: "/ attribute 'version'",
                                           detail: "version \(version) is not supported (this toolkit reads version \(TraceFile.version))")
        }
        tracesGroup = try root.group("traces")
        traceNames = try tracesGroup.memberNames()
    }

    /// Reads every trace of the file at `path`, validated.
    public static func read(_ path: String) throws -> [Trace] {
        let file = try TraceFile(path: path)
        return try file.traceNames.map { try file.trace($0) }
    }

    /// Reads trace `name` of the file at `path`, validated.
    public static func read(_ path: String, trace name: String) throws -> Trace {
        try TraceFile(path: path).trace(name)
    }

    // MARK: Reading

    private struct Layout {
        var group: HDF5Group
        var count: Int
        var outputs: HDF5Dataset
        var inputs: HDF5Dataset?
        var times: HDF5Dataset?
        var t0: Double
        var dt: Double
    }

    private func groupPath(_ name: String) -> String { "/traces/\(name)" }

    private func checkMatrixRank(_ dataset: HDF5Dataset) throws {
        guard dataset.shape.count == 1 || dataset.shape.count == 2 else {
            throw TraceIOError.wrongRank(file: path, object: dataset.path, expected: "1 ([N]) or 2 ([N, channels])",
                                         found: dataset.shape.count)
        }
        guard dataset.elementClass == "floating-point" else {
            throw TraceIOError.wrongType(file: path, object: dataset.path, expected: "floating-point", found: dataset.elementClass)
        }
    }

    private func layout(_ name: String) throws -> Layout {
        try cached(name).layout
    }

    private func cached(_ name: String) throws -> (layout: Layout, info: TraceInfo) {
        if let entry = layouts[name] { return entry }
        let l = try openLayout(name)
        let entry = (l, try makeInfo(name, l))
        layouts[name] = entry
        return entry
    }

    private func openLayout(_ name: String) throws -> Layout {
        guard traceNames.contains(name) else {
            throw TraceIOError.missingObject(file: path, object: groupPath(name))
        }
        let group = try tracesGroup.group(name)
        guard group.exists("outputs") else { throw TraceIOError.missingObject(file: path, object: group.path + "/outputs") }
        let outputs = try group.dataset("outputs")
        try checkMatrixRank(outputs)
        let count = outputs.shape[0]
        guard count > 0 else { throw TraceIOError.emptyTrace(file: path, object: group.path) }
        var inputs: HDF5Dataset?
        if group.exists("inputs") {
            let d = try group.dataset("inputs")
            try checkMatrixRank(d)
            guard d.shape[0] == count else {
                throw TraceIOError.lengthMismatch(file: path, object: d.path, expected: count, found: d.shape[0],
                                                  reference: outputs.path)
            }
            inputs = d
        }
        var layout = Layout(group: group, count: count, outputs: outputs, inputs: inputs, times: nil, t0: 0, dt: 0)
        if group.exists("t") {
            let t = try group.dataset("t")
            guard t.shape.count == 1 else {
                throw TraceIOError.wrongRank(file: path, object: t.path, expected: "1 ([N])", found: t.shape.count)
            }
            guard t.elementClass == "floating-point" else {
                throw TraceIOError.wrongType(file: path, object: t.path, expected: "floating-point", found: t.elementClass)
            }
            guard t.shape[0] == count else {
                throw TraceIOError.lengthMismatch(file: path, object: t.path, expected: count, found: t.shape[0],
                                                  reference: outputs.path)
            }
            layout.times = t
        } else {
            guard group.hasAttribute("dt"), group.hasAttribute("t0") else {
                throw TraceIOError.missingObject(file: path, object: group.path + "/t (or attributes 't0' and 'dt')")
            }
            layout.t0 = try group.doubleAttribute("t0")
            layout.dt = try group.doubleAttribute("dt")
            guard layout.dt.isFinite, layout.dt > 0 else {
                throw TraceIOError.invalidSampling(file: path, object: group.path + " attribute 'dt'", dt: layout.dt)
            }
            guard layout.t0.isFinite else {
                throw TraceIOError.nonFinite(file: path, object: group.path + " attribute 't0'", index: 0, value: layout.t0)
            }
        }
        return layout
    }

    private func columns(_ dataset: HDF5Dataset?) -> Int {
        guard let dataset else { return 0 }
        return dataset.shape.count == 1 ? 1 : dataset.shape[1]
    }

    private func strings(_ group: HDF5Group, _ attribute: String, count: Int, default make: (Int) -> String) throws -> [String] {
        guard group.hasAttribute(attribute) else { return (0..<count).map(make) }
        let values = try group.stringArrayAttribute(attribute)
        guard values.count == count else {
            throw TraceIOError.lengthMismatch(file: path, object: "\(group.path) attribute '\(attribute)'", expected: count,
                                              found: values.count, reference: "the channel count")
        }
        return values
    }

    private func parameterDataset(_ group: HDF5Group) throws -> HDF5Dataset? {
        guard group.exists("parameters") else { return nil }
        let d = try group.dataset("parameters")
        guard d.shape.count <= 1 else {
            throw TraceIOError.wrongRank(file: path, object: d.path, expected: "1 ([n_par])", found: d.shape.count)
        }
        return d
    }

    /// Shapes, sampling, names and units of trace `name`, without reading its samples (only the
    /// first and last time).
    public func info(_ name: String) throws -> TraceInfo {
        try cached(name).info
    }

    private func makeInfo(_ name: String, _ l: Layout) throws -> TraceInfo {
        let nIn = columns(l.inputs), nOut = columns(l.outputs)
        let nPar = try parameterDataset(l.group)?.count ?? 0
        var first = l.t0, last = l.t0 + Double(l.count - 1) * l.dt
        if let t = l.times {
            first = try t.readDoubles(rows: 0..<1)[0]
            last = try t.readDoubles(rows: (l.count - 1)..<l.count)[0]
        }
        let units = try strings(l.group, "units", count: nIn + nOut + nPar) { _ in "" }
        return TraceInfo(
            name: name, count: l.count, inputCount: nIn, outputCount: nOut, parameterCount: nPar,
            isUniform: l.times == nil, firstTime: first, lastTime: last,
            meanInterval: l.times == nil ? l.dt : (l.count > 1 ? (last - first) / Double(l.count - 1) : 0),
            inputNames: try strings(l.group, "input_names", count: nIn) { "u\($0)" },
            outputNames: try strings(l.group, "output_names", count: nOut) { "x\($0)" },
            parameterNames: try strings(l.group, "parameter_names", count: nPar) { "p\($0)" },
            inputUnits: Array(units[0..<nIn]), outputUnits: Array(units[nIn..<(nIn + nOut)]),
            parameterUnits: Array(units[(nIn + nOut)...]),
            description: l.group.hasAttribute("description") ? try l.group.stringAttribute("description") : "")
    }

    /// Trace `name`, whole, validated.
    public func trace(_ name: String) throws -> Trace {
        let l = try layout(name)
        return try read(l, name: name, rows: 0..<l.count)
    }

    /// Samples [start, start + count) of trace `name`, validated. Only those rows are read.
    public func window(_ name: String, start: Int, count: Int) throws -> Trace {
        let l = try layout(name)
        guard start >= 0, count > 0, start <= l.count, count <= l.count - start else {
            throw TraceIOError.invalidValue(file: path, object: groupPath(name),
                                            detail: "window of \(count) samples from \(start) is outside the trace's \(l.count) samples")
        }
        return try read(l, name: name, rows: start..<(start + count))
    }

    private func read(_ l: Layout, name: String, rows: Range<Int>) throws -> Trace {
        let info = try cached(name).info
        let whole = rows.count == l.count
        func load(_ d: HDF5Dataset) throws -> [Double] { whole ? try d.readDoubles() : try d.readDoubles(rows: rows) }
        let outputs = Matrix(rows: rows.count, columns: info.outputCount, storage: try load(l.outputs))
        let inputs = try l.inputs.map { Matrix(rows: rows.count, columns: info.inputCount, storage: try load($0)) }
            ?? Matrix(rows: rows.count, columns: 0)
        let sampling: Trace.Sampling
        if let t = l.times {
            sampling = .times(try load(t))
        } else {
            sampling = .uniform(t0: l.t0 + Double(rows.lowerBound) * l.dt, dt: l.dt)
        }
        let parameters = try parameterDataset(l.group)?.readDoubles() ?? []
        let trace = Trace(name: name, sampling: sampling, inputs: inputs, outputs: outputs, parameters: parameters,
                          inputNames: info.inputNames, outputNames: info.outputNames, parameterNames: info.parameterNames,
                          inputUnits: info.inputUnits, outputUnits: info.outputUnits, parameterUnits: info.parameterUnits,
                          description: info.description)
        do {
            try trace.validate(file: path)
        } catch let error as TraceIOError {
            // Report window-relative indices against the file's rows.
            if case .nonFinite(let f, let o, let i, let v) = error, rows.lowerBound > 0, !o.contains("attribute"), !o.hasSuffix("parameters") {
                let width = o.hasSuffix("/t") ? 1 : (o.hasSuffix("/inputs") ? info.inputCount : info.outputCount)
                throw TraceIOError.nonFinite(file: f, object: o, index: i + rows.lowerBound * width, value: v)
            }
            if case .nonIncreasingTime(let f, let o, let i, let p, let v) = error, rows.lowerBound > 0 {
                throw TraceIOError.nonIncreasingTime(file: f, object: o, index: i + rows.lowerBound, previous: p, value: v)
            }
            throw error
        }
        return trace
    }

    // MARK: Writing

    /// Writes `traces` as a new trace file at `path`, atomically (built in memory, then a temporary
    /// sibling and a rename). Every trace is validated first; names must be unique. Datasets of 4096 or
    /// more values are chunked and gzip-compressed. `amend` may add to the file before it is written
    /// (it receives the root group; split and merge copy extra attributes with it).
    public static func write(_ traces: [Trace], to path: String, description: String = "",
                             amend: ((HDF5Group) throws -> Void)? = nil) throws {
        var seen = Set<String>()
        for trace in traces {
            try trace.validate(file: path)
            guard seen.insert(trace.name).inserted else {
                throw TraceIOError.invalidValue(file: path, object: "/traces/\(trace.name)", detail: "duplicate trace name")
            }
        }
        try HDF5File.writeAtomically(path) { root in
            try root.setAttribute("format", TraceFile.format)
            try root.setAttribute("version", TraceFile.version)
            if !description.isEmpty { try root.setAttribute("description", description) }
            let group = try root.createGroup("traces")
            for trace in traces { try write(trace, in: group) }
            try amend?(root)
        }
    }

    private static func write(_ trace: Trace, in traces: HDF5Group) throws {
        let group = try traces.createGroup(trace.name)
        switch trace.sampling {
        case .uniform(let t0, let dt):
            try group.setAttribute("t0", t0)
            try group.setAttribute("dt", dt)
        case .times(let t):
            try group.createDataset("t", shape: [t.count], values: t)
        }
        if trace.inputCount > 0 {
            try group.createDataset("inputs", shape: [trace.count, trace.inputCount], values: trace.inputs.storage)
            try group.setAttribute("input_names", trace.inputNames)
        }
        try group.createDataset("outputs", shape: [trace.count, trace.outputCount], values: trace.outputs.storage)
        try group.setAttribute("output_names", trace.outputNames)
        if trace.parameterCount > 0 {
            try group.createDataset("parameters", shape: [trace.parameterCount], values: trace.parameters)
            try group.setAttribute("parameter_names", trace.parameterNames)
        }
        try group.setAttribute("units", trace.inputUnits + trace.outputUnits + trace.parameterUnits)
        if !trace.description.isEmpty { try group.setAttribute("description", trace.description) }
    }
}
