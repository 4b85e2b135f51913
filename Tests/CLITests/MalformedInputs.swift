import CHDF5
import Foundation
import TraceIO

/// The valid files the fuzz corpus is mutated from, all written by the test itself.
struct FuzzSeeds {
    /// CSV table "t (s),u (A),x (V)" of `DrivenOscillator`, the source of `traces`.
    var table: String
    /// Trace file imported from `table` (one trace "osc", uniform grid, t0/dt attributes).
    var traces: String
    /// Model fitted on `traces` (2 iterations, --hidden 8).
    var model: String
    /// A tiny simulation spec (`FuzzSeeds.spec`), valid.
    var spec: String

    /// The 16 x 8 film of SimulateCommandTests, run for 20 ps: small enough for a positive control.
    static let spec = TinyFilmSpec.text(title: "fuzz film", relax: false, duration: "20e-12", carrierBounds: false)
}

/// The generated bad-input corpus of the fuzz run (issue 13, "Done"): malformed tables, trace files, model
/// files and specs, each written into `corpus` from the valid `seeds` by a seeded `SplitMix64`, with the
/// command lines that read them. The same seed gives the same corpus byte for byte.
struct MalformedInputs {
    let seeds: FuzzSeeds
    let corpus: String
    var random: SplitMix64

    init(seeds: FuzzSeeds, corpus: String, seed: UInt64 = 0x5EED_F022) {
        self.seeds = seeds
        self.corpus = corpus
        random = SplitMix64(seed: seed)
    }

    private static let out = FuzzCase.outToken

    // MARK: - Tables

    private func write(_ name: String, _ text: String) throws -> String {
        try write(name, Data(text.utf8))
    }

