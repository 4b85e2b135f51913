import Foundation

/// A field on a rectangular mesh as stored in an OVF 2.0 file: the format OOMMF and mumax3 use for
/// magnetisation snapshots and effective fields (OOMMF User's Guide, "OVF 2.0 format";
/// mumax3 `oommf/ovf2.go`).
///
/// A plain value, independent of the solver's own types. Cell (ix, iy, iz), component c, sits at
/// `values[((iz * ny + iy) * nx + ix) * valueDimension + c]`: x fastest, then y, then z, the order
/// of the file's data block. Lengths are in metres (`meshunit: m`).
///
/// ```swift
/// let m = try OVFField.read(from: "m000000.ovf")          // any of Binary 8, Binary 4, Text
/// try m.write(to: "copy.ovf", format: .binary8)
/// ```
public struct OVFField: Equatable, Sendable {
    /// Number of cells along x, y, z (`xnodes`, `ynodes`, `znodes`).
    public var nx: Int, ny: Int, nz: Int
    /// Cell size (`xstepsize`, `ystepsize`, `zstepsize`), m.
    public var cellSize: SIMD3<Double>
    /// Lower corner of the mesh (`xmin`, `ymin`, `zmin`), m; the first cell's centre (`xbase`, ...)
    /// is origin + cellSize / 2.
    public var origin: SIMD3<Double>
    /// Components per cell (`valuedim`): 3 for a vector field, 1 for a scalar field.
    public var valueDimension: Int
    /// The values, x fastest, then y, then z, components innermost; count nx ny nz valueDimension.
    public var values: [Double]
    /// `Title` (mumax3 writes the quantity's name, e.g. "m").
    public var title: String
    /// `valuelabels`, one per component (mumax3: "m_x m_y m_z").
    public var valueLabels: [String]
    /// `valueunits`, one per component (mumax3: "1" for m, "T" for fields, "A/m" for M).
    public var valueUnits: [String]
    /// The `Desc` lines, verbatim (mumax3: "Total simulation time:  1e-09  s").
    public var descriptions: [String]

    /// A field of nx x ny x nz cells. Labels default to title_x, title_y, title_z (title for a scalar)
    /// and units to "1", as mumax3 writes them.
    public init(nx: Int, ny: Int, nz: Int, cellSize: SIMD3<Double>, origin: SIMD3<Double> = .zero,
                valueDimension: Int = 3, values: [Double], title: String = "m",
                valueLabels: [String]? = nil, valueUnits: [String]? = nil, descriptions: [String] = []) {
        self.nx = nx; self.ny = ny; self.nz = nz
        self.cellSize = cellSize
        self.origin = origin
        self.valueDimension = valueDimension
        self.values = values
        self.title = title
        let axes = ["x", "y", "z"]
        self.valueLabels = valueLabels ?? (valueDimension == 1 ? [title]
            : (0..<valueDimension).map { "\(title)_\($0 < 3 ? axes[$0] : String($0))" })
        self.valueUnits = valueUnits ?? [String](repeating: "1", count: valueDimension)
        self.descriptions = descriptions
    }

    /// Number of cells nx ny nz.
    public var cellCount: Int { nx * ny * nz }

    /// Component c of cell (ix, iy, iz).
    public subscript(ix: Int, iy: Int, iz: Int, c: Int) -> Double {
        get { values[((iz * ny + iy) * nx + ix) * valueDimension + c] }
        set { values[((iz * ny + iy) * nx + ix) * valueDimension + c] = newValue }
    }
}

/// The data encodings of OVF 2.0.
public enum OVFDataFormat: String, Sendable, CaseIterable {
    /// Little-endian IEEE float64, preceded by the check value 123456789012345.0.
    case binary8 = "Binary 8"
    /// Little-endian IEEE float32, preceded by the check value 1234567.0 (mumax3's default).
    case binary4 = "Binary 4"
    /// Decimal text, one cell per line.
    case text = "Text"

    /// The check value OVF 2.0 puts before binary data.
    public static let checkValue8 = 123456789012345.0
    public static let checkValue4: Float = 1234567.0
}

