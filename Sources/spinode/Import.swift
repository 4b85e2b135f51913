import ArgumentParser
import Foundation
import TraceIO

/// `spinode import mumax|csv`: simulator and measurement tables into a trace file.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert mumax3, OOMMF or CSV tables into a SpinODE trace file (HDF5).",
        discussion: """
        The trace file schema is described in docs/trace-format.md. Columns are chosen by name: the exact \
        name ("mz"), the name with its units ("Ku1.region100 (J/m3)"), any case, or for OOMMF the part after \
        the last ":" ("Simulation time"). Units are taken from the table header. If --out exists, the new \
        trace is added to it (use --replace to overwrite a trace of the same name).
        """,
        subcommands: [ImportMumax.self, ImportCSV.self]
    )
}

/// Options shared by the table importers.
struct TableImportArguments: ParsableArguments {
    @Option(name: .customLong("input"), help: "Input column (repeat for several). Example: --input 'Ku1.region100'")
    var inputs: [String] = []

    @Option(name: .customLong("output"), help: "Output column (repeat for several). Example: --output mz")
    var outputs: [String] = []

    @Option(help: "Trace file to write or extend (HDF5).")
    var out: String

    @Option(help: "Trace name (default: the table's file name without extension).")
    var name: String?

    @Option(help: "Keep every N-th row (after --from/--to).")
    var every: Int = 1

    @Option(help: "Keep rows with t >= this time (seconds).")
    var from: Double?

    @Option(help: "Keep rows with t <= this time (seconds).")
    var to: Double?

    @Flag(help: "Store uniform sampling (t0, dt) instead of the times, after checking the intervals agree to --uniform-tolerance.")
    var uniform = false

    @Option(help: "Largest allowed |interval - dt| / dt with --uniform (tables print times with few digits).")
    var uniformTolerance: Double = 1e-4

    @Flag(help: "Overwrite a trace of the same name already in --out.")
    var replace = false

    @Flag(help: "Print a JSON summary instead of text.")
    var json = false

    func validate() throws {
        guard !outputs.isEmpty else { throw ValidationError("give at least one --output column") }
        guard every >= 1 else { throw ValidationError("--every must be >= 1") }
        if let from, let to, from > to { throw ValidationError("--from \(from) is after --to \(to)") }
    }

    /// Checks and locks --out before the table is read (docs/reliability.md).
    func claimOutput(reading table: String) throws -> [FileLock] {
        try OutputTarget.claim([OutputTarget(out)], inputs: [table])
    }

    /// Builds the trace from `table`, merges it into --out and prints a summary.
    func run(table: DataTable, time: String, source: String) throws {
        let traceName = name ?? URL(fileURLWithPath: table.file).deletingPathExtension().lastPathComponent
        let options = TableImportOptions(name: traceName, every: every, from: from, to: to,
                                         description: "imported from \(source) table \(table.file)",
                                         uniformTolerance: uniform ? uniformTolerance : nil)
        let trace = try table.trace(time: time, inputs: inputs, outputs: outputs, options: options)
        var traces: [Trace] = []
        if FileManager.default.fileExists(atPath: out) {
            traces = try TraceFile.read(out)
            if let existing = traces.firstIndex(where: { $0.name == trace.name }) {
                guard replace else {
                    throw TraceIOError.invalidValue(file: out, object: "/traces/\(trace.name)",
                                                    detail: "a trace of this name exists (use --replace or --name)")
                }
                traces.remove(at: existing)
            }
        }
        traces.append(trace)
        try TraceFile.write(traces, to: out)
        let summary: JSONValue = .object([
            ("file", .string(out)), ("trace", .string(trace.name)), ("source", .string(table.file)),
            ("samples", .integer(trace.count)), ("t_first_s", .number(trace.time(0))),
            ("sampling", .string({ if case .uniform(_, let dt) = trace.sampling { return "uniform, dt = \(dt) s" }; return "explicit times" }())),
            ("t_last_s", .number(trace.time(trace.count - 1))),
            ("inputs", .strings(trace.inputNames)), ("input_units", .strings(trace.inputUnits)),
            ("outputs", .strings(trace.outputNames)), ("output_units", .strings(trace.outputUnits)),
            ("traces_in_file", .integer(traces.count)),
        ])
        if json {
            print(summary.rendered())
        } else {
            print("\(out): trace '\(trace.name)': \(trace.count) samples, t = \(trace.time(0)) ... \(trace.time(trace.count - 1)) s")
            print("  inputs:  " + zip(trace.inputNames, trace.inputUnits).map { "\($0) [\($1)]" }.joined(separator: ", "))
            print("  outputs: " + zip(trace.outputNames, trace.outputUnits).map { "\($0) [\($1)]" }.joined(separator: ", "))
        }
    }
}

/// `spinode import mumax TABLE.txt|FILE.odt ...`
struct ImportMumax: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mumax",
        abstract: "Import a mumax3 table.txt (or an OOMMF .odt table).",
        discussion: """
        Example: spinode import mumax out/table.txt --input 'Ku1.region100' --output mz --out traces.h5 --every 2 --from 7.5e-9
        A file ending in .odt, or starting with '# ODT', is read as an OOMMF data table; its default time \
        column is 'Simulation time'.
        """
    )

    @Argument(help: "mumax3 table.txt or OOMMF .odt file.")
    var table: String

    @Option(help: "Time column (default: 't' for mumax3, 'Simulation time' for OOMMF).")
    var time: String?

    @OptionGroup var options: TableImportArguments

    func run() throws {
        let locks = try options.claimOutput(reading: table)
        defer { locks.forEach { $0.release() } }
        // TraceIOError prints as one line "file: object: problem" (ArgumentParser shows it after "Error:").
        let isODT = table.lowercased().hasSuffix(".odt")
            || (try? String(contentsOfFile: table, encoding: .utf8))?.hasPrefix("# ODT") == true
        let data = isODT ? try OOMMFTable.read(table) : try MumaxTable.read(table)
        try options.run(table: data, time: time ?? (isODT ? "Simulation time" : "t"), source: isODT ? "OOMMF" : "mumax3")
    }
}

/// `spinode import csv FILE ...`
struct ImportCSV: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "csv",
        abstract: "Import a CSV or TSV table with a header row.",
        discussion: """
        Example: spinode import csv scope.csv --time t --input current --output voltage --out traces.h5
        Header names may carry units as 'name (unit)' or 'name [unit]'. The delimiter (tab, comma, semicolon \
        or spaces) is detected from the header.
        """
    )

    @Argument(help: "CSV/TSV file.")
    var file: String

    @Option(help: "Time column, in seconds.")
    var time: String = "t"

    @OptionGroup var options: TableImportArguments

    func run() throws {
        let locks = try options.claimOutput(reading: file)
        defer { locks.forEach { $0.release() } }
        try options.run(table: try DelimitedTable.read(file), time: time, source: "CSV")
    }
}
