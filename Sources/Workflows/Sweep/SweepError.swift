/// Why a sweep was refused or could not go on; one line naming the file and the problem.
public enum SweepError: Error, CustomStringConvertible, Equatable {
    /// SWEEP.toml is malformed: `detail` names the key.
    case invalid(file: String, detail: String)
    /// One task's job is refused before anything runs (a bad option value, a spec key the spec lacks).
    case invalidTask(file: String, task: Int, parameters: String, detail: String)
    /// The results folder cannot be used.
    case results(path: String, detail: String)

    public var description: String {
        switch self {
        case let .invalid(f, d): return "\(f): \(d)"
        case let .invalidTask(f, t, p, d): return "\(f): task \(t) (\(p)): \(d)"
        case let .results(p, d): return "\(p): \(d)"
        }
    }
}
