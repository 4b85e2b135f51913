/// An option value refused by a command's `validate()` (NaN, out of range, options that exclude each
/// other), as one line naming the option. Thrown instead of ArgumentParser's `ValidationError`, which
/// prints the usage text after the message: the message alone is the one line a user needs.
struct OptionValueError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }

    /// Refuses a value that is not finite or lies outside `range`, naming `option` and the range in words.
    static func check(_ value: Double, _ option: String, in range: ClosedRange<Double>, _ words: String) throws {
        guard value.isFinite, range.contains(value) else { throw OptionValueError("\(option) must be \(words), got \(value)") }
    }
}
