import Numerics

/// A JSON document built in code and written with exact numbers and a stable key order.
///
/// Doubles are written with Swift's shortest round-trip representation ("0.1", "5e-12"), so a
/// reader parsing them as IEEE doubles (Python's `json`, NumPy) recovers every bit. Objects keep
/// the order their members were given in.
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case integer(Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered(indent: nil) == b.rendered(indent: nil) }

    /// An array of numbers.
    public static func numbers(_ values: [Double]) -> JSONValue { .array(values.map { .number($0) }) }
    /// An array of strings.
    public static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }

    /// The document as text: pretty-printed with `indent` spaces (arrays of scalars stay on one
    /// line), or compact when `indent` is nil.
    public func rendered(indent: Int? = 2) -> String {
        var out = ""
        write(into: &out, indent: indent, level: 0)
        return out
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    private func write(into out: inout String, indent: Int?, level: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .number(let v):
            if !v.isFinite { out += "null" } else if v == v.rounded(), abs(v) < 1e15 { out += String(Int(v)) + ".0" }
            else { out += "\(v)" }
        case .string(let s): JSONValue.quote(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            if indent == nil || items.allSatisfy(\.isScalar) {
                out += "["
                for (i, item) in items.enumerated() {
                    if i > 0 { out += indent == nil ? "," : ", " }
                    item.write(into: &out, indent: indent, level: level + 1)
                }
                out += "]"
                return
            }
            out += "["
            for (i, item) in items.enumerated() {
                out += i > 0 ? ",\n" : "\n"
                out += String(repeating: " ", count: (level + 1) * indent!)
                item.write(into: &out, indent: indent, level: level + 1)
            }
            out += "\n" + String(repeating: " ", count: level * indent!) + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if let indent {
                    out += i > 0 ? ",\n" : "\n"
                    out += String(repeating: " ", count: (level + 1) * indent)
                } else if i > 0 {
                    out += ","
                }
                JSONValue.quote(key, into: &out)
                out += indent == nil ? ":" : ": "
                value.write(into: &out, indent: indent, level: level + 1)
            }
            if let indent { out += "\n" + String(repeating: " ", count: level * indent) }
            out += "}"
        }
    }

    static func quote(_ s: String, into out: inout String) {
        QuotedString.append(s, to: &out, escapingDelete: false)
    }
}
