import Foundation

/// An absorbing event on one output channel, such as the annihilation of a skyrmion: written
/// `NAME<VALUE` or `NAME>VALUE` (e.g. `topological_charge>-0.5`: |Q| of a core-down skyrmion falls
/// from about 1 to 0; `mz>0.95`), in the channel's units.
///
/// The event happens at the first sample from which the condition holds through the end of the series
/// (`settledIndex`): a channel that crosses the threshold and comes back has not switched regime. So the
/// time of an annihilation is the time from which the device stays without its skyrmion, the definition
/// docs/datasets.md uses for the bundled disk ("m_z above 0.95 for good from t = 57.555 ns"). A crossing
/// in the last samples of a trace counts as an event too: pick a threshold the other regime never reaches.
public struct RegimeEvent: Sendable, Equatable, CustomStringConvertible {
    public enum Direction: String, Sendable {
        case above = ">"
        case below = "<"
    }

    /// Output channel name.
    public var output: String
    public var direction: Direction
    public var threshold: Double

    public init(output: String, direction: Direction, threshold: Double) {
        self.output = output
        self.direction = direction
        self.threshold = threshold
    }

    /// Parses `NAME<VALUE` or `NAME>VALUE` (a non-empty name, a finite number).
    public init(parsing text: String) throws {
        guard let at = text.firstIndex(where: { $0 == "<" || $0 == ">" }) else {
            throw SurrogateError.invalidOption("event '\(text)' must be NAME<VALUE or NAME>VALUE (e.g. topological_charge>-0.5)")
        }
        let name = String(text[..<at]).trimmingCharacters(in: .whitespaces)
        let value = String(text[text.index(after: at)...]).trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw SurrogateError.invalidOption("event '\(text)' names no output channel before \(text[at])") }
        guard let threshold = Double(value), threshold.isFinite else {
            throw SurrogateError.invalidOption("event '\(text)': threshold '\(value)' is not a finite number")
        }
        self.init(output: name, direction: Direction(rawValue: String(text[at]))!, threshold: threshold)
    }

    public var description: String { output + direction.rawValue + "\(threshold)" }

    /// Whether `value` is beyond the threshold (NaN never is).
    public func holds(_ value: Double) -> Bool {
        direction == .above ? value > threshold : value < threshold
    }

    /// The first index from which `holds` is true for every later value; nil when the last value does
    /// not hold (or the series is empty).
    public func settledIndex<C: BidirectionalCollection>(_ values: C) -> Int? where C.Element == Double {
        var first: Int?
        var i = values.count
        for v in values.reversed() {
            i -= 1
            guard holds(v) else { break }
            first = i
        }
        return first
    }
}