/// Why an OVF file could not be read or written; each reads as one line naming the file.
public enum OVFError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, reason: String)
    case notOVF2(file: String, firstLine: String)
    case missingHeaderKey(file: String, key: String)
    case invalidHeaderValue(file: String, key: String, value: String)
    case unsupported(file: String, feature: String)
    case missingDataBlock(file: String)
    case badCheckValue(file: String, format: String, expected: Double, found: Double)
    case truncatedData(file: String, format: String, expectedValues: Int, foundValues: Int)
    case invalidNumber(file: String, token: String)
    case inconsistentField(file: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "\(file): cannot read or write OVF file: \(reason)"
        case let .notOVF2(file, line): return "\(file): not an OVF 2.0 file (first line '\(line)', expected '# OOMMF OVF 2.0')"
        case let .missingHeaderKey(file, key): return "\(file): OVF header lacks the required key '\(key)'"
        case let .invalidHeaderValue(file, key, value): return "\(file): OVF header key '\(key)' has invalid value '\(value)'"
        case let .unsupported(file, feature): return "\(file): unsupported OVF feature: \(feature)"
        case let .missingDataBlock(file): return "\(file): OVF file has no '# Begin: Data ...' line"
        case let .badCheckValue(file, format, expected, found):
            return "\(file): OVF \(format) check value is \(found), expected \(expected) (wrong byte order or corrupt data)"
        case let .truncatedData(file, format, expected, found):
            return "\(file): OVF \(format) data truncated: \(found) of \(expected) values present"
        case let .invalidNumber(file, token): return "\(file): OVF text data holds '\(token)', which is not a number"
        case let .inconsistentField(file, reason): return "\(file): inconsistent OVF field: \(reason)"
        }
    }
}

// MARK: - Reading

