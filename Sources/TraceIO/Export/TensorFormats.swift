import Foundation

/// A named Float64 tensor (row-major values and shape) for export.
public struct NamedTensor: Equatable, Sendable {
    public var name: String
    public var shape: [Int]
    public var values: [Double]
    public init(name: String, shape: [Int], values: [Double]) {
        precondition(shape.reduce(1, *) == values.count, "NamedTensor \(name): shape \(shape) does not hold \(values.count) values")
        self.name = name
        self.shape = shape
        self.values = values
    }
}

extension Data {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    mutating func appendLittleEndian(_ values: [Double]) {
        reserveCapacity(count + 8 * values.count)
        for v in values { appendLittleEndian(v.bitPattern) }
    }
}

/// The safetensors format (Hugging Face, github.com/huggingface/safetensors, "Format"):
/// an 8-byte little-endian header length N, N bytes of JSON mapping each tensor name to
/// {"dtype", "shape", "data_offsets": [begin, end]} (offsets into the byte buffer that follows),
/// plus optional "__metadata__" of strings; then the raw little-endian tensor bytes, in order and
/// without gaps. The header is padded with spaces to a multiple of 8 bytes, as the reference
/// writer does, so the data are 8-byte aligned.
public enum Safetensors {
    public static func encode(_ tensors: [NamedTensor], metadata: [(String, String)] = [("format", "pt")]) -> Data {
        var members: [(String, JSONValue)] = []
        if !metadata.isEmpty { members.append(("__metadata__", .object(metadata.map { ($0.0, .string($0.1)) }))) }
        var offset = 0
        for t in tensors {
            let end = offset + 8 * t.values.count
            members.append((t.name, .object([("dtype", .string("F64")), ("shape", .array(t.shape.map { .integer($0) })),
                                             ("data_offsets", .array([.integer(offset), .integer(end)]))])))
            offset = end
        }
        var header = Data(JSONValue.object(members).rendered(indent: nil).utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var data = Data()
        data.appendLittleEndian(UInt64(header.count))
        data.append(header)
        for t in tensors { data.appendLittleEndian(t.values) }
        return data
    }
}

/// NumPy's `.npy` format version 1.0 (numpy.lib.format, NEP 1): the magic "\x93NUMPY", version
/// bytes 1, 0, a 2-byte little-endian header length, an ASCII Python-dict header
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (r, c), }` padded with spaces and ended by
/// "\n" so the data start at a multiple of 64 bytes, then the C-order little-endian data.
public enum NPY {
    public static func encode(shape: [Int], values: [Double]) -> Data {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        data.appendLittleEndian(UInt16(header.utf8.count))
        data.append(contentsOf: Array(header.utf8))
        data.appendLittleEndian(values)
        return data
    }

    /// An `.npz` archive as `numpy.savez` writes it: a zip of "<name>.npy" members, stored
    /// (uncompressed).
    public static func encodeArchive(_ tensors: [NamedTensor]) -> Data {
        ZipArchive.stored(tensors.map { ($0.name + ".npy", encode(shape: $0.shape, values: $0.values)) })
    }
}

/// A ZIP archive of stored (uncompressed) members (PKWARE APPNOTE.TXT 6.3: local file headers,
/// central directory, end of central directory record), CRC-32 per member, times 1980-01-01 00:00.
/// Limited to members and archives under 4 GiB (no ZIP64).
public enum ZipArchive {
    public static func stored(_ members: [(name: String, data: Data)]) -> Data {
        let dosTime: UInt16 = 0, dosDate: UInt16 = (0 << 9) | (1 << 5) | 1
        var archive = Data()
        var central = Data()
        for (name, data) in members {
            let nameBytes = Array(name.utf8)
            let crc = CRC32.checksum(data)
            let offset = UInt32(archive.count)
            archive.appendLittleEndian(UInt32(0x0403_4B50))
            archive.appendLittleEndian(UInt16(20))            // version needed to extract (2.0)
            archive.appendLittleEndian(UInt16(0))             // flags
            archive.appendLittleEndian(UInt16(0))             // method: stored
            archive.appendLittleEndian(dosTime)
            archive.appendLittleEndian(dosDate)
            archive.appendLittleEndian(crc)
            archive.appendLittleEndian(UInt32(data.count))    // compressed size
            archive.appendLittleEndian(UInt32(data.count))    // uncompressed size
            archive.appendLittleEndian(UInt16(nameBytes.count))
            archive.appendLittleEndian(UInt16(0))             // extra field length
            archive.append(contentsOf: nameBytes)
            archive.append(data)

            central.appendLittleEndian(UInt32(0x0201_4B50))
            central.appendLittleEndian(UInt16(20))            // version made by
            central.appendLittleEndian(UInt16(20))            // version needed
            central.appendLittleEndian(UInt16(0))
            central.appendLittleEndian(UInt16(0))
            central.appendLittleEndian(dosTime)
            central.appendLittleEndian(dosDate)
            central.appendLittleEndian(crc)
            central.appendLittleEndian(UInt32(data.count))
            central.appendLittleEndian(UInt32(data.count))
            central.appendLittleEndian(UInt16(nameBytes.count))
            central.appendLittleEndian(UInt16(0))             // extra
            central.appendLittleEndian(UInt16(0))             // comment
            central.appendLittleEndian(UInt16(0))             // disk number start
            central.appendLittleEndian(UInt16(0))             // internal attributes
            central.appendLittleEndian(UInt32(0))             // external attributes
            central.appendLittleEndian(offset)
            central.append(contentsOf: nameBytes)
        }
        let centralOffset = UInt32(archive.count)
        archive.append(central)
        archive.appendLittleEndian(UInt32(0x0605_4B50))
        archive.appendLittleEndian(UInt16(0))                 // this disk
        archive.appendLittleEndian(UInt16(0))                 // disk with central directory
        archive.appendLittleEndian(UInt16(members.count))
        archive.appendLittleEndian(UInt16(members.count))
        archive.appendLittleEndian(UInt32(central.count))
        archive.appendLittleEndian(centralOffset)
        archive.appendLittleEndian(UInt16(0))                 // comment length
        return archive
    }
}
