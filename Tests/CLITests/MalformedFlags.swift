import Foundation

/// Junk values for every numeric and list option of every subcommand (issue 13, "Done": flag values in
/// the fuzz run): NaN, infinities, -1, 0, 1e300, the empty string and comma junk, each given as
/// `--option=value` (so that "-1" is a value, not a flag). Whether a value must be refused follows from the
/// option's domain as `--help` states it; a value inside the domain may run (exit 0 allowed).
struct MalformedFlags {
    /// What an option accepts.
    enum Domain {
        case positiveInteger, nonNegativeInteger, seed
        case positiveReal, nonNegativeReal, finiteReal, openUnit
        /// A word from a fixed set, or a comma list of names/widths: every junk value is refused.
        case word
        /// A free name (trace name): only the empty string is refused.
        case name
        /// Reals or integers whose in-domain values would start real work (bench, demo): only values that
        /// are refused before any work are used.
        case refusedOnly

        func expectation(_ value: String) -> FuzzCase.Expectation? {
            switch (self, value) {
            case (.nonNegativeInteger, "0"), (.seed, "0"), (.positiveReal, "1e300"), (.nonNegativeReal, "0"),
                 (.nonNegativeReal, "1e300"), (.finiteReal, "-1"), (.finiteReal, "0"), (.finiteReal, "1e300"):
                return .either
            case (.refusedOnly, "-1"), (.refusedOnly, "0"), (.refusedOnly, "1e300"), (.refusedOnly, "inf"):
                return nil
            case (.name, ""):
                return .refused
            case (.name, _):
                return .either
            default:
                return .refused
            }
        }
    }

    static let values = ["nan", "inf", "-inf", "-1", "0", "1e300", "", "1,,2", "zz"]

    /// Values tried per option: "nan" and three others drawn by `random` (the whole set would give over a
    /// thousand cases; across the options every value is used many times).
    static func values(_ random: inout SplitMix64) -> [String] {
        var others = Array(values.dropFirst())
        var chosen = ["nan"]
        for _ in 0..<3 { chosen.append(others.remove(at: random.below(others.count))) }
        return chosen
    }

    let seeds: FuzzSeeds

    private static let out = FuzzCase.outToken

    /// (command label, base arguments, [(option, domain)]). The base is a quick valid run of the command.
    private var commands: [(String, [String], [(String, Domain)])] {
        let out = Self.out
        return [
            ("fit", ["fit", seeds.traces, "--out", out + "/model.h5", "--iterations", "2", "--hidden", "8", "--quiet"], [
                ("order", .positiveInteger), ("augment", .nonNegativeInteger), ("hidden", .word), ("activation", .word),
                ("init-sigma", .positiveReal), ("interpolation", .word), ("time-scale", .positiveReal),
                ("window", .positiveInteger), ("batch", .positiveInteger), ("iterations", .positiveInteger),
                ("lr", .positiveReal), ("lr-decay-every", .nonNegativeInteger), ("lr-decay-factor", .positiveReal),
                ("lr-plateau", .nonNegativeInteger), ("lr-reductions", .nonNegativeInteger),
                ("clip", .positiveReal), ("loss", .word), ("solver", .word), ("steps-per-sample", .positiveInteger),
                // 0 is a pure absolute tolerance (with --atol > 0), as in torchdiffeq and diffrax.
                ("rtol", .nonNegativeReal), ("atol", .positiveReal), ("gradient", .word), ("seed", .seed),
                ("input-noise", .nonNegativeReal), ("state-noise", .nonNegativeReal), ("validation", .word),
                ("validate-every", .positiveInteger), ("target-nrmse", .nonNegativeReal), ("patience", .positiveInteger),
                ("checkpoint-every", .nonNegativeInteger), ("threads", .positiveInteger), ("precision", .word),
                ("inputs", .word), ("parameters", .word), ("trace", .word),
                ("outputs", .word), ("observe", .word), ("ensemble", .positiveInteger), ("trust-margin", .positiveReal),
            ]),
            ("predict", ["predict", seeds.model, seeds.traces, "--out", out + "/prediction.h5"], [
                ("trace", .word), ("input-trace", .word), ("map", .word), ("solver", .word),
                ("steps-per-sample", .positiveInteger), ("rtol", .openUnit), ("atol", .positiveReal), ("block", .positiveInteger),
                ("member", .nonNegativeInteger), ("threads", .positiveInteger), ("event", .word), ("after", .word),
                ("precision", .word),
            ]),
            // The two-regime options, with a valid --after and --switch in the base (the trace's output is x).
            ("predict --after", ["predict", seeds.model, seeds.traces, "--out", out + "/prediction.h5",
                                 "--after", seeds.model, "--switch", "x>0.5"], [
                ("switch", .word), ("fill", .word), ("entry", .word), ("switch-trigger", .word),
            ]),
            ("import csv", ["import", "csv", seeds.table, "--time", "t", "--input", "u", "--output", "x",
                            "--out", out + "/traces.h5"], [
                ("every", .positiveInteger), ("from", .finiteReal), ("to", .finiteReal), ("resample", .positiveReal),
                ("uniform-tolerance", .openUnit), ("name", .name), ("time", .word), ("input", .word), ("output", .word),
            ]),
            ("export", ["export", seeds.model, "--format", "npz", "--out", out + "/export"], [("format", .word)]),
            ("split", ["split", seeds.traces, "--at", "1e-8", "--out", out + "/parts.h5"], [
                ("at", .finiteReal), ("names", .word), ("trace", .word),
            ]),
            ("split --at-event", ["split", seeds.traces, "--at-event", "x>0.5", "--out", out + "/parts.h5"], [("at-event", .word)]),
            ("reservoir", ["reservoir", "narma10", "--device", "esn", "--nodes", "10", "--json"], [
                ("nodes", .positiveInteger), ("seed", .seed), ("spectral-radius", .refusedOnly), ("input-scaling", .refusedOnly),
                ("bias-scaling", .refusedOnly), ("leak-rate", .openUnit), ("hold", .positiveInteger), ("mask", .word),
                ("compare-samples", .refusedOnly), ("ridge", .refusedOnly), ("folds", .refusedOnly), ("device", .word),
                ("drive-inputs", .word), ("precision", .word),
            ]),
            ("simulate", ["simulate", seeds.spec, "--out", out + "/run.h5", "--quiet"], [("name", .name), ("threads", .positiveInteger)]),
            ("bench traceio", ["bench", "traceio", "--directory", out], [
                ("samples", .refusedOnly), ("window", .refusedOnly), ("windows", .refusedOnly), ("repeats", .refusedOnly),
                ("seed", .refusedOnly),
            ]),
            ("bench devices", ["bench", "devices"], [
                ("copies", .refusedOnly), ("samples", .refusedOnly), ("repeats", .refusedOnly), ("seed", .refusedOnly),
            ]),
            ("bench reservoir", ["bench", "reservoir"], [("repeats", .refusedOnly), ("nodes", .refusedOnly)]),
            ("bench sp4", ["bench", "sp4"], [("rtol", .refusedOnly), ("atol", .refusedOnly), ("repeats", .refusedOnly),
                                             ("step", .refusedOnly), ("threads", .refusedOnly)]),
            ("bench threads", ["bench", "threads"], [("rounds", .refusedOnly), ("skyrmion-duration", .refusedOnly),
                                                     ("sp4-duration", .refusedOnly), ("demag-split", .word)]),
            ("bench fit-paper", ["bench", "fit-paper"], [("iterations", .refusedOnly), ("warmup", .refusedOnly),
                                                         ("threads", .refusedOnly), ("lane-width", .word)]),
            ("demo", ["demo", "--out", out + "/demo", "--no-reference"], [
                ("seed", .refusedOnly), ("input-scale", .refusedOnly), ("reference-seconds", .refusedOnly),
                ("settle-seconds", .refusedOnly),
            ]),
        ]
    }

