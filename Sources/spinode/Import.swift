import ArgumentParser
import Foundation
import TraceIO
import Workflows

/// `spinode import mumax|csv`: simulator and measurement tables into a trace file.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert mumax3, OOMMF or CSV tables into a SpinODE trace file (HDF5).",
        discussion: """
        The trace file schema is described in docs/trace-format.md. Columns are chosen by name: the exact \
        name ("mz"), the name with its units ("Ku1.region100 (J/m3)"), any case, or for OOMMF the part after \
        the last ":" ("Simulation time"); --input and --output may be repeated or given comma-separated lists. \
        Units are taken from the table header. Tables may have LF or CRLF line ends and a UTF-8 byte-order mark.

        Sampling: when every recorded time lies within --uniform-tolerance (default 1 %) of dt of a uniform grid \
        t0 + i dt, the trace stores that grid (t0, dt) instead of the times. mumax3 writes a row at the first \
        solver step after each multiple of the save period, so its times miss the grid by up to one solver step; \
        the samples belong to the grid. Otherwise the recorded times are kept (the surrogate needs uniform \
        sampling: resample with --resample DT). --uniform refuses a table whose times are not on a grid; \
        --keep-times always keeps them; --resample DT interpolates linearly onto t0 + i DT. The choice is \
        recorded in the trace's 'provenance' attribute. If --out exists, the new trace is added to it (use \
        --replace to overwrite a trace of the same name); the other traces keep their attributes.
        """,
        subcommands: [ImportMumax.self, ImportCSV.self]
    )
}

/// Options shared by the table importers.
struct TableImportArguments: ParsableArguments {
    @Option(name: .customLong("input"),
            help: "Input column (repeat, or a comma-separated list). Example: --input 'Ku1.region100'")
    var inputs: [String] = []

    @Option(name: .customLong("output"), help: "Output column (repeat, or a comma-separated list). Example: --output mz,mx")
    var outputs: [String] = []

    @Option(help: "Trace file to write or extend (HDF5).")
    var out: String

    @Option(help: "Trace name (default: the table's file name without extension).")
    var name: String?

    @Option(parsing: .unconditional, help: "Keep every N-th row (after --from/--to); N >= 1.")
    var every: Int = 1

    @Option(parsing: .unconditional, help: "Keep rows with t >= this time (seconds; may be negative).")
    var from: Double?

    @Option(parsing: .unconditional, help: "Keep rows with t <= this time (seconds).")
    var to: Double?

    @Flag(help: "Require uniform sampling: refuse the table unless every time lies within --uniform-tolerance of the nominal grid t0 + i dt.")
    var uniform = false

    @Flag(help: "Store the recorded times as they are (explicit times), even when they lie on a uniform grid.")
    var keepTimes = false

    @Option(parsing: .unconditional,
            help: "Resample every column by linear interpolation onto t0 + i DT (seconds), t0 the first kept time.")
    var resample: Double?

    @Option(parsing: .unconditional,
            help: "Largest deviation of a recorded time from the nominal grid t0 + i dt, as a fraction of dt, for the grid to be stored (0 < tolerance <= 0.25).")
    var uniformTolerance: Double = TableSampling.defaultTolerance

    @Flag(help: "Overwrite a trace of the same name already in --out.")
    var replace = false

    @Flag(help: "Print a JSON summary instead of text.")
    var json = false