    private func write(_ name: String, _ data: Data) throws -> String {
        let path = corpus + "/" + name
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    private func importCSV(_ path: String, _ extra: [String] = []) -> [String] {
        ["import", "csv", path, "--time", "t", "--input", "u", "--output", "x", "--out", Self.out + "/traces.h5"] + extra
    }

    /// CSV and mumax3 tables: truncated, garbage, missing/duplicate columns, non-finite numbers, time going
    /// backwards, empty, header only, very long lines; CRLF and BOM tables as positive controls.
    mutating func tables() throws -> [FuzzCase] {
        let text = try String(contentsOfFile: seeds.table, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let header = lines[0], rows = Array(lines.dropFirst())
        var cases: [FuzzCase] = []
        func add(_ label: String, _ body: String, _ expectation: FuzzCase.Expectation = .refused, extra: [String] = []) throws {
            let path = try write("table-\(label).csv", body)
            cases.append(FuzzCase(label: "table/\(label)", arguments: importCSV(path, extra), expectation: expectation))
        }
        func table(_ rows: [String], header h: String? = nil) -> String { ([h ?? header] + rows).joined(separator: "\n") + "\n" }

        try add("valid", text, .accepted)
        try add("crlf", text.replacingOccurrences(of: "\n", with: "\r\n"), .accepted)
        try add("bom", "\u{FEFF}" + text, .accepted)
        try add("bom-crlf", "\u{FEFF}" + text.replacingOccurrences(of: "\n", with: "\r\n"), .accepted)

        // Cut inside a row, right after one of its separators: the last row lacks a field.
        for _ in 0..<4 {
            let row = random.int(in: 1..<rows.count)
            let kept = rows[row].split(separator: ",", omittingEmptySubsequences: false).prefix(random.int(in: 1..<3))
            try add("truncated-row\(row)", ([header] + rows[..<row] + [kept.joined(separator: ",") + ","]).joined(separator: "\n"))
        }
        // Cut at a random byte anywhere: may end on a whole number, so exit 0 is allowed.
        for _ in 0..<3 {
            let bytes = Array(text.utf8)
            let at = random.int(in: 1..<bytes.count)
            try add("truncated@\(at)", String(decoding: bytes[..<at], as: UTF8.self), .either)
        }
        for i in 0..<3 {
            var garbage = [UInt8](repeating: 0, count: 256 << i)
            for j in garbage.indices { garbage[j] = UInt8(truncatingIfNeeded: random.next()) }
            let path = try write("table-garbage\(i).csv", Data(garbage))
            cases.append(FuzzCase(label: "table/garbage\(i)", arguments: importCSV(path), expectation: .refused))
            var withHeader = Data((header + "\n").utf8)
            withHeader.append(Data(garbage))
            let headed = try write("table-header-garbage\(i).csv", withHeader)
            cases.append(FuzzCase(label: "table/header+garbage\(i)", arguments: importCSV(headed), expectation: .refused))
        }
        let noX = rows.map { $0.split(separator: ",").prefix(2).joined(separator: ",") }
        try add("missing-column", table(noX, header: "t (s),u (A)"))
        try add("duplicate-column", table(rows.map { $0 + "," + ($0.split(separator: ",").last.map(String.init) ?? "") },
                                          header: header + ",x (V)"))
        try add("duplicate-time-column", table(rows.map { ($0.split(separator: ",").first.map(String.init) ?? "") + "," + $0 },
                                               header: "t (s)," + header))
        try add("empty-header-name", table(rows, header: "t (s),,x (V)"))
        for bad in ["nan", "NaN", "inf", "-Infinity", "1e999", "0x1p3", "1,5", "--1", ""] {
            let row = random.int(in: 1..<rows.count)
            var fields = rows[row].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let column = random.below(3)
            fields[column] = bad
            var mutated = rows
            mutated[row] = fields.joined(separator: ",")
            try add("value-\(bad.isEmpty ? "empty" : bad)-r\(row)c\(column)", table(mutated))
        }
        do {
            var mutated = rows
            let i = random.int(in: 2..<rows.count - 1)
            mutated.swapAt(i, i + 1)
            try add("time-backwards-r\(i)", table(mutated))
            mutated = rows
            mutated[i] = (rows[i - 1].split(separator: ",").first.map(String.init) ?? "") + ","
                + rows[i].split(separator: ",").dropFirst().joined(separator: ",")
            try add("time-repeated-r\(i)", table(mutated))
        }
        try add("empty", "")
        try add("header-only", header + "\n")
        try add("one-row", table([rows[0]]), .either)
        try add("blank-lines", "\n\n\n")
        try add("long-row", table(Array(rows.prefix(10)) + [rows[10] + String(repeating: ",0", count: 200_000)] + Array(rows.dropFirst(11))))
        try add("long-header", table(rows, header: header + "," + String(repeating: "y", count: 1_000_000)), .either)
        try add("long-line-no-newline", String(repeating: "1", count: 2_000_000))
        try add("nul-bytes", table(rows).replacingOccurrences(of: ",", with: "\u{0},"))

        // mumax3 tables: tab-separated, '# ' header.
        let mumaxHeader = "# t (s)\tmx ()\tmy ()\tmz ()\tB_extz (T)"
        let mumaxRows = (0..<50).map { i -> String in
            let t = Double(i) * 5e-12
            return "\(t)\t\(cos(Double(i) * 0.1))\t\(sin(Double(i) * 0.1))\t0.01\t\(Double(i % 7) * 1e-3)"
        }
        func mumax(_ label: String, _ body: String, _ expectation: FuzzCase.Expectation = .refused) throws {
            let path = try write("mumax-\(label).txt", body)
            cases.append(FuzzCase(label: "mumax/\(label)", arguments: ["import", "mumax", path, "--input", "B_extz",
                                                                        "--output", "mz", "--out", Self.out + "/traces.h5"],
                                  expectation: expectation))
        }
        let mumaxText = ([mumaxHeader] + mumaxRows).joined(separator: "\n") + "\n"
        try mumax("valid", mumaxText, .accepted)
        try mumax("crlf", mumaxText.replacingOccurrences(of: "\n", with: "\r\n"), .accepted)
        try mumax("truncated-row", ([mumaxHeader] + mumaxRows.prefix(20) + ["1.0e-10\t0.5"]).joined(separator: "\n"))
        try mumax("nan", ([mumaxHeader] + mumaxRows.prefix(20) + ["1.0e-10\t0\t0\tNaN\t0"]).joined(separator: "\n") + "\n")
        try mumax("no-header", mumaxRows.joined(separator: "\n") + "\n")
        try mumax("missing-column", (["# t (s)\tmx ()\tmy ()\tB_extz (T)"] + mumaxRows.map {
            $0.split(separator: "\t").enumerated().filter { $0.offset != 3 }.map { String($0.element) }.joined(separator: "\t")
        }).joined(separator: "\n") + "\n")
        return cases
    }

    // MARK: - HDF5 files (trace files and model files)

    /// Copies `seed` to `name` in the corpus and edits it with `body` (TraceIO's HDF5 wrapper).
    private func edited(_ seed: String, _ name: String, _ body: (HDF5Group) throws -> Void) throws -> String {
        let path = corpus + "/" + name
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: seed, toPath: path)
        let file = try HDF5File.open(path, writable: true)
        try body(file.root)
        try file.close()
        return path
    }

    /// Replaces dataset `name` of `group` by one holding `values` in `shape`.
    private static func replace(_ group: HDF5Group, _ name: String, shape: [Int], values: [Double]) throws {
        try group.removeMember(name)
        try group.createDataset(name, shape: shape, values: values)
    }

    /// Moves dataset `name` of `group` to `newName` (same shape and values).
    private static func rename(_ group: HDF5Group, _ name: String, to newName: String) throws {
        let dataset = try group.dataset(name)
        let shape = dataset.shape, values = try dataset.readDoubles()
        try group.removeMember(name)
        try group.createDataset(newName, shape: shape, values: values)
    }

    /// Copies `seed` and replaces the dataset at `object` (e.g. "traces/osc/outputs") with a float64 dataset of
    /// shape `dims` that is never written (raw libhdf5; contiguous with late allocation, or in chunks of 1024
    /// rows): a file of a few KB claiming any number of values.
    private func claiming(_ seed: String, _ name: String, object: String, dims: [UInt64], chunked: Bool) throws -> String {
        let path = corpus + "/" + name
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: seed, toPath: path)
        spinode_H5_silence_errors()
        let file = H5Fopen(path, spinode_H5F_ACC_RDWR(), spinode_H5P_DEFAULT())
        guard file >= 0 else { throw CLITestError.scratch(path: path) }
        let parentPath = (object as NSString).deletingLastPathComponent, leaf = (object as NSString).lastPathComponent
        let parent = H5Gopen2(file, parentPath, spinode_H5P_DEFAULT())
        H5Ldelete(parent, leaf, spinode_H5P_DEFAULT())
        var shape = dims.map { hsize_t($0) }
        let space = H5Screate_simple(Int32(shape.count), &shape, nil)
        let properties = H5Pcreate(spinode_H5P_DATASET_CREATE())
        if chunked {
            var chunk = shape.enumerated().map { hsize_t($0.offset == 0 ? 1024 : Int($0.element)) }
            H5Pset_chunk(properties, Int32(chunk.count), &chunk)
        }
        let dataset = H5Dcreate2(parent, leaf, spinode_H5T_NATIVE_DOUBLE(), space, spinode_H5P_DEFAULT(), properties,
                                 spinode_H5P_DEFAULT())
        H5Dclose(dataset); H5Pclose(properties); H5Sclose(space); H5Gclose(parent); H5Fclose(file)
        guard dataset >= 0 else { throw CLITestError.scratch(path: path) }
        return path
    }

