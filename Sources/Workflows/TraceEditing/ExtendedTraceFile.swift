import Foundation
import TraceIO

/// A trace file about to get one more trace (`spinode import --out EXISTING.h5`): the traces already in it with
/// the attributes they carry beyond the schema (provenance, recorded spec) and the file's root attributes, so
/// that rewriting the file whole, atomically, keeps them.
public struct ExtendedTraceFile {
    public var path: String
    public var traces: [Trace] = []
    public var extras: [String: ExtraTraceAttributes] = [:]
    public var rootAttributes: [(String, HDF5AttributeValue)] = []

    /// The contents of `path` (nothing when it does not exist) without trace `name`, which is refused
    /// unless `replace`.
    public init(_ path: String, making name: String, replace: Bool) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { return }
        let existing = try TraceFile(path: path)
        rootAttributes = try existing.rootAttributes()
        for other in existing.traceNames {
            if other == name {
                guard replace else {
                    throw TraceIOError.invalidValue(file: path, object: "/traces/\(name)",
                                                    detail: "a trace of this name exists (use --replace or --name)")
                }
                continue
            }
            traces.append(try existing.trace(other))
            extras[other] = try existing.extraAttributes(of: other)
        }
    }

    /// Writes the file with `trace` added (its `provenance` attribute set), atomically.
    public func write(adding trace: Trace, provenance: String) throws {
        try TraceFile.write(traces + [trace], to: path, rootAttributes: rootAttributes, extras: extras,
                            notes: [trace.name: provenance])
    }
}
