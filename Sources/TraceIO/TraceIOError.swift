/// Every failure of TraceIO: reading and writing HDF5 trace and model files, importing tables,
/// exporting weights. Each case names the file and the object (HDF5 path, attribute, table
/// column or line) and the problem, and prints as one line: `file: object: problem`.
public enum TraceIOError: Error, CustomStringConvertible, Sendable {
    /// The file does not exist.
    case fileNotFound(file: String)
    /// The path exists but is not a file that can be read as one (a directory; for HDF5 a FIFO,
    /// socket or device); `detail` says what it is.
    case notAFile(file: String, detail: String)
    /// The file exists but does not start with the HDF5 signature.
    case notHDF5(file: String)
    /// The file has an HDF5 signature but cannot be opened (truncated or corrupt); `detail` is HDF5's reason.
    case unreadableFile(file: String, detail: String)
    /// A group, dataset or attribute the schema requires is absent.
    case missingObject(file: String, object: String)
    /// A dataset or attribute has the wrong number of dimensions.
    case wrongRank(file: String, object: String, expected: String, found: Int)
    /// Two things that must have the same length do not.
    case lengthMismatch(file: String, object: String, expected: Int, found: Int, reference: String)
    /// A trace with no samples.
    case emptyTrace(file: String, object: String)
    /// A NaN or infinite value at flat index `index`.
    case nonFinite(file: String, object: String, index: Int, value: Double)
    /// Sample times not strictly increasing at `index` (t[index] <= t[index - 1]).
    case nonIncreasingTime(file: String, object: String, index: Int, previous: Double, value: Double)
    /// Data of the wrong kind (integer or string where floating-point numbers are expected, ...).
    case wrongType(file: String, object: String, expected: String, found: String)
    /// A sampling interval dt (seconds) that is zero, negative or not finite.
    case invalidSampling(file: String, object: String, dt: Double)
    /// A table has no column matching the requested name.
    case missingColumn(file: String, column: String, available: [String])
    /// A table row with a different number of fields from the header.
    case raggedRow(file: String, line: Int, expected: Int, found: Int)
    /// A table field that is not a number.
    case badNumber(file: String, line: Int, column: String, text: String)
    /// A file of the wrong kind or version (`format`, `version` attributes), or a malformed header.
    case wrongFormat(file: String, object: String, detail: String)
    /// A value outside its allowed set or range (unknown activation, non-positive std, ...).
    case invalidValue(file: String, object: String, detail: String)
    /// Any other failure reported by libhdf5; `detail` is its innermost message.
    case hdf5(file: String, object: String, operation: String, detail: String)
    /// Operating-system input/output failure (create, write, rename).
    case io(file: String, detail: String)
    /// A dataset whose claimed size cannot be read: more values than the file stores or than the
    /// machine's available memory holds; `detail` gives the claimed size and the limit.
    case tooLarge(file: String, object: String, detail: String)
    /// A file whose HDF5 structures are damaged so that libhdf5 crashes or loops reading them (found by
    /// `HDF5Preflight` in a child process); `detail` names what failed.
    case corrupted(file: String, detail: String)

    /// The case without its context, for tests and for callers that branch on the problem.
    public enum Kind: String, Sendable {
        case fileNotFound, notAFile, notHDF5, unreadableFile, missingObject, wrongRank, lengthMismatch, emptyTrace
        case nonFinite, nonIncreasingTime, wrongType, invalidSampling, missingColumn, raggedRow, badNumber
        case wrongFormat, invalidValue, hdf5, io, tooLarge, corrupted
    }

    public var kind: Kind {
        switch self {
        case .fileNotFound: return .fileNotFound
        case .notAFile: return .notAFile
        case .notHDF5: return .notHDF5
        case .unreadableFile: return .unreadableFile
        case .missingObject: return .missingObject
        case .wrongRank: return .wrongRank
        case .lengthMismatch: return .lengthMismatch
        case .emptyTrace: return .emptyTrace
        case .nonFinite: return .nonFinite
        case .nonIncreasingTime: return .nonIncreasingTime
        case .wrongType: return .wrongType
        case .invalidSampling: return .invalidSampling
        case .missingColumn: return .missingColumn
        case .raggedRow: return .raggedRow
        case .badNumber: return .badNumber
        case .wrongFormat: return .wrongFormat
        case .invalidValue: return .invalidValue
        case .hdf5: return .hdf5
        case .io: return .io
        case .tooLarge: return .tooLarge
        case .corrupted: return .corrupted
        }
    }