    /// `count` copies of `seed` cut at random offsets (from the first 512 bytes to the last one).
    private mutating func truncations(_ seed: String, prefix: String, count: Int) throws -> [(String, String)] {
        let data = try Data(contentsOf: URL(fileURLWithPath: seed))
        return try (0..<count).map { _ in
            let at = random.int(in: 1..<data.count)
            return ("truncated@\(at)", try write("\(prefix)-truncated\(at).h5", data.prefix(at)))
        }
    }

    /// `count` copies of `seed` with 1 to 16 random bytes of its middle half replaced by random bytes.
    private mutating func byteFlips(_ seed: String, prefix: String, count: Int) throws -> [(String, String)] {
        let data = try Data(contentsOf: URL(fileURLWithPath: seed))
        return try (0..<count).map { k in
            var bytes = [UInt8](data)
            let flips = random.int(in: 1..<17)
            for _ in 0..<flips {
                bytes[random.int(in: bytes.count / 4..<3 * bytes.count / 4)] = UInt8(truncatingIfNeeded: random.next())
            }
            return ("flipped\(k)x\(flips)", try write("\(prefix)-flipped\(k).h5", Data(bytes)))
        }
    }

    /// The commands that read a trace file, each writing (if at all) into the case's output folder.
    private func traceCommands(_ path: String) -> [(String, [String])] {
        let out = Self.out
        return [
            ("inspect", ["inspect", path]),
            ("fit", ["fit", path, "--out", out + "/model.h5", "--iterations", "2", "--hidden", "8", "--quiet"]),
            ("predict", ["predict", seeds.model, path, "--out", out + "/prediction.h5"]),
            ("split", ["split", path, "--at", "1e-8", "--out", out + "/parts.h5"]),
            ("merge", ["merge", path, seeds.traces + ":osc=other", "--out", out + "/merged.h5"]),
        ]
    }

