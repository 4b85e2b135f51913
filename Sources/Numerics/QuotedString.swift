/// A string as a double-quoted literal with backslash escapes, the form JSON strings (RFC 8259) and TOML
/// basic strings (TOML 1.0) share: `"` and `\` escaped, `\n`, `\r`, `\t` by name, other control characters
/// as `\uXXXX`. TOML also forbids DEL (U+007F) unescaped (`escapingDelete`); JSON allows it.
public enum QuotedString {
    public static func quoted(_ s: String, escapingDelete: Bool) -> String {
        var out = ""
        append(s, to: &out, escapingDelete: escapingDelete)
        return out
    }

    /// Appends the quoted literal of `s` to `out`.
    public static func append(_ s: String, to out: inout String, escapingDelete: Bool) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || (escapingDelete && scalar.value == 0x7F) {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
