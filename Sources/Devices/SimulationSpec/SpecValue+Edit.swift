import Foundation
import Numerics

/// Editing a parsed spec by dotted key, and writing it back as TOML: what a parameter sweep
/// (`spinode sweep`) does to a base spec for each task ("material.Dind" = 3.0e-3 replaces that one value).
extension SpecValue {
    /// A copy with the value at dotted `key` replaced. Components are table keys or, inside an array
    /// (e.g. the `[[stage]]` list), 0-based indices: "stage.1.duration". The key must already exist, so a
    /// typo is refused rather than silently added; `insert` allows adding a missing last component
    /// (the sweep's top-level `seed`).
    public func replacing(_ key: String, with value: SpecValue, file: String, insert: Bool = false) throws -> SpecValue {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.contains(where: \.isEmpty) else {
            throw SpecError.invalidValue(file: file, key: key, value: "\"\(key)\"", requirement: "a dotted key has no empty parts")
        }
        return try replacing(parts[...], with: value, file: file, key: key, insert: insert)
    }

    private func replacing(_ parts: ArraySlice<String>, with value: SpecValue, file: String, key: String,
                           insert: Bool) throws -> SpecValue {
        guard let head = parts.first else { return value }
        let rest = parts.dropFirst()
        switch self {
        case var .table(entries):
            if let i = entries.firstIndex(where: { $0.0 == head }) {
                entries[i].1 = try entries[i].1.replacing(rest, with: value, file: file, key: key, insert: insert)
            } else if insert && rest.isEmpty {
                entries.append((head, value))
            } else {
                throw SpecError.missingKey(file: file, key: key)
            }
            return .table(entries)
        case var .array(items):
            guard let i = Int(head), items.indices.contains(i) else {
                throw SpecError.missingKey(file: file, key: key)
            }
            items[i] = try items[i].replacing(rest, with: value, file: file, key: key, insert: insert)
            return .array(items)
        default:
            throw SpecError.missingKey(file: file, key: key)
        }
    }

    /// The value at dotted `key`, or nil.
    public func value(at key: String) -> SpecValue? {
        var node: SpecValue? = self
        for part in key.split(separator: ".") {
            switch node {
            case let .table(entries)?: node = entries.first { $0.0 == part }?.1
            case let .array(items)?: node = Int(part).flatMap { items.indices.contains($0) ? items[$0] : nil }
            default: return nil
            }
        }
        return node
    }

    /// TOML text of a top-level table: every member as `key = value`, tables as inline tables and arrays
    /// of tables as arrays of inline tables (valid TOML 1.0 that `parse` reads back to the same tree).
    /// Numbers are written in Swift's shortest round-trip form, so a Double survives exactly.
    public var tomlDocument: String {
        guard case let .table(entries) = self else { return tomlInline }
        return entries.map { "\(SpecValue.tomlKey($0.0)) = \($0.1.tomlInline)" }.joined(separator: "\n") + "\n"
    }

    /// The value as an inline TOML value.
    public var tomlInline: String {
        switch self {
        case let .string(s): return SpecValue.tomlString(s)
        case let .integer(i): return String(i)
        case let .double(d):
            if d.isNaN { return "nan" }
            if d.isInfinite { return d < 0 ? "-inf" : "inf" }
            let text = "\(d)"
            return text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) ? text : text + ".0"
        case let .bool(b): return b ? "true" : "false"
        case let .array(items): return "[" + items.map(\.tomlInline).joined(separator: ", ") + "]"
        case let .table(entries):
            return "{ " + entries.map { "\(SpecValue.tomlKey($0.0)) = \($0.1.tomlInline)" }.joined(separator: ", ") + " }"
        }
    }

    static func tomlKey(_ key: String) -> String {
        let bare = !key.isEmpty && key.unicodeScalars.allSatisfy { bareKeyCharacters.contains($0) }
        return bare ? key : tomlString(key)
    }

    /// The characters of a bare TOML key (A-Za-z0-9_-).
    static let bareKeyCharacters = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-".unicodeScalars)

    static func tomlString(_ s: String) -> String {
        QuotedString.quoted(s, escapingDelete: true)
    }
}