    /// Trace files: truncated, bytes flipped, datasets removed or renamed, wrong rank/type/attributes, huge
    /// claimed shapes; each through inspect, fit, predict, split and merge.
    mutating func traceFiles() throws -> [FuzzCase] {
        var files: [(label: String, path: String, expectation: FuzzCase.Expectation)] = []
        files += try truncations(seeds.traces, prefix: "trace", count: 6).map { ($0.0, $0.1, .refused) }
        files += try byteFlips(seeds.traces, prefix: "trace", count: 6).map { ($0.0, $0.1, .either) }
        let seed = seeds.traces
        func osc(_ root: HDF5Group) throws -> HDF5Group { try root.group("traces").group("osc") }
        let n = try TraceFile.read(seed, trace: "osc").count
        let structural: [(String, (HDF5Group) throws -> Void)] = [
            ("no-outputs", { try osc($0).removeMember("outputs") }),
            ("outputs-renamed", { try Self.rename(try osc($0), "outputs", to: "output") }),
            ("no-inputs-but-names", { try osc($0).removeMember("inputs") }),
            ("no-traces-group", { try $0.removeMember("traces") }),
            ("empty-traces-group", { try $0.group("traces").removeMember("osc") }),
            ("outputs-rank3", { try Self.replace(try osc($0), "outputs", shape: [n, 1, 1], values: [Double](repeating: 0.5, count: n)) }),
            ("outputs-short", { try Self.replace(try osc($0), "outputs", shape: [n - 7, 1], values: [Double](repeating: 0.5, count: n - 7)) }),
            ("outputs-integers", { let g = try osc($0); try g.removeMember("outputs")
                try g.createDataset("outputs", shape: [n, 1], integers: [Int](repeating: 1, count: n)) }),
            ("outputs-nan", { try Self.replace(try osc($0), "outputs", shape: [n, 1], values: (0..<n).map { $0 == n / 2 ? .nan : 0.1 }) }),
            ("inputs-inf", { try Self.replace(try osc($0), "inputs", shape: [n, 1], values: (0..<n).map { $0 == 3 ? .infinity : 0.1 }) }),
            ("inputs-huge", { try Self.replace(try osc($0), "inputs", shape: [n, 1], values: [Double](repeating: 1e300, count: n)) }),
            ("dt-nan", { try osc($0).setAttribute("dt", Double.nan) }),
            ("dt-negative", { try osc($0).setAttribute("dt", -1e-10) }),
            ("dt-zero", { try osc($0).setAttribute("dt", 0.0) }),
            ("dt-string", { try osc($0).setAttribute("dt", "0.1 ns") }),
            ("dt-huge", { try osc($0).setAttribute("dt", 1e300) }),
            ("t0-inf", { try osc($0).setAttribute("t0", Double.infinity) }),
            ("output-names-long", { try osc($0).setAttribute("output_names", ["x", "y", "z"]) }),
            ("output-names-integer", { try osc($0).setAttribute("output_names", 7) }),
            ("units-short", { try osc($0).setAttribute("units", [String]()) }),
            ("format-model", { try $0.setAttribute("format", "spinode-model") }),
            ("format-number", { try $0.setAttribute("format", 1.5) }),
            ("version-99", { try $0.setAttribute("version", 99) }),
            ("version-negative", { try $0.setAttribute("version", -1) }),
        ]
        for (label, body) in structural {
            files.append((label, try edited(seed, "trace-\(label).h5", body), .refused))
        }
        files.append(("claims-3e9", try claiming(seed, "trace-claims-3e9.h5", object: "traces/osc/outputs",
                                                 dims: [3_000_000_000, 1], chunked: false), .refused))
        files.append(("claims-3e9-chunked", try claiming(seed, "trace-claims-chunked.h5", object: "traces/osc/inputs",
                                                         dims: [3_000_000_000, 1], chunked: true), .refused))
        files.append(("claims-3e8x1e3", try claiming(seed, "trace-claims-2d.h5", object: "traces/osc/outputs",
                                                     dims: [300_000_000, 1000], chunked: false), .refused))
        let text = try write("trace-text.h5", "t,x\n0,1\n")
        files.append(("text", text, .refused))
        files.append(("empty", try write("trace-empty.h5", Data()), .refused))
        files.append(("model-instead", seeds.model, .refused))

        // Files that are valid for some commands: a model file is inspected as a model; a file without traces
        // inspects and merges as empty; finite huge values and a huge interval are data, not damage.
        let accepted: [String: Set<String>] = ["model-instead": ["inspect"]]
        let mayRun: [String: Set<String>] = ["empty-traces-group": ["inspect", "merge"],
                                             "inputs-huge": ["inspect", "fit", "predict", "split", "merge"],
                                             "dt-huge": ["inspect", "fit", "split", "merge"]]
        var cases: [FuzzCase] = []
        for file in files {
            for (command, arguments) in traceCommands(file.path) {
                let expectation: FuzzCase.Expectation = accepted[file.label]?.contains(command) == true ? .accepted
                    : mayRun[file.label]?.contains(command) == true ? .either : file.expectation
                cases.append(FuzzCase(label: "trace/\(file.label)/\(command)", arguments: arguments, expectation: expectation))
            }
        }
        return cases
    }

