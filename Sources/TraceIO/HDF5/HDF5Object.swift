import CHDF5
import Foundation

/// An open HDF5 group or dataset: holds its identifier (closed on release) and the file it lives
/// in, and reads and writes the object's attributes.
public class HDF5Object {
    /// The file this object lives in (kept open while the object is alive).
    public let file: HDF5File
    /// Absolute path of the object inside the file, e.g. "/traces/run1/outputs".
    public let path: String
    @usableFromInline let id: hid_t
    private let closeID: (hid_t) -> herr_t

    init(file: HDF5File, path: String, id: hid_t, close: @escaping (hid_t) -> herr_t) {
        self.file = file
        self.path = path
        self.id = id
        self.closeID = close
    }

    deinit { _ = closeID(id) }

    /// The path of child `name` of this object.
    func childPath(_ name: String) -> String {
        path == "/" ? "/" + name : path + "/" + name
    }

    func attributeObject(_ name: String) -> String { "\(path) attribute '\(name)'" }

    func failure(_ operation: String, object: String? = nil) -> TraceIOError {
        .hdf5(file: file.path, object: object ?? path, operation: operation, detail: HDF5Library.innermostMessage())
    }

    // MARK: Attribute queries

    /// Whether the object has an attribute called `name`.
    public func hasAttribute(_ name: String) -> Bool {
        H5Aexists(id, name) > 0
    }

    /// Names of all attributes, in name order.
    public func attributeNames() throws -> [String] {
        var names: [String] = []
        var index: hsize_t = 0
        let status = withUnsafeMutablePointer(to: &names) { pointer in
            H5Aiterate2(id, H5_INDEX_NAME, H5_ITER_INC, &index, { _, name, _, data in
                guard let name, let data else { return 0 }
                data.assumingMemoryBound(to: [String].self).pointee.append(String(cString: name))
                return 0
            }, pointer)
        }
        if status < 0 { throw failure("listing attributes") }
        return names
    }

    /// Opens attribute `name`, runs `body` with its identifier, its type and its element count,
    /// and closes everything.
    private func withAttribute<R>(_ name: String, _ body: (hid_t, hid_t, Int, Int) throws -> R) throws -> R {
        HDF5Library.prepareThread()
        let object = attributeObject(name)
        guard hasAttribute(name) else { throw TraceIOError.missingObject(file: file.path, object: object) }
        let attribute = H5Aopen(id, name, spinode_H5P_DEFAULT())
        guard attribute >= 0 else { throw failure("opening attribute", object: object) }
        defer { H5Aclose(attribute) }
        let type = H5Aget_type(attribute)
        guard type >= 0 else { throw failure("reading attribute type", object: object) }
        defer { H5Tclose(type) }
        let space = H5Aget_space(attribute)
        guard space >= 0 else { throw failure("reading attribute shape", object: object) }
        defer { H5Sclose(space) }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        let count = Int(H5Sget_simple_extent_npoints(space))
        guard count >= 0, rank >= 0 else { throw failure("reading attribute shape", object: object) }
        try checkStored(count: count, type: type, object: object)
        return try body(attribute, type, count, rank)
    }

    /// Refuses an attribute whose shape claims more values than the whole file could store (a damaged
    /// dataspace message): reading it would allocate the claimed size first (seconds of page zeroing, or
    /// the allocator failing) before libhdf5 finds nothing there. Each stored value takes its type's size
    /// in the file, 16 bytes for a variable-length string (length, heap address, index).
    private func checkStored(count: Int, type: hid_t, object: String) throws {
        guard count > 0 else { return }
        let stored = H5Tis_variable_str(type) > 0 ? 16 : max(1, H5Tget_size(type))
        var fileSize: hsize_t = 0
        guard H5Fget_filesize(file.id, &fileSize) >= 0 else { return }
        let bytes = Double(count) * Double(stored)
        if bytes > Double(fileSize) {
            throw TraceIOError.tooLarge(file: file.path, object: object,
                                        detail: "claims \(count) values (\(ByteCount(bytes))), more than the whole file holds (\(ByteCount(Double(fileSize))))")
        }
    }