    func cases(seed: UInt64 = 0xF1A6_5EED) -> [FuzzCase] {
        var random = SplitMix64(seed: seed)
        var cases: [FuzzCase] = []
        for (label, base, options) in commands {
            for (option, domain) in options {
                for value in Self.values(&random) {
                    guard let expectation = domain.expectation(value) else { continue }
                    // Options given in the base are replaced, not repeated.
                    var arguments: [String] = []
                    var i = 0
                    while i < base.count {
                        if base[i] == "--" + option { i += 2; continue }
                        arguments.append(base[i]); i += 1
                    }
                    cases.append(FuzzCase(label: "flag/\(label) --\(option)=\(value)",
                                          arguments: arguments + ["--\(option)=\(value)"], expectation: expectation))
                }
            }
        }
        // An --out that already exists and holds a user's file: a refused run must leave its bytes alone.
        let existing = Self.out + "/keep.h5"
        for (label, arguments) in [
            ("fit --iterations=0", ["fit", seeds.traces, "--out", existing, "--iterations=0", "--hidden", "8", "--quiet"]),
            ("fit --hidden=,", ["fit", seeds.traces, "--out", existing, "--iterations", "2", "--hidden=,", "--quiet"]),
            ("predict --block=0", ["predict", seeds.model, seeds.traces, "--out", existing, "--block=0"]),
            ("predict --trace=nosuch", ["predict", seeds.model, seeds.traces, "--out", existing, "--trace=nosuch"]),
            ("split --at=nan", ["split", seeds.traces, "--at=nan", "--out", existing]),
            ("split --names=a", ["split", seeds.traces, "--at", "1e-8", "--names=a", "--out", existing]),
            ("merge missing", ["merge", seeds.traces + ":nosuch", "--out", existing]),
            ("import --every=0", ["import", "csv", seeds.table, "--input", "u", "--output", "x", "--out", existing, "--every=0"]),
            ("import --output=nosuch", ["import", "csv", seeds.table, "--input", "u", "--output", "nosuch", "--out", existing]),
            ("simulate --name=", ["simulate", seeds.spec, "--out", existing, "--name=", "--quiet"]),
        ] {
            cases.append(FuzzCase(label: "existing-out/\(label)", arguments: arguments, expectation: .refused,
                                  existingOutput: (name: "keep.h5", source: seeds.traces)))
        }
        return cases
    }
}