    /// Only the flipped-byte trace and model files (`count` of each), through the commands that read them:
    /// the cases whose damage lands in another HDF5 object when the seeds' paths have another length.
    mutating func flippedBytes(count: Int) throws -> [FuzzCase] {
        var cases: [FuzzCase] = []
        for (label, path) in try byteFlips(seeds.traces, prefix: "trace", count: count) {
            for (command, arguments) in traceCommands(path) {
                cases.append(FuzzCase(label: "trace/\(label)/\(command)", arguments: arguments, expectation: .either))
            }
        }
        for (label, path) in try byteFlips(seeds.model, prefix: "model", count: count) {
            for (command, arguments) in modelCommands(path) {
                cases.append(FuzzCase(label: "model/\(label)/\(command)", arguments: arguments, expectation: .either))
            }
        }
        return cases
    }

    /// The commands that read a model file.
    private func modelCommands(_ path: String) -> [(String, [String])] {
        let out = Self.out
        return [
            ("inspect", ["inspect", path, "--json"]),
            ("predict", ["predict", path, seeds.traces, "--out", out + "/prediction.h5"]),
            ("export", ["export", path, "--format", "npz", "--out", out + "/export"]),
            ("reservoir", ["reservoir", "narma10", "--device", path, "--nodes", "4", "--drive-out", out + "/drive.csv"]),
        ]
    }