    /// A string attribute (variable- or fixed-length; a one-element string array is accepted).
    public func stringAttribute(_ name: String) throws -> String {
        let values = try stringArrayAttribute(name)
        guard values.count == 1 else {
            throw TraceIOError.wrongRank(file: file.path, object: attributeObject(name),
                                         expected: "a single string", found: values.count == 0 ? 0 : 1)
        }
        return values[0]
    }

    /// A string or string-array attribute (variable- or fixed-length strings, as h5py, mumax3
    /// or other tools write them); a scalar string gives a one-element array.
    public func stringArrayAttribute(_ name: String) throws -> [String] {
        let object = attributeObject(name)
        return try withAttribute(name) { attribute, type, count, _ in
            guard H5Tget_class(type) == H5T_STRING else {
                throw TraceIOError.wrongType(file: file.path, object: object, expected: "string",
                                             found: HDF5Object.className(H5Tget_class(type)))
            }
            return try HDF5Object.readStrings(count: count, fileType: type, object: object, file: file.path) {
                memoryType, buffer in H5Aread(attribute, memoryType, buffer)
            }
        }
    }

    /// A numeric attribute (integer or floating point, converted to Double); one-element arrays accepted.
    public func doubleAttribute(_ name: String) throws -> Double {
        let values = try doubleArrayAttribute(name)
        guard values.count == 1 else {
            throw TraceIOError.wrongRank(file: file.path, object: attributeObject(name),
                                         expected: "a single number", found: 1)
        }
        return values[0]
    }

    /// A numeric array attribute (integer or floating point, converted to Double).
    public func doubleArrayAttribute(_ name: String) throws -> [Double] {
        let object = attributeObject(name)
        return try withAttribute(name) { attribute, type, count, _ in
            let typeClass = H5Tget_class(type)
            guard typeClass == H5T_FLOAT || typeClass == H5T_INTEGER else {
                throw TraceIOError.wrongType(file: file.path, object: object, expected: "numeric",
                                             found: HDF5Object.className(typeClass))
            }
            var values = [Double](repeating: 0, count: count)
            if count > 0 {
                let status = values.withUnsafeMutableBytes { H5Aread(attribute, spinode_H5T_NATIVE_DOUBLE(), $0.baseAddress) }
                if status < 0 { throw failure("reading attribute", object: object) }
            }
            return values
        }
    }

    /// An integer attribute; floating-point values are accepted when they are whole numbers.
    public func integerAttribute(_ name: String) throws -> Int {
        let values = try integerArrayAttribute(name)
        guard values.count == 1 else {
            throw TraceIOError.wrongRank(file: file.path, object: attributeObject(name),
                                         expected: "a single integer", found: 1)
        }
        return values[0]
    }

    /// An integer-array attribute; floating-point values are accepted when they are whole numbers.
    public func integerArrayAttribute(_ name: String) throws -> [Int] {
        let object = attributeObject(name)
        let isInteger = try withAttribute(name) { _, type, _, _ in H5Tget_class(type) == H5T_INTEGER }
        if isInteger {
            return try withAttribute(name) { attribute, _, count, _ in
                var values = [Int64](repeating: 0, count: count)
                if count > 0 {
                    let status = values.withUnsafeMutableBytes { H5Aread(attribute, spinode_H5T_NATIVE_INT64(), $0.baseAddress) }
                    if status < 0 { throw failure("reading attribute", object: object) }
                }
                return values.map { Int($0) }
            }
        }
        return try doubleArrayAttribute(name).map { value in
            guard value.isFinite, value == value.rounded(), abs(value) < 9.0e15 else {
                throw TraceIOError.wrongType(file: file.path, object: object, expected: "integer",
                                             found: "non-integer value \(value)")
            }
            return Int(value)
        }
    }

    /// Any attribute, read according to its stored type.
    public func attribute(_ name: String) throws -> HDF5AttributeValue {
        let (typeClass, count, rank) = try withAttribute(name) { _, type, count, rank in (H5Tget_class(type), count, rank) }
        switch typeClass {
        case H5T_STRING:
            let s = try stringArrayAttribute(name)
            return rank == 0 && s.count == 1 ? .string(s[0]) : .strings(s)
        case H5T_INTEGER:
            let v = try integerArrayAttribute(name)
            return rank == 0 && count == 1 ? .integer(v[0]) : .integers(v)
        case H5T_FLOAT:
            let v = try doubleArrayAttribute(name)
            return rank == 0 && count == 1 ? .number(v[0]) : .numbers(v)
        default:
            throw TraceIOError.wrongType(file: file.path, object: attributeObject(name),
                                         expected: "string, integer or float", found: HDF5Object.className(typeClass))
        }
    }

