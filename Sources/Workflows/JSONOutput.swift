import Foundation

/// The one way `spinode` prints a `Codable` result as JSON: snake_case keys (declared by each type's
/// `CodingKeys` or property names), keys sorted, indented, and non-finite numbers as the strings "inf",
/// "-inf" and "nan" (JSON has no such numbers; NumPy reads these strings back with `float()`). Ad-hoc
/// summaries are built as `TraceIO.JSONValue`, also snake_case.
public enum JSONOutput {
    /// The encoder: sorted, indented keys; non-finite numbers as strings.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                      nan: "nan")
        return encoder
    }

    /// `value` as JSON text (UTF-8).
    public static func string<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder().encode(value), as: UTF8.self)
    }
}
