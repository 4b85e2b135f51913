/// Why a simulation spec (TOML, docs/spec-format.md) was refused or could not be run. Every case names
/// the spec file and, where there is one, the dotted key ("stage[2].duration"), and reads as one line.
public enum SpecError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// The text is not valid TOML (parser message, line, column).
    case syntax(file: String, line: Int, column: Int, message: String)
    /// A key the spec format does not know (usually a typo).
    case unknownKey(file: String, key: String)
    /// A key of the wrong TOML type.
    case wrongType(file: String, key: String, expected: String, found: String)
    /// A required key is absent.
    case missingKey(file: String, key: String)
    /// A value of the right type but outside its meaningful range.
    case invalidValue(file: String, key: String, value: String, requirement: String)
    /// The run would exceed a limit or the machine's memory or disk (estimate and what is available).
    case resources(file: String, key: String, reason: String)
    /// A checkpoint that does not belong to this spec or is damaged.
    case badCheckpoint(file: String, reason: String)
    /// The physics refused the setup or the run failed (solver or material message).
    case simulation(file: String, stage: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(f, r): return "\(f): cannot read spec: \(r)"
        case let .syntax(f, l, c, m): return "\(f):\(l):\(c): TOML syntax error: \(m)"
        case let .unknownKey(f, k): return "\(f): unknown key '\(k)'"
        case let .wrongType(f, k, e, found): return "\(f): key '\(k)' must be \(e), found \(found)"
        case let .missingKey(f, k): return "\(f): missing required key '\(k)'"
        case let .invalidValue(f, k, v, r): return "\(f): key '\(k)' = \(v) is invalid: \(r)"
        case let .resources(f, k, r): return "\(f): \(k): \(r)"
        case let .badCheckpoint(f, r): return "\(f): cannot resume from checkpoint: \(r)"
        case let .simulation(f, s, r): return "\(f): \(s): \(r)"
        }
    }
}
