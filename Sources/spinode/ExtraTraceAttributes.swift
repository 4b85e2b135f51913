import TraceIO

/// The attributes of a trace group that the trace schema does not manage (docs/trace-format.md): the
/// `provenance` lines, the spec text a run recorded, and whatever else a tool stored there. `spinode split` and
/// `spinode merge` carry them from a source trace to the traces they write, adding one line to `provenance`;
/// `spinode import` keeps them on the traces already in the file it extends.
struct ExtraTraceAttributes {
    /// Attributes the trace schema writes from the `Trace` value itself (`TraceFile.write`).
    static let schema: Set<String> = ["t0", "dt", "input_names", "output_names", "parameter_names", "units", "description"]

    /// Every attribute outside the schema except `provenance`, in the source's order.
    var others: [(String, HDF5AttributeValue)] = []
    /// The source's `provenance` text (nil when it has none, or one that is not a string).
    var provenance: String?

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
