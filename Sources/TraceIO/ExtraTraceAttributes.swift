/// The attributes of a trace group that the trace schema does not manage (docs/trace-format.md): the
/// `provenance` lines, the spec text a run recorded, and whatever else a tool stored there. Trace editing
/// (`spinode split`, `merge`, `import` into an existing file) carries them from a source trace to the traces
/// it writes, adding one line to `provenance`; read with `TraceFile.extraAttributes(of:)`, written with
/// `TraceFile.write(_:to:rootAttributes:extras:notes:)`.
public struct ExtraTraceAttributes: Sendable {
    /// Attributes the trace schema writes from the `Trace` value itself (`TraceFile.write`).
    public static let schema: Set<String> = ["t0", "dt", "input_names", "output_names", "parameter_names", "units",
                                             "description"]

    /// Every attribute outside the schema except `provenance`, in the source's order.
    public var others: [(String, HDF5AttributeValue)] = []
    /// The source's `provenance` text (nil when it has none, or one that is not a string).
    public var provenance: String?

    public init(others: [(String, HDF5AttributeValue)] = [], provenance: String? = nil) {
        self.others = others
        self.provenance = provenance
    }

    /// The extra attributes of a trace group.
    init(of group: HDF5Group) throws {
        for attribute in try group.attributeNames() where !Self.schema.contains(attribute) {
            let value = try group.attribute(attribute)
            if attribute == "provenance" {
                if case .string(let s) = value { provenance = s }
            } else {
                others.append((attribute, value))
            }
        }
    }

    /// Writes the attributes to `group`, with `note` (if any) as the last line of its `provenance`.
    func write(to group: HDF5Group, note: String?) throws {
        for (attribute, value) in others { try group.setAttribute(attribute, value) }
        let lines = [provenance, note].compactMap { $0 }
        if !lines.isEmpty { try group.setAttribute("provenance", lines.joined(separator: "\n")) }
    }
}

extension TraceFile {
    /// Root attributes that the schema does not manage (everything but `format` and `version`), e.g. the
    /// file's `description` and a tool's own notes, in the file's order.
    public func rootAttributes() throws -> [(String, HDF5AttributeValue)] {
        let root = try file.root
        return try root.attributeNames().filter { !["format", "version"].contains($0) }.map { ($0, try root.attribute($0)) }
    }

    /// The attributes of trace `name` beyond the schema (provenance, recorded spec, ...).
    public func extraAttributes(of name: String) throws -> ExtraTraceAttributes {
        try ExtraTraceAttributes(of: tracesGroup.group(name))
    }

    /// Writes `traces` atomically (`write(_:to:)`) with `rootAttributes` on the root and, on each trace
    /// named in `extras` or `notes`, its extra attributes and a last `provenance` line `notes[name]`.
    public static func write(_ traces: [Trace], to path: String, rootAttributes: [(String, HDF5AttributeValue)],
                             extras: [String: ExtraTraceAttributes], notes: [String: String]) throws {
        try write(traces, to: path) { root in
            for (attribute, value) in rootAttributes { try root.setAttribute(attribute, value) }
            let groups = try root.group("traces")
            for trace in traces where extras[trace.name] != nil || notes[trace.name] != nil {
                try (extras[trace.name] ?? ExtraTraceAttributes()).write(to: groups.group(trace.name), note: notes[trace.name])
            }
        }
    }
}
