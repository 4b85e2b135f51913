import Foundation
import Plot
import SafeIO

/// A figure file a command writes (`--plot FILE`): SVG, drawn by the toolkit's own `Plot` module, or PNG,
/// redrawn by matplotlib from the figure's CSV (scripts/plot.py, as `spinode demo` does) when python3 with
/// matplotlib and the script are found. The format is the file name's extension (.svg or .png, any case).
///
/// A command makes the figure file in three steps: `FigureFile(path:)` in its option validation (a wrong
/// extension is refused before anything runs), `checkRenderer()` and its `target` claimed with the
/// command's other outputs before any compute (`OutputTarget.claim`: not a directory, special file or an
/// input; locked), then `write(_:)` at the end, atomically (`AtomicFile`).
public struct FigureFile: Sendable {
    public enum Format: String, Sendable { case svg, png }

    public var path: String
    public var format: Format
    /// The option that named the file, for messages.
    public var option: String

    /// Throws `FigureError.unsupportedFormat` unless `path` ends in .svg or .png.
    public init(path: String, option: String = "--plot") throws {
        guard let format = Format(rawValue: (path as NSString).pathExtension.lowercased()) else {
            throw FigureError.unsupportedFormat(path: path, option: option)
        }
        self.path = path
        self.format = format
        self.option = option
    }

    /// The output to claim with the command's others.
    public var target: OutputTarget { OutputTarget(path, option: option) }

    /// For PNG: finds python3 with matplotlib and scripts/plot.py now, so that a run is not wasted on a
    /// figure that cannot be drawn; throws `FigureError.pngNeedsMatplotlib` naming what is missing.
    @discardableResult
    public func checkRenderer() throws -> Matplotlib? {
        guard format == .png else { return nil }
        guard let script = Matplotlib.plotScript() else {
            throw FigureError.pngNeedsMatplotlib(path: path, option: option, missing: "scripts/plot.py of the SpinODE checkout")
        }
        guard let python = Matplotlib.pythonWithMatplotlib() else {
            throw FigureError.pngNeedsMatplotlib(path: path, option: option, missing: "python3 with matplotlib (or $SPINODE_PYTHON)")
        }
        return Matplotlib(python: python, script: script)
    }

    /// Writes `figure` to the file atomically: the SVG text, or the PNG matplotlib draws from the figure's CSV
    /// (in a temporary folder, then copied into place).
    public func write(_ figure: PanelFigure) throws {
        switch format {
        case .svg:
            let text: String
            do { text = try figure.svg() } catch let error as PlotError {
                throw FigureError.renderFailed(path: path, detail: "\(error)")
            }
            try AtomicFile.write(Data(text.utf8), to: path)
        case .png:
            guard let renderer = try checkRenderer() else { return }
            try AtomicFile.write(try renderer.png(of: figure, for: path), to: path)
        }
    }
}
