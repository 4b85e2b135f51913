import Foundation
import Plot

/// PNG copies of the toolkit's figures: python3 with matplotlib runs scripts/plot.py on a figure's CSV
/// (`LinePlot.csv()`, `PanelFigure.csv()`) and draws the same axes, series, labels and ranges as the SVG.
public struct Matplotlib: Sendable {
    /// The python3 interpreter (imports matplotlib) and scripts/plot.py.
    public var python: String
    public var script: String

    public init(python: String, script: String) {
        self.python = python
        self.script = script
    }

    /// Runs scripts/plot.py with `arguments`, its output to `log` (default: stderr); returns its exit status.
    public func run(_ arguments: [String], log: FileHandle = .standardError) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The PNG of `figure` (bytes), drawn in a temporary folder; `path` (the file it is for) names it in errors.
    public func png(of figure: PanelFigure, for path: String) throws -> Data {
        let folder = NSTemporaryDirectory() + "spinode-figure-\(getpid())-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let csv = folder + "/figure.csv", png = folder + "/figure.png", log = folder + "/plot.log"
        try Data(figure.csv().utf8).write(to: URL(fileURLWithPath: csv))
        // The script's chatter stays out of the command's output unless it fails.
        guard FileManager.default.createFile(atPath: log, contents: nil), let handle = FileHandle(forWritingAtPath: log) else {
            throw FigureError.renderFailed(path: path, detail: "cannot create the temporary '\(log)'")
        }
        let status = try run([csv, "--out", png], log: handle)
        try? handle.close()
        guard status == 0, let data = FileManager.default.contents(atPath: png), !data.isEmpty else {
            let said = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").last.map { ": " + $0 } ?? ""
            throw FigureError.renderFailed(path: path, detail: "\(script) exited with status \(status)\(said)")
        }
        return data
    }

    /// scripts/plot.py under the package root the executable belongs to (`DemoData.packageRoot`), or under
    /// `data` (the demo's --data folder); nil if neither holds it.
    public static func plotScript(data: String? = nil) -> String? {
        [DemoData.packageRoot(), data].compactMap { $0 }.map { ($0 as NSString).appendingPathComponent("scripts/plot.py") }
            .first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The first of $SPINODE_PYTHON, each python3 on PATH, and /usr/bin/python3 (Debian's, where
    /// `apt-get install python3-matplotlib` puts it, when PATH leads to a pyenv or venv without it) that
    /// imports matplotlib, or nil.
    public static func pythonWithMatplotlib() -> String? {
        let environment = ProcessInfo.processInfo.environment
        var candidates = [String]()
        if let chosen = environment["SPINODE_PYTHON"] { candidates.append(chosen) }
        candidates += (environment["PATH"] ?? "/usr/bin").split(separator: ":").map { $0 + "/python3" }
        candidates.append("/usr/bin/python3")
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: candidate)
            probe.arguments = ["-c", "import matplotlib"]
            probe.standardOutput = FileHandle.nullDevice
            probe.standardError = FileHandle.nullDevice
            probe.standardInput = FileHandle.nullDevice
            guard (try? probe.run()) != nil else { continue }
            probe.waitUntilExit()
            if probe.terminationStatus == 0 { return candidate }
        }
        return nil
    }
}