    // MARK: Attribute writing

    /// Writes (or replaces) attribute `name`.
    public func setAttribute(_ name: String, _ value: HDF5AttributeValue) throws {
        HDF5Library.prepareThread()
        let object = attributeObject(name)
        if hasAttribute(name), H5Adelete(id, name) < 0 { throw failure("replacing attribute", object: object) }
        switch value {
        case .string(let s): try writeStringAttribute(name, [s], scalar: true)
        case .strings(let s): try writeStringAttribute(name, s, scalar: false)
        case .number(let v): try writeNumericAttribute(name, [v], scalar: true)
        case .numbers(let v): try writeNumericAttribute(name, v, scalar: false)
        case .integer(let v): try writeIntegerAttribute(name, [Int64(v)], scalar: true)
        case .integers(let v): try writeIntegerAttribute(name, v.map { Int64($0) }, scalar: false)
        }
    }

    public func setAttribute(_ name: String, _ value: String) throws { try setAttribute(name, .string(value)) }
    public func setAttribute(_ name: String, _ value: [String]) throws { try setAttribute(name, .strings(value)) }
    public func setAttribute(_ name: String, _ value: Double) throws { try setAttribute(name, .number(value)) }
    public func setAttribute(_ name: String, _ value: [Double]) throws { try setAttribute(name, .numbers(value)) }
    public func setAttribute(_ name: String, _ value: Int) throws { try setAttribute(name, .integer(value)) }
    public func setAttribute(_ name: String, _ value: [Int]) throws { try setAttribute(name, .integers(value)) }

    private func makeSpace(count: Int, scalar: Bool, object: String) throws -> hid_t {
        let space: hid_t
        if scalar {
            space = H5Screate(H5S_SCALAR)
        } else {
            var dims = [hsize_t(count)]
            space = H5Screate_simple(1, &dims, nil)
        }
        guard space >= 0 else { throw failure("creating dataspace", object: object) }
        return space
    }

    private func writeRaw(_ name: String, fileType: hid_t, memoryType: hid_t, count: Int, scalar: Bool,
                          _ buffer: UnsafeRawPointer?) throws {
        let object = attributeObject(name)
        let space = try makeSpace(count: count, scalar: scalar, object: object)
        defer { H5Sclose(space) }
        let attribute = H5Acreate2(id, name, fileType, space, spinode_H5P_DEFAULT(), spinode_H5P_DEFAULT())
        guard attribute >= 0 else { throw failure("creating attribute", object: object) }
        defer { H5Aclose(attribute) }
        if count > 0, H5Awrite(attribute, memoryType, buffer) < 0 { throw failure("writing attribute", object: object) }
    }

    private func writeNumericAttribute(_ name: String, _ values: [Double], scalar: Bool) throws {
        try values.withUnsafeBytes {
            try writeRaw(name, fileType: spinode_H5T_IEEE_F64LE(), memoryType: spinode_H5T_NATIVE_DOUBLE(),
                         count: values.count, scalar: scalar, $0.baseAddress)
        }
    }

    private func writeIntegerAttribute(_ name: String, _ values: [Int64], scalar: Bool) throws {
        try values.withUnsafeBytes {
            try writeRaw(name, fileType: spinode_H5T_STD_I64LE(), memoryType: spinode_H5T_NATIVE_INT64(),
                         count: values.count, scalar: scalar, $0.baseAddress)
        }
    }

    /// Variable-length UTF-8 strings, as h5py writes Python `str` attributes.
    private func writeStringAttribute(_ name: String, _ values: [String], scalar: Bool) throws {
        let type = try HDF5Object.variableLengthUTF8(object: attributeObject(name), file: file.path)
        defer { H5Tclose(type) }
        var pointers: [UnsafeMutablePointer<CChar>?] = values.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        try pointers.withUnsafeMutableBytes {
            try writeRaw(name, fileType: type, memoryType: type, count: values.count, scalar: scalar, $0.baseAddress)
        }
    }

