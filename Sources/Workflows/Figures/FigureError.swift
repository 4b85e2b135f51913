/// Why a figure file cannot be written, as one line naming the file.
public enum FigureError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file name ends in neither .svg nor .png.
    case unsupportedFormat(path: String, option: String)
    /// A .png was asked for but python3 with matplotlib (or scripts/plot.py) is not there.
    case pngNeedsMatplotlib(path: String, option: String, missing: String)
    /// The figure cannot be drawn (a `PlotError`, e.g. nothing finite to plot), or matplotlib wrote no PNG.
    case renderFailed(path: String, detail: String)

    public var description: String {
        switch self {
        case let .unsupportedFormat(path, option):
            return "\(option) '\(path)': the figure's format is its extension: .svg (drawn by spinode) or .png (needs python3 with matplotlib)"
        case let .pngNeedsMatplotlib(path, option, missing):
            return "\(option) '\(path)': a PNG is drawn by matplotlib, but \(missing) was not found; write .svg instead (nothing was run)"
        case let .renderFailed(path, detail):
            return "cannot draw '\(path)': \(detail)"
        }
    }
}
