import Foundation
import TraceIO

/// A trace file about to get one more trace (`spinode import --out EXISTING.h5`): the traces already in it with
/// the attributes they carry beyond the schema (provenance, recorded spec) and the file's root attributes, so
/// that rewriting the file whole, atomically, keeps them.
struct ExtendedTraceFile {
    var path: String
    var traces: [Trace] = []
    var extras: [String: ExtraTraceAttributes] = [:]
    var rootAttributes: [(String, HDF5AttributeValue)] = []

    /// The contents of `path` (nothing when it does not exist) without trace `name`, which is refused
    /// unless `replace`.
    init(_ path: String, making name: String, replace: Bool) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { return }
        let existing = try TraceFile(path: path)
        let root = try HDF5File.open(path).root
        for attribute in try root.attributeNames() where !["format", "version"].contains(attribute) {
            rootAttributes.append((attribute, try root.attribute(attribute)))
        }
        let groups = try root.group("traces")
        for other in existing.traceNames {
            if other == name {
                guard replace else {
                    throw TraceIOError.invalidValue(file: path, object: "/traces/\(name)",
                                                    detail: "a trace of this name exists (use --replace or --name)")
                }
                continue
            }
            traces.append(try existing.trace(other))
            extras[other] = try ExtraTraceAttributes(of: groups.group(other))
        }
    }

    /// Writes the file with `trace` added (its `provenance` attribute set), atomically.
    func write(adding trace: Trace, provenance: String) throws {
        try TraceFile.write(traces + [trace], to: path) { root in
            for (attribute, value) in rootAttributes { try root.setAttribute(attribute, value) }
            let groups = try root.group("traces")
            for (other, extra) in extras { try extra.write(to: groups.group(other), note: nil) }
            try groups.group(trace.name).setAttribute("provenance", provenance)
        }
    }
}