extension OVFField {
    /// Reads the first segment of an OVF 2.0 file (`Binary 8`, `Binary 4` or `Text` data).
    public static func read(from path: String) throws -> OVFField {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OVFError.unreadable(file: path, reason: "no such file or not readable")
        }
        return try decode([UInt8](data), source: path)
    }

    /// Parses the bytes of an OVF 2.0 file; `source` names it in errors.
    public static func decode(_ bytes: [UInt8], source: String) throws -> OVFField {
        var header = [String: String]()
        var descriptions = [String]()
        var position = 0
        var lineNumber = 0
        var format: OVFDataFormat?

        func nextLine() -> String? {
            guard position < bytes.count else { return nil }
            var end = position
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            var line = String(decoding: bytes[position..<end], as: UTF8.self)
            if line.hasSuffix("\r") { line.removeLast() }
            position = min(end + 1, bytes.count)
            lineNumber += 1
            return line
        }

        guard let first = nextLine() else { throw OVFError.notOVF2(file: source, firstLine: "") }
        let firstNormalised = first.trimmingCharacters(in: .whitespaces).lowercased()
            .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        if firstNormalised.hasPrefix("# oommf: rectangular mesh") || firstNormalised.hasPrefix("# oommf: irregular mesh") {
            throw OVFError.unsupported(file: source, feature: "OVF 1.0 ('\(first)'); only OVF 2.0 is read")
        }
        guard firstNormalised == "# oommf ovf 2.0" else {
            throw OVFError.notOVF2(file: source, firstLine: String(first.prefix(60)))
        }

        headerLoop: while let raw = nextLine() {
            var line = raw
            if let comment = line.range(of: "##") { line = String(line[..<comment.lowerBound]) }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard trimmed.hasPrefix("#") else {
                throw OVFError.invalidHeaderValue(file: source, key: "line \(lineNumber)", value: String(trimmed.prefix(60)))
            }
            let body = trimmed.dropFirst().trimmingCharacters(in: .whitespaces)
            guard let colon = body.firstIndex(of: ":") else { continue }
            let key = body[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if key == "begin" && value.lowercased().hasPrefix("data") {
                let kind = value.dropFirst(4).split(separator: " ").joined(separator: " ").lowercased()
                switch kind {
                case "binary 8": format = .binary8
                case "binary 4": format = .binary4
                case "text": format = .text
                default: throw OVFError.unsupported(file: source, feature: "data format '\(value)'")
                }
                break headerLoop
            }
            switch key {
            case "desc": descriptions.append(value)
            case "begin", "end": continue
            default: if header[key] == nil { header[key] = value }
            }
        }
        guard let format else { throw OVFError.missingDataBlock(file: source) }

        func required(_ key: String) throws -> String {
            guard let v = header[key] else { throw OVFError.missingHeaderKey(file: source, key: key) }
            return v
        }
        func integer(_ key: String) throws -> Int {
            let v = try required(key)
            guard let n = Int(v), n > 0 else { throw OVFError.invalidHeaderValue(file: source, key: key, value: v) }
            return n
        }
        func real(_ key: String) throws -> Double? {
            guard let v = header[key] else { return nil }
            guard let x = Double(v), x.isFinite else { throw OVFError.invalidHeaderValue(file: source, key: key, value: v) }
            return x
        }

        if let count = header["segment count"], let n = Int(count), n < 1 {
            throw OVFError.invalidHeaderValue(file: source, key: "segment count", value: count)
        }
        let meshType = try required("meshtype")
        guard meshType.lowercased() == "rectangular" else {
            throw OVFError.unsupported(file: source, feature: "meshtype '\(meshType)' (only rectangular)")
        }
        if let unit = header["meshunit"], unit != "m" {
            throw OVFError.unsupported(file: source, feature: "meshunit '\(unit)' (only m)")
        }
        let nx = try integer("xnodes"), ny = try integer("ynodes"), nz = try integer("znodes")
        let dim = try integer("valuedim")
        var step = SIMD3<Double>.zero
        for (i, key) in ["xstepsize", "ystepsize", "zstepsize"].enumerated() {
            guard let s = try real(key) else { throw OVFError.missingHeaderKey(file: source, key: key) }
            guard s > 0 else { throw OVFError.invalidHeaderValue(file: source, key: key, value: header[key]!) }
            step[i] = s
        }
        var origin = SIMD3<Double>.zero
        for (i, axis) in ["x", "y", "z"].enumerated() {
            if let lower = try real(axis + "min") { origin[i] = lower }
            else if let base = try real(axis + "base") { origin[i] = base - step[i] / 2 }
        }
        let labels = header["valuelabels"].map(splitOVFList)
        let units = header["valueunits"].map(splitOVFList)
        let title = header["title"] ?? ""

        // The header's sizes come from the file: multiplied with overflow checks and bounded by the
        // file's length (every value takes at least one byte), before anything is allocated.
        var count = 1
        for factor in [nx, ny, nz, dim] {
            let (product, overflow) = count.multipliedReportingOverflow(by: factor)
            guard !overflow, product <= bytes.count else {
                throw OVFError.inconsistentField(
                    file: source, reason: "header claims \(nx) x \(ny) x \(nz) cells of dimension \(dim), more values than "
                        + "the file's \(bytes.count) bytes can hold")
            }
            count = product
        }
        let values: [Double]
        switch format {
        case .binary8, .binary4:
            let width = format == .binary8 ? 8 : 4
            let available = max(0, (bytes.count - position) / width - 1)
            guard bytes.count - position >= width else {
                throw OVFError.truncatedData(file: source, format: format.rawValue, expectedValues: count, foundValues: 0)
            }
            let check = format == .binary8 ? littleEndianDouble(bytes, at: position)
                                           : Double(littleEndianFloat(bytes, at: position))
            let expected = format == .binary8 ? OVFDataFormat.checkValue8 : Double(OVFDataFormat.checkValue4)
            guard check == expected else {
                throw OVFError.badCheckValue(file: source, format: format.rawValue, expected: expected, found: check)
            }
            guard available >= count else {
                throw OVFError.truncatedData(file: source, format: format.rawValue, expectedValues: count,
                                             foundValues: available)
            }
            let start = position + width
            var v = [Double](repeating: 0, count: count)
            if format == .binary8 {
                for i in 0..<count { v[i] = littleEndianDouble(bytes, at: start + 8 * i) }
            } else {
                for i in 0..<count { v[i] = Double(littleEndianFloat(bytes, at: start + 4 * i)) }
            }
            values = v
        case .text:
            var v = [Double]()
            v.reserveCapacity(count)
            textLoop: while let line = nextLine() {
                for token in line.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                    if token.hasPrefix("#") { break textLoop }
                    guard let x = Double(token) else { throw OVFError.invalidNumber(file: source, token: String(token.prefix(40))) }
                    v.append(x)
                }
            }
            guard v.count >= count else {
                throw OVFError.truncatedData(file: source, format: format.rawValue, expectedValues: count, foundValues: v.count)
            }
            guard v.count == count else {
                throw OVFError.inconsistentField(file: source, reason: "text data holds \(v.count) values, header says \(count)")
            }
            values = v
        }

        return OVFField(nx: nx, ny: ny, nz: nz, cellSize: step, origin: origin, valueDimension: dim,
                        values: values, title: title,
                        valueLabels: labels?.count == dim ? labels : nil,
                        valueUnits: units?.count == dim ? units : (units?.count == 1 ? Array(repeating: units![0], count: dim) : nil),
                        descriptions: descriptions)
    }
}

// MARK: - Writing

