import TOMLKit

/// A parsed TOML value, detached from the TOML library: the spec reader works on this tree only.
public indirect enum SpecValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case double(Double)
    case bool(Bool)
    case array([SpecValue])
    case table([(String, SpecValue)])

    public static func == (a: SpecValue, b: SpecValue) -> Bool {
        switch (a, b) {
        case let (.string(x), .string(y)): return x == y
        case let (.integer(x), .integer(y)): return x == y
        case let (.double(x), .double(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.table(x), .table(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The TOML type name used in error messages.
    public var typeName: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .double: return "a number"
        case .bool: return "a boolean"
        case .array: return "an array"
        case .table: return "a table"
        }
    }

    /// Parses TOML text; syntax errors carry the line and column.
    public static func parse(_ text: String, file: String) throws -> SpecValue {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw SpecError.syntax(file: file, line: e.source.begin.line, column: e.source.begin.column,
                                   message: e.description)
        }
        return convert(table)
    }

    private static func convert(_ v: TOMLValueConvertible) -> SpecValue {
        switch v.type {
        case .table:
            let t = v.table!
            return .table(t.keys.map { k in (k, convert(t[k]!)) })
        case .array: return .array(v.array!.map { convert($0) })
        case .string: return .string(v.string!)
        case .int: return .integer(v.int!)
        case .double: return .double(v.double!)
        case .bool: return .bool(v.bool!)
        default: return .string(v.debugDescription)   // dates and times: no spec key takes them
        }
    }
}

/// A strict reader over one TOML table of a spec: every accessor names the full dotted key in its
/// errors, and `finish()` refuses any key that no accessor asked for (typos do not pass silently).
final class SpecTable {
    let file: String
    let path: String
    let entries: [(String, SpecValue)]
    private var used: Set<String> = []

    init(file: String, path: String, value: SpecValue) throws {
        self.file = file; self.path = path
        guard case let .table(e) = value else {
            throw SpecError.wrongType(file: file, key: path, expected: "a table", found: value.typeName)
        }
        entries = e
    }

    func key(_ k: String) -> String { path.isEmpty ? k : path + "." + k }
    func has(_ k: String) -> Bool { entries.contains { $0.0 == k } }
    func raw(_ k: String) -> SpecValue? {
        guard let v = entries.first(where: { $0.0 == k })?.1 else { return nil }
        used.insert(k); return v
    }

    /// Throws `unknownKey` for the first key no accessor read.
    func finish() throws {
        for (k, _) in entries where !used.contains(k) { throw SpecError.unknownKey(file: file, key: key(k)) }
    }

    func wrong(_ k: String, _ expected: String, _ v: SpecValue) -> SpecError {
        .wrongType(file: file, key: key(k), expected: expected, found: v.typeName)
    }
    func invalid(_ k: String, _ value: Any, _ requirement: String) -> SpecError {
        .invalidValue(file: file, key: key(k), value: SpecTable.render(value), requirement: requirement)
    }

    /// A value as a user wrote it: vectors as (x, y, z), arrays as [a, b], TOML values in TOML syntax,
    /// whole numbers without ".0" (never Swift's type names such as "SIMD3<Double>(...)").
    static func render(_ value: Any) -> String {
        func number(_ x: Double) -> String {
            x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
        }
        switch value {
        case let v as SIMD3<Double>: return "(\(number(v.x)), \(number(v.y)), \(number(v.z)))"
        case let v as SIMD2<Double>: return "(\(number(v.x)), \(number(v.y)))"
        case let a as [Double]: return "[" + a.map(number).joined(separator: ", ") + "]"
        case let x as Double: return number(x)
        case let v as SpecValue:
            switch v {
            case .string(let s): return "\"\(s)\""
            case .integer(let i): return "\(i)"
            case .double(let x): return number(x)
            case .bool(let b): return "\(b)"
            case .array(let a): return "[" + a.map { render($0) }.joined(separator: ", ") + "]"
            case .table: return "{...}"
            }
        default: return "\(value)"
        }
    }

    static func number(_ v: SpecValue) -> Double? {
        switch v { case .double(let x): return x; case .integer(let i): return Double(i); default: return nil }
    }

    func optionalDouble(_ k: String) throws -> Double? {
        guard let v = raw(k) else { return nil }
        guard let x = SpecTable.number(v) else { throw wrong(k, "a number", v) }
        guard x.isFinite else { throw invalid(k, x, "must be finite") }
        return x
    }
    func double(_ k: String) throws -> Double {
        guard let x = try optionalDouble(k) else { throw SpecError.missingKey(file: file, key: key(k)) }
        return x
    }
    func double(_ k: String, default d: Double) throws -> Double { try optionalDouble(k) ?? d }
    func positive(_ k: String) throws -> Double {
        let x = try double(k)
        guard x > 0 else { throw invalid(k, x, "must be positive") }
        return x
    }
    func optionalPositive(_ k: String) throws -> Double? {
        guard let x = try optionalDouble(k) else { return nil }
        guard x > 0 else { throw invalid(k, x, "must be positive") }
        return x
    }
    func nonNegative(_ k: String, default d: Double) throws -> Double {
        let x = try double(k, default: d)
        guard x >= 0 else { throw invalid(k, x, "must not be negative") }
        return x
    }
    func optionalInt(_ k: String) throws -> Int? {
        guard let v = raw(k) else { return nil }
        guard case .integer(let i) = v else { throw wrong(k, "an integer", v) }
        return i
    }
    func int(_ k: String) throws -> Int {
        guard let i = try optionalInt(k) else { throw SpecError.missingKey(file: file, key: key(k)) }
        return i
    }
    func optionalString(_ k: String) throws -> String? {
        guard let v = raw(k) else { return nil }
        guard case .string(let s) = v else { throw wrong(k, "a string", v) }
        return s
    }
    func string(_ k: String) throws -> String {
        guard let s = try optionalString(k) else { throw SpecError.missingKey(file: file, key: key(k)) }
        return s
    }
    func optionalBool(_ k: String) throws -> Bool? {
        guard let v = raw(k) else { return nil }
        guard case .bool(let b) = v else { throw wrong(k, "true or false", v) }
        return b
    }
    func optionalDoubles(_ k: String) throws -> [Double]? {
        guard let v = raw(k) else { return nil }
        guard case .array(let a) = v else { throw wrong(k, "an array of numbers", v) }
        return try a.map { e in
            guard let x = SpecTable.number(e), x.isFinite else { throw wrong(k, "an array of finite numbers", e) }
            return x
        }
    }
    func optionalVector(_ k: String) throws -> SIMD3<Double>? {
        guard let a = try optionalDoubles(k) else { return nil }
        guard a.count == 3 else { throw invalid(k, a, "must hold three numbers [x, y, z]") }
        return SIMD3(a[0], a[1], a[2])
    }
    func vector(_ k: String) throws -> SIMD3<Double> {
        guard let v = try optionalVector(k) else { throw SpecError.missingKey(file: file, key: key(k)) }
        return v
    }
    func optionalTable(_ k: String) throws -> SpecTable? {
        guard let v = raw(k) else { return nil }
        return try SpecTable(file: file, path: key(k), value: v)
    }
    /// An array of tables (`[[stage]]`), each reader keyed "name[i]".
    func tables(_ k: String) throws -> [SpecTable] {
        guard let v = raw(k) else { return [] }
        guard case .array(let a) = v else { throw wrong(k, "an array of tables ([[\(k)]])", v) }
        return try a.enumerated().map { i, e in try SpecTable(file: file, path: key(k) + "[\(i)]", value: e) }
    }
    /// A table whose members are themselves tables (`[drive.NAME]`), in file order.
    func namedTables(_ k: String) throws -> [(String, SpecTable)] {
        guard let t = try optionalTable(k) else { return [] }
        return try t.entries.map { name, v in
            _ = t.raw(name)
            return (name, try SpecTable(file: file, path: t.key(name), value: v))
        }
    }
    func choice(_ k: String, _ options: [String], default d: String? = nil) throws -> String {
        guard let s = try optionalString(k) else {
            if let d { return d }
            throw SpecError.missingKey(file: file, key: key(k))
        }
        guard options.contains(s) else { throw invalid(k, "\"\(s)\"", "must be one of " + options.joined(separator: ", ")) }
        return s
    }
}