    /// Model files: the trace-file mutations plus altered weights and attributes (widths not matching the
    /// weights, NaN weights, bad activations, non-positive std and sampling).
    mutating func modelFiles() throws -> [FuzzCase] {
        var files: [(label: String, path: String, expectation: FuzzCase.Expectation)] = []
        files += try truncations(seeds.model, prefix: "model", count: 5).map { ($0.0, $0.1, .refused) }
        files += try byteFlips(seeds.model, prefix: "model", count: 5).map { ($0.0, $0.1, .either) }
        let seed = seeds.model
        func layer(_ root: HDF5Group, _ l: Int) throws -> HDF5Group { try root.group("mlp").group("layer\(l)") }
        func normalisation(_ root: HDF5Group) throws -> HDF5Group { try root.group("normalisation") }
        let seedFile = try HDF5File.open(seed)
        let weightShape = try seedFile.root.group("mlp").group("layer1").dataset("weight").shape
        try seedFile.close()
        let (rows, columns) = (weightShape[0], weightShape[1])
        let structural: [(String, (HDF5Group) throws -> Void)] = [
            ("no-weight", { try layer($0, 1).removeMember("weight") }),
            ("weight-renamed", { try Self.rename(try layer($0, 1), "weight", to: "weights") }),
            ("no-bias", { try layer($0, 2).removeMember("bias") }),
            ("no-mlp", { try $0.removeMember("mlp") }),
            ("no-normalisation", { try $0.removeMember("normalisation") }),
            ("weight-rank1", { try Self.replace(try layer($0, 1), "weight", shape: [rows * columns],
                                           values: [Double](repeating: 0.1, count: rows * columns)) }),
            ("weight-too-wide", { try Self.replace(try layer($0, 1), "weight", shape: [rows, columns + 1],
                                              values: [Double](repeating: 0.1, count: rows * (columns + 1))) }),
            ("weight-too-narrow", { try Self.replace(try layer($0, 2), "weight", shape: [8, 7], values: [Double](repeating: 0.1, count: 56)) }),
            ("weight-nan", { try Self.replace(try layer($0, 1), "weight", shape: [rows, columns],
                                         values: (0..<rows * columns).map { $0 == 5 ? .nan : 0.1 }) }),
            ("weight-1e308", { try Self.replace(try layer($0, 1), "weight", shape: [rows, columns],
                                           values: [Double](repeating: 1e308, count: rows * columns)) }),
            ("bias-inf", { try Self.replace(try layer($0, 1), "bias", shape: [rows], values: (0..<rows).map { $0 == 0 ? -.infinity : 0 }) }),
            ("weight-integers", { let g = try layer($0, 1); try g.removeMember("weight")
                try g.createDataset("weight", shape: [rows, columns], integers: [Int](repeating: 0, count: rows * columns)) }),
            ("layer-widths-wrong", { try $0.setAttribute("layer_widths", [columns, 9, 9, 2]) }),
            ("layer-widths-string", { try $0.setAttribute("layer_widths", "8,8") }),
            ("activation-unknown", { try $0.setAttribute("activations", ["tanh", "sigmoid", "identity"]) }),
            ("activations-short", { try $0.setAttribute("activations", ["tanh"]) }),
            ("std-zero", { try Self.replace(try normalisation($0), "output_std", shape: [1], values: [0]) }),
            ("std-negative", { try Self.replace(try normalisation($0), "input_std", shape: [1], values: [-1]) }),
            ("mean-nan", { try Self.replace(try normalisation($0), "output_mean", shape: [1], values: [.nan]) }),
            ("mean-long", { try Self.replace(try normalisation($0), "output_mean", shape: [3], values: [0, 0, 0]) }),
            ("sample-interval-zero", { try $0.setAttribute("sample_interval", 0.0) }),
            ("sample-interval-nan", { try $0.setAttribute("sample_interval", Double.nan) }),
            ("time-scale-negative", { try $0.setAttribute("time_scale", -1e-9) }),
            ("embedding-order-zero", { try $0.setAttribute("embedding_order", 0) }),
            ("embedding-order-huge", { try $0.setAttribute("embedding_order", Int.max) }),
            ("n-out-huge", { try $0.setAttribute("n_out", 1 << 60) }),
            ("augment-negative", { try $0.setAttribute("augment", -3) }),
            ("interpolation-unknown", { try $0.setAttribute("input_interpolation", "spline9") }),
            ("output-names-long", { try $0.setAttribute("output_names", ["x", "y"]) }),
            ("format-traces", { try $0.setAttribute("format", "spinode-traces") }),
            ("version-2", { try $0.setAttribute("version", 2) }),
        ]
        for (label, body) in structural {
            files.append((label, try edited(seed, "model-\(label).h5", body), .refused))
        }
        files.append(("claims-huge-weight", try claiming(seed, "model-claims.h5", object: "mlp/layer1/weight",
                                                         dims: [1_000_000_000, UInt64(columns)], chunked: false), .refused))
        files.append(("claims-huge-bias", try claiming(seed, "model-claims-bias.h5", object: "mlp/layer1/bias",
                                                       dims: [4_000_000_000], chunked: true), .refused))
        files.append(("trace-instead", seeds.traces, .refused))
        var cases: [FuzzCase] = []
        for file in files {
            for (command, arguments) in modelCommands(file.path) {
                // A trace file is inspected as a trace; finite weights of 1e308 are a valid (saturated tanh) model.
                let expectation: FuzzCase.Expectation = file.label == "trace-instead" && command == "inspect" ? .accepted
                    : file.label == "weight-1e308" ? .either : file.expectation
                cases.append(FuzzCase(label: "model/\(file.label)/\(command)", arguments: arguments, expectation: expectation))
            }
        }
        return cases
    }

