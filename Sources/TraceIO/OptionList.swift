/// The values of a repeatable command-line option where each value may also be a comma-separated
/// list: `--input a --input b` and `--input a,b` mean the same (`spinode import`, `predict --trace`,
/// `predict --map`).
public enum OptionList {
    /// Each value split at commas (spaces around elements dropped), in order, unless `isWhole(value)`
    /// says the value is itself one name (a table column or trace whose name contains a comma).
    /// - Throws: `OptionListError` when a value or a list element is empty ("--input ''", "a,,b").
    public static func expand(_ values: [String], option: String,
                              isWhole: (String) -> Bool = { _ in false }) throws -> [String] {
        var result: [String] = []
        for value in values {
            if isWhole(value) { result.append(value); continue }
            let parts = value.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingWhitespace }
            guard !parts.contains(where: \.isEmpty) else {
                throw OptionListError(description: value.trimmingWhitespace.isEmpty
                    ? "\(option) '\(value)': empty name"
                    : "\(option) '\(value)': empty name in the comma-separated list")
            }
            result += parts
        }
        return result
    }
}

/// An empty name given to a list option, as one line naming the option.
public struct OptionListError: Error, CustomStringConvertible, Sendable {
    public var description: String
}
