import ArgumentParser
import Foundation

/// A command-line option given a value it cannot take, found by a command's `validate()` before any
/// file is read or anything computed. Prints as one line naming the option, its value and the rule
/// (ArgumentParser prints an error that is not its own `ValidationError` without the usage block).
struct InvalidOption: Error, CustomStringConvertible {
    var option: String
    var problem: String
    var description: String { "\(option) \(problem)" }
}

/// The range a real-valued option must lie in. NaN and infinities are outside every range.
struct RealRange {
    let contains: (Double) -> Bool
    /// "> 0", ">= 0", "in (0, 1]", ...
    let text: String

    static let any = RealRange(contains: { _ in true }, text: "a finite number")
    static let positive = RealRange(contains: { $0 > 0 }, text: "finite and > 0")
    static let nonNegative = RealRange(contains: { $0 >= 0 }, text: "finite and >= 0")
    /// (0, 1]: a fraction that may be the whole.
    static let unitFraction = RealRange(contains: { $0 > 0 && $0 <= 1 }, text: "in (0, 1]")
}

/// Checks of numeric options, for the commands' `validate()`.
enum OptionCheck {
    /// `value` of `option` is finite and in `range`.
    static func real(_ value: Double, _ option: String, _ range: RealRange) throws {
        guard value.isFinite, range.contains(value) else {
            throw InvalidOption(option: option, problem: "must be \(range.text), got \(value)")
        }
    }

    /// `value` of `option`, when given, is finite and in `range`.
    static func real(_ value: Double?, _ option: String, _ range: RealRange) throws {
        if let value { try real(value, option, range) }
    }

    /// `value` of `option` lies in `range` (integers).
    static func integer(_ value: Int, _ option: String, _ range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            let text = range.upperBound == Int.max ? ">= \(range.lowerBound)" : "in \(range.lowerBound) ... \(range.upperBound)"
            throw InvalidOption(option: option, problem: "must be \(text), got \(value)")
        }
    }

    /// A comma-separated list of channel names (`--inputs a,b`), or `none` for an explicitly empty
    /// list. An empty value or an empty name in the list is refused, so a typo cannot silently
    /// train without the channels.
    static func names(_ text: String, _ option: String) throws -> [String] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "none" { return [] }
        guard !trimmed.isEmpty else {
            throw InvalidOption(option: option, problem: "is empty; give comma-separated channel names, or 'none' for no channels")
        }
        let names = trimmed.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if names.contains(where: \.isEmpty) {
            throw InvalidOption(option: option, problem: "'\(text)' has an empty name; give comma-separated channel names")
        }
        return names
    }
}