extension OVFField {
    /// Writes the field as an OVF 2.0 file in mumax3's layout (header keys in mumax3's order).
    public func write(to path: String, format: OVFDataFormat = .binary8) throws {
        let bytes = try encoded(format, name: path)
        do { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
        catch { throw OVFError.unreadable(file: path, reason: "\(error.localizedDescription)") }
    }

    /// The bytes of the OVF 2.0 file; `name` labels errors.
    public func encoded(_ format: OVFDataFormat, name: String = "<memory>") throws -> [UInt8] {
        guard nx > 0, ny > 0, nz > 0, valueDimension > 0 else {
            throw OVFError.inconsistentField(file: name, reason: "mesh \(nx) x \(ny) x \(nz), valuedim \(valueDimension)")
        }
        guard values.count == cellCount * valueDimension else {
            throw OVFError.inconsistentField(file: name, reason:
                "\(values.count) values for \(nx) x \(ny) x \(nz) cells of dimension \(valueDimension)")
        }
        guard valueLabels.count == valueDimension, valueUnits.count == valueDimension else {
            throw OVFError.inconsistentField(file: name, reason:
                "\(valueLabels.count) labels and \(valueUnits.count) units for valuedim \(valueDimension)")
        }
        guard cellSize.x > 0, cellSize.y > 0, cellSize.z > 0 else {
            throw OVFError.inconsistentField(file: name, reason: "cell size \(cellSize) must be positive")
        }
        if format == .binary4, let bad = values.first(where: { $0.isFinite && abs($0) > Double(Float.greatestFiniteMagnitude) }) {
            throw OVFError.inconsistentField(file: name, reason: "value \(bad) overflows Binary 4 (float32)")
        }
        var h = "# OOMMF OVF 2.0\n# Segment count: 1\n# Begin: Segment\n# Begin: Header\n"
        func line(_ key: String, _ value: String) { h += "# \(key): \(value)\n" }
        line("Title", title)
        line("meshtype", "rectangular")
        line("meshunit", "m")
        let upper = origin + cellSize * SIMD3(Double(nx), Double(ny), Double(nz))
        line("xmin", number(origin.x)); line("ymin", number(origin.y)); line("zmin", number(origin.z))
        line("xmax", number(upper.x)); line("ymax", number(upper.y)); line("zmax", number(upper.z))
        line("valuedim", "\(valueDimension)")
        line("valuelabels", valueLabels.map(quoteOVFListItem).joined(separator: " "))
        line("valueunits", valueUnits.map(quoteOVFListItem).joined(separator: " "))
        for d in descriptions { line("Desc", d) }
        let base = origin + cellSize / 2
        line("xbase", number(base.x)); line("ybase", number(base.y)); line("zbase", number(base.z))
        line("xnodes", "\(nx)"); line("ynodes", "\(ny)"); line("znodes", "\(nz)")
        line("xstepsize", number(cellSize.x)); line("ystepsize", number(cellSize.y)); line("zstepsize", number(cellSize.z))
        line("End", "Header")
        line("Begin", "Data \(format.rawValue)")
        var out = [UInt8](h.utf8)
        switch format {
        case .binary8:
            out.reserveCapacity(out.count + 8 * (values.count + 1) + 64)
            appendLittleEndian(OVFDataFormat.checkValue8.bitPattern, to: &out)
            for v in values { appendLittleEndian(v.bitPattern, to: &out) }
            out.append(0x0A)
        case .binary4:
            out.reserveCapacity(out.count + 4 * (values.count + 1) + 64)
            appendLittleEndian(OVFDataFormat.checkValue4.bitPattern, to: &out)
            for v in values { appendLittleEndian(Float(v).bitPattern, to: &out) }
            out.append(0x0A)
        case .text:
            var text = ""
            text.reserveCapacity(values.count * 24)
            for cell in 0..<cellCount {
                for c in 0..<valueDimension {
                    if c > 0 { text += " " }
                    text += number(values[cell * valueDimension + c])
                }
                text += "\n"
            }
            out += Array(text.utf8)
        }
        out += Array("# End: Data \(format.rawValue)\n# End: Segment\n".utf8)
        return out
    }
}

// MARK: - Helpers

/// Shortest decimal that reads back to the same Double ("1e-09", "0.5", "-3.0").
private func number(_ x: Double) -> String { "\(x)" }

/// Splits an OVF 2.0 list value ("m_x m_y m_z", "{A/m} {A/m} {A/m}") into items; braces group words.
private func splitOVFList(_ value: String) -> [String] {
    var items = [String](), current = "", depth = 0
    for ch in value {
        if depth == 0 && ch == "{" {
            depth = 1
        } else if depth == 1 && ch == "}" {
            depth = 0; items.append(current); current = ""
        } else if depth == 0 && (ch == " " || ch == "\t") {
            if !current.isEmpty { items.append(current); current = "" }
        } else {
            current.append(ch)
        }
    }
    if !current.isEmpty { items.append(current) }
    return items
}

private func quoteOVFListItem(_ s: String) -> String { s.contains(" ") || s.isEmpty ? "{\(s)}" : s }

private func littleEndianDouble(_ bytes: [UInt8], at offset: Int) -> Double {
    var bits: UInt64 = 0
    for k in 0..<8 { bits |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
    return Double(bitPattern: bits)
}

private func littleEndianFloat(_ bytes: [UInt8], at offset: Int) -> Float {
    var bits: UInt32 = 0
    for k in 0..<4 { bits |= UInt32(bytes[offset + k]) << (8 * UInt32(k)) }
    return Float(bitPattern: bits)
}

private func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
    var v = value.littleEndian
    withUnsafeBytes(of: &v) { out.append(contentsOf: $0) }
}
