import ArgumentParser
import Foundation
import TraceIO

/// `spinode inspect FILE.h5`: what is in a trace file or a model file.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise a trace file (runs, lengths, sampling, channels) or a model file (architecture, training).",
        discussion: """
        Trace files (docs/trace-format.md): each trace's length, sampling interval and time span, each \
        channel with its units and min/max, and its provenance (how import stored the times, split, merge). \
        Model files (docs/model-file.md): embedding, network, normalisation, time scale, provenance, final \
        metrics, and the weights digest (verified on reading; a model changed after it was written is refused). \
        Sweep results (docs/scaling.md, `spinode sweep --gather`): the command, the sweep's seed, the counts of \
        finished, failed and missing tasks, and each task's seed, status, parameters and key figures.
        Example: spinode inspect traces.h5 --json
        """
    )

    @Argument(help: "Trace or model file (HDF5).")
    var file: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        // A simulation checkpoint (OUT.h5.checkpoint) is not HDF5; say what it is and how to read it.
        if Self.startsWithCheckpointMagic(file) {
            throw TraceIOError.wrongFormat(file: file, object: "header",
                                           detail: "a simulation checkpoint, not an HDF5 file: write its samples as a trace with "
                                                   + "spinode simulate SPEC --out OUT --partial FILE.h5 (docs/spec-format.md)")
        }
        let root = try HDF5File.open(file).root
        let format = root.hasAttribute("format") ? try root.stringAttribute("format") : ""
        let summary: JSONValue
        switch format {
        case TraceFile.format: summary = try traceSummary()
        case SurrogateModelFile.format: summary = try modelSummary()
        case SweepResultsFile.format: summary = try sweepSummary()
        default:
            throw TraceIOError.wrongFormat(file: file, object: "/ attribute 'format'",
                                           detail: format.isEmpty ? "missing; not a SpinODE trace or model file"
                                                                  : "\"\(format)\" is none of spinode-traces, spinode-model, spinode-sweep")
        }
        print(json ? summary.rendered() : Inspect.text(summary))
    }

    /// Whether `path` is a regular file that starts with a simulation checkpoint's magic ("SPNCKPT").
    /// Anything else (a folder, a FIFO, an unreadable file) is left to the HDF5 reader's own messages.
    static func startsWithCheckpointMagic(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return false }
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 7)
        return read(fd, &head, 7) == 7 && head == Array("SPNCKPT".utf8)
    }

    private func sweepSummary() throws -> JSONValue {
        let sweep = try SweepResultsFile.read(file)
        func value(_ v: HDF5AttributeValue) -> JSONValue {
            switch v {
            case .string(let s): return .string(s)
            case .strings(let s): return .strings(s)
            case .number(let x): return .number(x)
            case .numbers(let x): return .array(x.map { .number($0) })
            case .integer(let i): return .integer(i)
            case .integers(let i): return .array(i.map { .integer($0) })
            }
        }
        let tasks: [JSONValue] = sweep.tasks.map { t in
            var fields: [(String, JSONValue)] = [("index", .integer(t.index)), ("seed", .integer(t.seed)),
                                                 ("status", .string(t.status))]
            if let e = t.error { fields.append(("error", .string(e))) }
            if let w = t.wallSeconds { fields.append(("wall_seconds", .number(w))) }
            fields.append(("parameters", .object(t.parameters.map { ($0.key, value($0.value)) })))
            fields.append(("figures", .object(t.figures.map { ($0.name, .number($0.value)) })))
            if let o = t.output { fields.append(("output", .string(o))) }
            return .object(fields)
        }
        let count = { (status: String) in sweep.tasks.filter { $0.status == status }.count }
        return .object([("file", .string(file)), ("format", .string(SweepResultsFile.format)),
                        ("version", .integer(SweepResultsFile.version)), ("command", .string(sweep.command)),
                        ("seed", .integer(sweep.seed)), ("tasks_ok", .integer(count("ok"))),
                        ("tasks_failed", .integer(count("failed"))),
                        ("missing_tasks", .array(sweep.missingTasks.map { .integer($0) })), ("tasks", .array(tasks))])
    }

    private func traceSummary() throws -> JSONValue {
        let file = try TraceFile(path: self.file)
        let groups = try HDF5File.open(self.file).root.group("traces")
        var entries: [JSONValue] = []
        for name in file.traceNames {
            let info = try file.info(name)
            // How the samples were obtained (import's sampling choice, split, merge), when recorded.
            let group = try groups.group(name)
            let provenance: JSONValue = group.hasAttribute("provenance")
                ? .string((try? group.stringAttribute("provenance")) ?? "") : .null
            let trace = try file.trace(name)
            func channels(_ names: [String], _ units: [String], _ ranges: [(min: Double, max: Double)]) -> JSONValue {
                .array((0..<names.count).map { c in
                    .object([("name", .string(names[c])), ("unit", .string(units[c])),
                             ("min", .number(ranges[c].min)), ("max", .number(ranges[c].max))])
                })
            }
            entries.append(.object([
                ("name", .string(name)), ("samples", .integer(info.count)),
                ("sampling", .string(info.isUniform ? "uniform" : "explicit times")),
                ("dt_s", .number(info.meanInterval)), ("t_first_s", .number(info.firstTime)), ("t_last_s", .number(info.lastTime)),
                ("inputs", channels(info.inputNames, info.inputUnits, trace.inputRanges)),
                ("outputs", channels(info.outputNames, info.outputUnits, trace.outputRanges)),
                ("parameters", .array((0..<info.parameterCount).map { p in
                    .object([("name", .string(info.parameterNames[p])), ("unit", .string(info.parameterUnits[p])),
                             ("value", .number(trace.parameters[p]))])
                })),
                ("description", .string(info.description)), ("provenance", provenance),
            ]))
        }
        return .object([("file", .string(self.file)), ("format", .string(TraceFile.format)),
                        ("version", .integer(TraceFile.version)), ("traces", .array(entries))])
    }

    private func modelSummary() throws -> JSONValue {
        let (m, digest) = try SurrogateModelFile.readChecked(file)
        let p = m.provenance
        let n = m.normalisation
        var fields: [(String, JSONValue)] = [
            ("file", .string(file)), ("format", .string(SurrogateModelFile.format)), ("version", .integer(SurrogateModelFile.version)),
            ("embedding_order", .integer(m.embeddingOrder)), ("augment", .integer(m.augment)),
            ("n_out", .integer(m.outputCount)), ("n_in", .integer(m.inputCount)), ("n_par", .integer(m.parameterCount)),
            ("weights_sha256", {
                switch digest {
                case .verified(let hex): return .string(hex)
                case .absent: return .null
                }
            }()),
            ("weights_digest", .string(digest == .absent ? "absent (written before model files carried one; not verified)"
                                                         : "verified (matches the weights and configuration)")),
            ("state_dimension", .integer(m.stateDimension)),
            ("layer_widths", .array(m.layerWidths.map { .integer($0) })),
            ("activations", .strings(m.layers.map(\.activation.rawValue))), ("weights", .integer(m.weightCount)),
            ("linear_term", .bool(m.linearTerm != nil)),
            ("input_interpolation", .string(m.inputInterpolation.rawValue)),
            ("sample_interval_s", .number(m.sampleInterval)), ("time_scale_s", .number(m.timeScale)),
            ("outputs", .strings(zip(m.outputNames, m.outputUnits).map { $1.isEmpty ? $0 : "\($0) (\($1))" })),
            ("inputs", .strings(zip(m.inputNames, m.inputUnits).map { $1.isEmpty ? $0 : "\($0) (\($1))" })),
            ("parameters", .strings(zip(m.parameterNames, m.parameterUnits).map { $1.isEmpty ? $0 : "\($0) (\($1))" })),
            ("normalisation", .object([("output_mean", .numbers(n.outputMean)), ("output_std", .numbers(n.outputStd)),
                                       ("input_mean", .numbers(n.inputMean)), ("input_std", .numbers(n.inputStd))])),
            ("training", .object([
                ("trace_file", .string(p.traceFile)), ("trace_file_sha256", .string(p.traceFileSHA256)),
                ("traces", .strings(p.traceNames)), ("windows", .integer(p.windows.count)), ("seed", .string(String(p.seed))),
                ("optimiser", .string(p.optimiser)),
                ("optimiser_settings", .object(p.optimiserSettings.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) })),
                ("toolkit_version", .string(p.toolkitVersion)), ("created", .string(p.created)),
                ("command", .string(m.trainingCommand)),
            ])),
            ("metrics", .object(p.metrics.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) })),
        ]
        fields.append(("ensemble", Self.ensembleSummary(m)))
        return .object(fields)
    }

    /// The `ensemble` object of a model summary (null for a single model).
    static func ensembleSummary(_ m: SurrogateModelFile) -> JSONValue {
        guard m.memberCount > 1 else { return .null }
        let members = m.members
        let nrmse: [JSONValue] = members.map { $0.provenance.metrics["validation_nrmse"].map { .number($0) } ?? .null }
        var fields: [(String, JSONValue)] = [("members", .integer(m.memberCount)),
                                             ("seeds", .strings(members.map { String($0.provenance.seed) })),
                                             ("validation_nrmse", .array(nrmse))]
        if let t = m.trust {
            fields += [("spread_threshold", .number(t.spreadThreshold)), ("trust_margin", .number(t.margin)),
                       ("calibration_max_spread", .number(t.calibrationMaxSpread)),
                       ("calibration_samples", .integer(t.calibrationSamples)), ("calibration_data", .string(t.calibrationData))]
        }
        return .object(fields)
    }

    /// Indented "key: value" text of a summary.
    static func text(_ value: JSONValue, indent: String = "") -> String {
        guard case .object(let members) = value else { return indent + value.rendered(indent: nil) }
        var lines: [String] = []
        for (key, member) in members {
            switch member {
            case .object(let inner) where !inner.isEmpty:
                lines.append(indent + key + ":")
                lines.append(text(member, indent: indent + "  "))
            case .array(let items) where items.contains(where: { if case .object = $0 { return true } else { return false } }):
                lines.append(indent + key + ":")
                for item in items {
                    if case .object(let fields) = item, let first = fields.first {
                        lines.append(indent + "  - " + first.0 + ": " + Inspect.scalar(first.1))
                        lines.append(text(.object(Array(fields.dropFirst())), indent: indent + "    "))
                    }
                }
            default:
                lines.append(indent + key + ": " + Inspect.scalar(member))
            }
        }
        return lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.joined(separator: "\n")
    }

    static func scalar(_ value: JSONValue) -> String {
        if case .string(let s) = value { return s }
        return value.rendered(indent: nil)
    }
}
