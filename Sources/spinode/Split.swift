import ArgumentParser
import Foundation
import Surrogate
import TraceIO
import Workflows

/// `spinode split TRACES.h5 --trace NAME --at SECONDS --names train,test --out OUT.h5`: cuts one trace in two
/// at a time, e.g. a training part and a held-out test part of one long run.
struct Split: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Cut one trace of a trace file in two at a time (e.g. a training part and a held-out test part).",
        discussion: """
        Samples with t < --at go to the first part, samples with t >= --at to the second (a cut that lands within \
        1e-6 sample intervals of a sample time counts as that sample's time, so --at 5e-8 on a 5 ps grid cuts at \
        sample 10,000 exactly). Uniform sampling stays uniform: the second part's t0 is the time of its first \
        sample. Inputs, outputs, parameters, names, units, the trace's description and its other attributes are \
        copied unchanged, values bit for bit, so the two parts concatenated are the original trace. Each part gets \
        an attribute 'provenance' recording the split (appended to any provenance it already had). --at-event COND \
        cuts instead at the sample from which COND (NAME<VALUE or NAME>VALUE on an output channel) holds to the \
        end of the trace, e.g. where a skyrmion is annihilated, so that the two regimes can be fitted apart. The file's \
        root attributes are copied. --out is written atomically and holds the two parts only (schema: \
        docs/trace-format.md).

        Example:
          spinode split run.h5 --trace run --at 50e-9 --names train,test --out skyrmion-disk.h5
          spinode split regime.h5 --trace run --at-event 'topological_charge>-0.5' --names skyrmion,uniform --out parts.h5
        """
    )

    @Argument(help: "Trace file (HDF5, docs/trace-format.md).") var traces: String
    @Option(help: "Trace to split (default: the file's only trace).") var trace: String?
    @Option(parsing: .unconditional, help: "Cut time in seconds: the second part starts at the first sample with t >= this.")
    var at: Double?
    @Option(name: .customLong("at-event"),
            help: "Cut where an absorbing event settles instead: NAME<VALUE or NAME>VALUE on an output channel (e.g. topological_charge>-0.5); the second part starts at the first sample from which the condition holds to the end (as predict --event).")
    var atEvent: String?
    @Option(help: "Names of the two parts, comma-separated.") var names = "train,test"
    @Option(help: "Trace file to write (HDF5); replaced atomically.") var out: String
    @Flag(help: "Print one JSON summary.") var json = false

    func validate() throws {
        switch (at, atEvent) {
        case (nil, nil), (.some, .some): throw OptionValueError("give exactly one of --at and --at-event")
        case (let t?, nil): guard t.isFinite else { throw OptionValueError("--at must be a finite time in seconds, got \(t)") }
        case (nil, let e?):
            do { _ = try RegimeEvent(parsing: e) } catch let error as SurrogateError { throw OptionValueError("--at-event: \(error)") }
        }
        let parts = partNames
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && !$0.contains("/") && $0 != "." && $0 != ".." }),
              parts[0] != parts[1] else {
            throw TraceEditError.invalidNames(names)
        }
    }

    var partNames: [String] { names.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }

    func run() throws {
        let parts = partNames
        let locks = try OutputTarget.claim([OutputTarget(out)], inputs: [traces])
        defer { locks.forEach { $0.release() } }
        let cut: Double
        if let atEvent {
            cut = try TraceSplit.eventTime(traces, trace: trace, event: try RegimeEvent(parsing: atEvent))
        } else {
            cut = at!
        }
        let how = atEvent.map { "--at-event '\($0)' (t = \(cut) s)" } ?? "--at \(cut)"
        let (name, pieces) = try TraceSplit.split(traces, trace: trace, at: cut, names: parts, out: out) { name in
            "spinode split \(traces) --trace \(name) \(how) --names \(names)"
        }
        if json {
            print(JSONValue.object([
                ("traces", .string(traces)), ("trace", .string(name)), ("at_s", .number(cut)),
                ("at_event", atEvent.map { .string($0) } ?? .null), ("out", .string(out)),
                ("cut_sample", .integer(pieces[1].range.lowerBound)),
                ("parts", .array(pieces.map { p in
                    .object([("name", .string(p.name)), ("samples", .integer(p.samples)),
                             ("t_first_s", .number(p.firstTime)), ("t_last_s", .number(p.lastTime))])
                })),
            ]).rendered())
        } else {
            for p in pieces {
                print(String(format: "%@: trace '%@': %d samples, t = %.9g ... %.9g s", out, p.name, p.samples, p.firstTime, p.lastTime))
            }
        }
    }
}