    /// The file the error is about.
    public var file: String {
        switch self {
        case .fileNotFound(let f), .notAFile(let f, _), .notHDF5(let f), .unreadableFile(let f, _), .missingObject(let f, _),
             .wrongRank(let f, _, _, _), .lengthMismatch(let f, _, _, _, _), .emptyTrace(let f, _),
             .nonFinite(let f, _, _, _), .nonIncreasingTime(let f, _, _, _, _), .wrongType(let f, _, _, _),
             .invalidSampling(let f, _, _), .missingColumn(let f, _, _), .raggedRow(let f, _, _, _),
             .badNumber(let f, _, _, _), .wrongFormat(let f, _, _), .invalidValue(let f, _, _),
             .hdf5(let f, _, _, _), .io(let f, _), .tooLarge(let f, _, _), .corrupted(let f, _):
            return f
        }
    }

    /// The object inside the file (HDF5 path, attribute, column or line), or "" for whole-file errors.
    public var object: String {
        switch self {
        case .fileNotFound, .notAFile, .notHDF5, .unreadableFile, .io, .corrupted: return ""
        case .missingObject(_, let o), .wrongRank(_, let o, _, _), .lengthMismatch(_, let o, _, _, _),
             .emptyTrace(_, let o), .nonFinite(_, let o, _, _), .nonIncreasingTime(_, let o, _, _, _),
             .wrongType(_, let o, _, _), .invalidSampling(_, let o, _), .wrongFormat(_, let o, _),
             .invalidValue(_, let o, _), .hdf5(_, let o, _, _), .tooLarge(_, let o, _):
            return o
        case .missingColumn(_, let c, _): return "column '\(c)'"
        case .raggedRow(_, let line, _, _): return "line \(line)"
        case .badNumber(_, let line, let c, _): return "line \(line), column '\(c)'"
        }
    }

    /// The problem, without file and object.
    public var problem: String {
        switch self {
        case .fileNotFound: return "no such file"
        case .notAFile(_, let d): return d
        case .notHDF5: return "not an HDF5 file (no HDF5 signature)"
        case .unreadableFile(_, let d): return "cannot open HDF5 file (truncated or corrupt): \(d)"
        case .missingObject: return "missing"
        case .wrongRank(_, _, let e, let f): return "has rank \(f), expected \(e)"
        case .lengthMismatch(_, _, let e, let f, let r): return "has length \(f), but \(r) has \(e)"
        case .emptyTrace: return "empty trace (no samples)"
        case .nonFinite(_, _, let i, let v): return "non-finite value \(v) at index \(i)"
        case .nonIncreasingTime(_, _, let i, let p, let v):
            return "times not strictly increasing: t[\(i)] = \(v) s after t[\(i - 1)] = \(p) s"
        case .wrongType(_, _, let e, let f): return "holds \(f) data, expected \(e)"
        case .invalidSampling(_, _, let dt): return "sampling interval dt = \(dt) s must be positive and finite"
        case .missingColumn(_, _, let a): return "no such column; columns are: \(a.joined(separator: ", "))"
        case .raggedRow(_, _, let e, let f): return "has \(f) fields, header has \(e)"
        case .badNumber(_, _, _, let t): return "'\(t)' is not a number"
        case .wrongFormat(_, _, let d), .invalidValue(_, _, let d), .tooLarge(_, _, let d): return d
        case .hdf5(_, _, let op, let d): return "\(op) failed: \(d)"
        case .io(_, let d): return d
        case .corrupted(_, let d): return "corrupted HDF5 file: \(d)"
        }
    }

    public var description: String {
        let o = object
        return o.isEmpty ? "\(file): \(problem)" : "\(file): \(o): \(problem)"
    }
}