    // MARK: Shared helpers

    static func variableLengthUTF8(object: String, file: String) throws -> hid_t {
        let type = H5Tcopy(spinode_H5T_C_S1())
        guard type >= 0, H5Tset_size(type, spinode_H5T_VARIABLE()) >= 0, H5Tset_cset(type, H5T_CSET_UTF8) >= 0 else {
            throw TraceIOError.hdf5(file: file, object: object, operation: "making string type",
                                    detail: HDF5Library.innermostMessage())
        }
        return type
    }

    /// Reads `count` strings stored with `fileType` (variable- or fixed-length) through `read`.
    static func readStrings(count: Int, fileType: hid_t, object: String, file: String,
                            read: (hid_t, UnsafeMutableRawPointer?) -> herr_t) throws -> [String] {
        if count == 0 { return [] }
        let failure = { (op: String) in
            TraceIOError.hdf5(file: file, object: object, operation: op, detail: HDF5Library.innermostMessage())
        }
        let memoryType = H5Tcopy(spinode_H5T_C_S1())
        guard memoryType >= 0 else { throw failure("making string type") }
        defer { H5Tclose(memoryType) }
        H5Tset_cset(memoryType, H5Tget_cset(fileType))
        if H5Tis_variable_str(fileType) > 0 {
            H5Tset_size(memoryType, spinode_H5T_VARIABLE())
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            let status = pointers.withUnsafeMutableBytes { read(memoryType, $0.baseAddress) }
            if status < 0 { throw failure("reading strings") }
            defer { pointers.forEach { if let p = $0 { H5free_memory(p) } } }
            return pointers.map { $0.map { String(cString: $0) } ?? "" }
        }
        let size = H5Tget_size(fileType)
        guard size > 0 else { throw failure("reading string size") }
        H5Tset_size(memoryType, size)
        H5Tset_strpad(memoryType, H5T_STR_NULLPAD)
        var bytes = [UInt8](repeating: 0, count: count * size)
        let status = bytes.withUnsafeMutableBytes { read(memoryType, $0.baseAddress) }
        if status < 0 { throw failure("reading strings") }
        let spacePadded = H5Tget_strpad(fileType) == H5T_STR_SPACEPAD
        return (0..<count).map { i in
            var chunk = bytes[(i * size)..<((i + 1) * size)]
            if let end = chunk.firstIndex(of: 0) { chunk = chunk[..<end] }
            var s = String(decoding: chunk, as: UTF8.self)
            if spacePadded { while s.hasSuffix(" ") { s.removeLast() } }
            return s
        }
    }

    static func className(_ typeClass: H5T_class_t) -> String {
        switch typeClass {
        case H5T_INTEGER: return "integer"
        case H5T_FLOAT: return "floating-point"
        case H5T_STRING: return "string"
        case H5T_COMPOUND: return "compound"
        case H5T_ENUM: return "enum"
        case H5T_ARRAY: return "array"
        case H5T_VLEN: return "variable-length"
        case H5T_BITFIELD: return "bitfield"
        case H5T_OPAQUE: return "opaque"
        case H5T_REFERENCE: return "reference"
        case H5T_TIME: return "time"
        default: return "unknown-type"
        }
    }
}

/// An attribute value as stored: strings, 64-bit floats or 64-bit integers, scalar or 1-D.
public enum HDF5AttributeValue: Equatable, Sendable, CustomStringConvertible {
    case string(String)
    case strings([String])
    case number(Double)
    case numbers([Double])
    case integer(Int)
    case integers([Int])

    public var description: String {
        switch self {
        case .string(let s): return s
        case .strings(let s): return "[" + s.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        case .number(let v): return "\(v)"
        case .numbers(let v): return "[" + v.map { "\($0)" }.joined(separator: ", ") + "]"
        case .integer(let v): return "\(v)"
        case .integers(let v): return "[" + v.map { "\($0)" }.joined(separator: ", ") + "]"
        }
    }
}
