import Foundation

/// Python 3 with the given modules importable, or nil: `$SPINODE_PYTHON`, then each `python3`
/// on `$PATH`, then /usr/bin/python3. Returns the interpreter's real path (`sys.executable`, so
/// version-manager shims are run only once); results are cached per module list.
public func python(with modules: [String]) -> String? {
    let key = modules.joined(separator: ",")
    if let cached = PythonCache.shared.value(key) { return cached }
    let environment = ProcessInfo.processInfo.environment
    var candidates: [String] = []
    if let chosen = environment["SPINODE_PYTHON"] { candidates.append(chosen) }
    candidates += (environment["PATH"] ?? "").split(separator: ":").map { $0 + "/python3" }
    candidates.append("/usr/bin/python3")
    let probe = (modules.map { "import \($0)" } + ["import sys", "print(sys.executable)"]).joined(separator: "; ")
    var found: String?
    for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
        if let result = try? runProcess(candidate, ["-c", probe], timeout: 60), result.status == 0 {
            let executable = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            found = FileManager.default.isExecutableFile(atPath: executable) ? executable : candidate
            break
        }
    }
    PythonCache.shared.store(key, found)
    return found
}

/// `python(with:)`'s answers per module list (probing runs a process).
final class PythonCache: @unchecked Sendable {
    static let shared = PythonCache()
    private var values: [String: String?] = [:]
    private let lock = NSLock()
    func value(_ key: String) -> String?? { lock.lock(); defer { lock.unlock() }; return values[key] }
    func store(_ key: String, _ value: String?) { lock.lock(); values[key] = value; lock.unlock() }
}
