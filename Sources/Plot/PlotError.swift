/// Why a plot cannot be drawn, as one line.
public enum PlotError: Error, CustomStringConvertible, Sendable, Equatable {
    /// An axis range that is empty, non-finite, or not positive on a logarithmic axis.
    case invalidRange(lower: Double, upper: Double, detail: String)
    /// Nothing to draw on an axis whose range is taken from the data.
    case noData(detail: String)
    /// A series whose x and y differ in length.
    case lengthMismatch(series: String, x: Int, y: Int)

    public var description: String {
        switch self {
        case let .invalidRange(lower, upper, detail): return "plot axis range \(lower) ... \(upper): \(detail)"
        case let .noData(detail): return "plot: \(detail)"
        case let .lengthMismatch(series, x, y): return "plot series '\(series)': \(x) x values but \(y) y values"
        }
    }
}
