import Foundation

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014):
/// a 64-bit state advanced by the golden-ratio increment and mixed by two xor-shift-multiplies. Written
/// here, not Foundation's generators, so that the fuzz corpus is the same on every machine and run.
struct SplitMix64 {
    private(set) var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in 0..<bound (bound > 0; the modulo bias is below 2^-40 for our bounds).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// A uniform integer in `range`.
    mutating func int(in range: Range<Int>) -> Int { range.lowerBound + below(range.count) }

    mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }
}

/// One command line of the fuzz run and what it must do.
///
/// Arguments may hold `FuzzCase.outToken`, replaced by the case's own fresh output folder when it runs, so
/// that every file a case could write lands where the test looks for it.
struct FuzzCase {
    enum Expectation {
        /// A malformed input or flag: exit non-zero (not a signal), one clear stderr line, nothing written.
        case refused
        /// A positive control (CRLF, BOM, a valid seed): must exit 0.
        case accepted
        /// Input that may be legitimately valid (a flipped byte inside the sample data, a value inside the
        /// option's domain): exit 0 is allowed; a refusal must still be clean and write nothing.
        case either
    }

    static let outToken = "{OUT}"

    /// Family and mutation, e.g. "trace/truncated@1234" (also the prefix of the failure lines).
    var label: String
    var arguments: [String]
    var expectation: Expectation
    /// A file copied into the output folder before the run under this name (the case's --out names it);
    /// its bytes must be unchanged afterwards.
    var existingOutput: (name: String, source: String)? = nil

    func resolvedArguments(out: String) -> [String] {
        arguments.map { $0.replacingOccurrences(of: Self.outToken, with: out) }
    }
}