    func validate() throws {
        guard !outputs.isEmpty else { throw OptionValueError("give at least one --output column") }
        _ = try OptionList.expand(inputs, option: "--input")
        _ = try OptionList.expand(outputs, option: "--output")
        guard every >= 1 else { throw OptionValueError("--every must be an integer >= 1, got \(every)") }
        for (value, label) in [(from, "--from"), (to, "--to")] {
            if let value, !value.isFinite { throw OptionValueError("\(label) must be a finite time in seconds, got \(value)") }
        }
        if let from, let to, from > to { throw OptionValueError("--from \(from) is after --to \(to)") }
        guard uniformTolerance.isFinite, uniformTolerance > 0, uniformTolerance <= 0.25 else {
            throw OptionValueError("--uniform-tolerance must be a fraction of dt in (0, 0.25], got \(uniformTolerance)")
        }
        if let resample {
            guard resample.isFinite, resample > 0 else {
                throw OptionValueError("--resample must be a positive, finite interval in seconds, got \(resample)")
            }
            guard every == 1 else { throw OptionValueError("--resample and --every exclude each other: resample to the interval wanted") }
        }
        let choices = [uniform ? "--uniform" : nil, keepTimes ? "--keep-times" : nil, resample.map { _ in "--resample" }].compactMap { $0 }
        guard choices.count <= 1 else { throw OptionValueError("\(choices.joined(separator: " and ")) exclude each other") }
        if let name {
            guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
                throw OptionValueError("--name must be a non-empty trace name without '/', got '\(name)'")
            }
        }
    }

    /// How the times are stored: the nominal grid when they lie on one (default), or as asked.
    var sampling: TableSampling {
        if let resample { return .resampled(dt: resample) }
        if keepTimes { return .recordedTimes }
        if uniform { return .nominalGrid(tolerance: uniformTolerance) }
        return .nominalGridIfUniform(tolerance: uniformTolerance)
    }

    /// Checks and locks --out before the table is read (docs/reliability.md).
    func claimOutput(reading table: String) throws -> [FileLock] {
        try OutputTarget.claim([OutputTarget(out)], inputs: [table])
    }

    /// Builds the trace from `table`, merges it into --out and prints a summary.
    func run(table: DataTable, time: String, source: String) throws {
        let traceName = name ?? URL(fileURLWithPath: table.file).deletingPathExtension().lastPathComponent
        let options = TableImportOptions(name: traceName, every: every, from: from, to: to,
                                         description: "imported from \(source) table \(table.file)", sampling: sampling)
        let isColumn = { (value: String) in (try? table.column(value)) != nil }
        let imported = try table.importTrace(time: time, inputs: OptionList.expand(inputs, option: "--input", isWhole: isColumn),
                                             outputs: OptionList.expand(outputs, option: "--output", isWhole: isColumn),
                                             options: options)
        let trace = imported.trace
        let file = try ExtendedTraceFile(out, making: trace.name, replace: replace)
        try file.write(adding: trace, provenance: imported.provenance)
        printSummary(imported, table: table, tracesInFile: file.traces.count + 1)
    }

    private func printSummary(_ imported: TableImport, table: DataTable, tracesInFile: Int) {
        let trace = imported.trace
        let (kind, deviation): (String, Double?) = {
            switch imported.sampling {
            case .nominalGrid(let grid): return ("nominal grid", grid.largestDeviation)
            case .recorded(let grid): return ("recorded times", grid?.largestDeviation)
            case .resampled: return ("resampled", nil)
            }
        }()
        let dt: Double? = { if case .uniform(_, let dt) = trace.sampling { return dt }; return nil }()
        let summary: JSONValue = .object([
            ("file", .string(out)), ("trace", .string(trace.name)), ("source", .string(table.file)),
            ("samples", .integer(trace.count)), ("t_first_s", .number(trace.time(0))),
            ("sampling", .string(dt.map { "uniform, dt = \($0) s" } ?? "explicit times")),
            ("sampling_source", .string(kind)), ("dt_s", dt.map { .number($0) } ?? .null),
            ("grid_deviation_max", deviation.map { .number($0) } ?? .null),
            ("t_last_s", .number(trace.time(trace.count - 1))),
            ("inputs", .strings(trace.inputNames)), ("input_units", .strings(trace.inputUnits)),
            ("outputs", .strings(trace.outputNames)), ("output_units", .strings(trace.outputUnits)),
            ("traces_in_file", .integer(tracesInFile)), ("provenance", .string(imported.provenance)),
        ])
        if json {
            print(summary.rendered())
        } else {
            print("\(out): trace '\(trace.name)': \(trace.count) samples, t = \(trace.time(0)) ... \(trace.time(trace.count - 1)) s")
            print("  inputs:  " + zip(trace.inputNames, trace.inputUnits).map { "\($0) [\($1)]" }.joined(separator: ", "))
            print("  outputs: " + zip(trace.outputNames, trace.outputUnits).map { "\($0) [\($1)]" }.joined(separator: ", "))
            print("  sampling: " + (imported.provenance.split(separator: ";", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? kind))
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
        let isODT = OOMMFTable.recognises(table)
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