    // MARK: - Specs

    /// Simulation specs: missing keys, wrong types, NaN/negative/huge values, absurd meshes and times, unknown
    /// keys, bad drive files. The valid seed spec is the positive control.
    mutating func specs() throws -> [FuzzCase] {
        let base = FuzzSeeds.spec
        var cases: [FuzzCase] = []
        func add(_ label: String, _ text: String, _ expectation: FuzzCase.Expectation = .refused) throws {
            let path = try write("spec-\(label).toml", text)
            cases.append(FuzzCase(label: "spec/\(label)", arguments: ["simulate", path, "--out", Self.out + "/run.h5", "--quiet"],
                                  expectation: expectation))
        }
        func replacing(_ old: String, _ new: String) -> String {
            precondition(base.contains(old), "spec seed lacks '\(old)'")
            return base.replacingOccurrences(of: old, with: new)
        }
        try add("valid", base, .accepted)
        // Required keys removed.
        // Aex (default 0: no exchange) and the drive's target (default Ku1) are optional.
        try add("missing-Aex", replacing("Aex = 13e-12", ""), .either)
        try add("missing-target", replacing("target = \"field_z\"", ""), .either)
        for key in ["cells = [16, 8, 1]", "cell_size = [4e-9, 4e-9, 3e-9]", "Msat = 800e3",
                    "duration = 20e-12", "interval = 10e-12", "kind = \"run\"", "kind = \"sine-carrier\""] {
            let name = key.hasPrefix("kind") ? key.replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: " ", with: "")
                : String(key.prefix(while: { $0 != " " }))
            try add("missing-" + name, replacing(key, ""))
        }
        try add("missing-stages", base.components(separatedBy: "[[stage]]")[0] + "[output]\ninterval = 10e-12\n")
        // Wrong types.
        for (old, new) in [("cells = [16, 8, 1]", "cells = \"16x8\""), ("cells = [16, 8, 1]", "cells = [16.5, 8, 1]"),
                           ("cells = [16, 8, 1]", "cells = [16, 8]"), ("Msat = 800e3", "Msat = \"800e3\""),
                           ("alpha = 0.02", "alpha = [0.02]"), ("duration = 20e-12", "duration = true"),
                           ("demag = false", "demag = \"no\""), ("record = true", "record = 1"),
                           ("uniform = [1, 0.1, 0]", "uniform = \"x\""), ("seed = 3", "seed = -3"),
                           ("seed = 3", "seed = 3.5"), ("title = \"fuzz film\"", "title = 12")] {
            try add("type-" + new.replacingOccurrences(of: " ", with: ""), replacing(old, new))
        }
        // Values out of range.
        for (old, new) in [("Msat = 800e3", "Msat = nan"), ("Msat = 800e3", "Msat = -800e3"), ("Msat = 800e3", "Msat = 0"),
                           ("Aex = 13e-12", "Aex = inf"), ("alpha = 0.02", "alpha = -0.02"),
                           ("cell_size = [4e-9, 4e-9, 3e-9]", "cell_size = [4e-9, 0, 3e-9]"),
                           ("cell_size = [4e-9, 4e-9, 3e-9]", "cell_size = [4e-9, -4e-9, nan]"),
                           ("cells = [16, 8, 1]", "cells = [100000, 100000, 100]"), ("cells = [16, 8, 1]", "cells = [0, 8, 1]"),
                           ("cells = [16, 8, 1]", "cells = [9223372036854775807, 2, 1]"),
                           ("duration = 20e-12", "duration = 1e300"), ("duration = 20e-12", "duration = -1e-12"),
                           ("duration = 20e-12", "duration = nan"), ("interval = 10e-12", "interval = 1e-30"),
                           ("interval = 10e-12", "interval = 0"), ("interval = 10e-12", "interval = -inf"),
                           ("uniform = [1, 0.1, 0]", "uniform = [0, 0, 0]"), ("uniform = [1, 0.1, 0]", "uniform = [nan, 0, 0]"),
                           ("field = [-0.03, 0.005, 0]", "field = [1e300, 0, 0]"),
                           ("frequency = 4e9", "frequency = inf"), ("period = 50e-12", "period = 0"),
                           ("kind = \"run\"", "kind = \"run\"\nsolver = \"rk4\"\nstep = 1e-30"),
                           ("kind = \"run\"", "kind = \"run\"\nsolver = \"rk4\"\nstep = -1e-13"),
                           ("kind = \"run\"", "kind = \"run\"\nsolver = \"rk4\""),
                           ("kind = \"run\"", "kind = \"run\"\nsolver = \"euler9\""),
                           ("demag = false", "demag = false\ntemperature = 300"),
                           ("kind = \"run\"", "kind = \"warp\""), ("drive = \"k\"", "drive = \"nosuch\"")] {
            try add("value-" + new.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\n", with: ";"), replacing(old, new))
        }
        // No upper bound is documented for the damping: a huge one only freezes the magnet.
        try add("value-alpha=1e300", replacing("alpha = 0.02", "alpha = 1e300"), .either)
        // Unknown keys and syntax errors.
        try add("unknown-top", base + "\ncolour = \"red\"\n")
        try add("unknown-material", replacing("Aex = 13e-12", "Aex = 13e-12\nAexx = 13e-12"))
        try add("unknown-table", base + "\n[magic]\nx = 1\n")
        try add("syntax-bracket", replacing("[mesh]", "[mesh"))
        try add("syntax-duplicate-key", replacing("Msat = 800e3", "Msat = 800e3\nMsat = 700e3"))
        try add("empty", "")
        try add("binary", String(decoding: (0..<512).map { _ in UInt8(truncatingIfNeeded: random.next()) }, as: UTF8.self))
        // Cut before the first stage (a cut inside it may leave a valid but long run, e.g. "duration = 2").
        let bytes = Array(base.components(separatedBy: "[[stage]]")[0].utf8)
        for _ in 0..<3 {
            let at = random.int(in: 1..<bytes.count)
            try add("truncated@\(at)", String(decoding: bytes[..<at], as: UTF8.self), .either)
        }

        // Piecewise drives read from files.
        func piecewise(_ file: String) -> String {
            replacing("kind = \"sine-carrier\"\ntarget = \"field_z\"\namplitude = 0.01\nfrequency = 4e9\nperiod = 50e-12",
                      "kind = \"piecewise\"\ntarget = \"field_z\"\nhold = 5e-12\nfile = \"\(file)\"")
        }
        let goodDrive = try write("drive-good.csv", (0..<8).map { "\(Double($0) * 1e-3)" }.joined(separator: "\n") + "\n")
        try add("drive-valid", piecewise(goodDrive), .accepted)
        try add("drive-missing", piecewise(corpus + "/no-such-drive.csv"))
        try add("drive-nan", piecewise(try write("drive-nan.csv", "0.001\n0.002\nnan\n0.001\n")))
        try add("drive-text", piecewise(try write("drive-text.csv", "0.001\nhello\n")))
        try add("drive-header", piecewise(try write("drive-header.csv", "field (T)\n0.001\n0.002\n")))
        try add("drive-empty", piecewise(try write("drive-empty.csv", "")))
        try add("drive-directory", piecewise(corpus))
        try add("drive-npy-2d", piecewise(try write("drive-2d.npy", Self.npy(shape: [4, 2], values: [Double](repeating: 1e-3, count: 8)))))
        try add("drive-npy-nan", piecewise(try write("drive-nan.npy", Self.npy(shape: [4], values: [1e-3, .nan, 1e-3, 1e-3]))))
        try add("drive-npy-truncated", piecewise(try write("drive-cut.npy", Self.npy(shape: [400], values: [Double](repeating: 1e-3, count: 400)).prefix(300))))
        try add("drive-npy-garbage", piecewise(try write("drive-garbage.npy", Data((0..<300).map { _ in UInt8(truncatingIfNeeded: random.next()) }))))
        return cases
    }

    /// A NumPy .npy (version 1.0) file of little-endian float64 `values` in C order.
    static func npy(shape: [Int], values: [Double]) -> Data {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(dims), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }
}
