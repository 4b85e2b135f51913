import Numerics

/// Reading and writing a model file (HDF5, layout in docs/model-file.md).
extension SurrogateModelFile {
    /// Writes the model to `path` atomically (temporary sibling, then rename), after `validate`.
    public func write(to path: String) throws {
        try validate(file: path)
        try HDF5File.writeAtomically(path) { root in try writeContents(root: root) }
    }

    private func writeContents(root: HDF5Group) throws {
        func strings(_ object: HDF5Object, _ name: String, _ values: [String]) throws {
            if !values.isEmpty { try object.setAttribute(name, values) }
        }
        try root.setAttribute("format", SurrogateModelFile.format)
        try root.setAttribute("version", SurrogateModelFile.version)
        try root.setAttribute("embedding_order", embeddingOrder)
        try root.setAttribute("augment", augment)
        try root.setAttribute("n_out", outputCount)
        try root.setAttribute("n_in", inputCount)
        try root.setAttribute("n_par", parameterCount)
        try root.setAttribute("state_dimension", stateDimension)
        try root.setAttribute("layer_widths", layerWidths)
        try root.setAttribute("activations", layers.map(\.activation.rawValue))
        try root.setAttribute("input_interpolation", inputInterpolation.rawValue)
        try root.setAttribute("sample_interval", sampleInterval)
        try root.setAttribute("time_scale", timeScale)
        try strings(root, "output_names", outputNames)
        try strings(root, "input_names", inputNames)
        try strings(root, "parameter_names", parameterNames)
        try strings(root, "output_units", outputUnits)
        try strings(root, "input_units", inputUnits)
        try strings(root, "parameter_units", parameterUnits)
        try root.setAttribute("training_command", trainingCommand)
        try root.setAttribute("weights_sha256", weightsDigest)

        try SurrogateModelFile.writeLayers(layers, into: try root.createGroup("mlp"))
        let norm = try root.createGroup("normalisation")
        for (name, values) in normalisationVectors {
            try norm.createDataset(name, shape: [values.count], values: values)
        }
        if let a = linearTerm {
            try root.createDataset("linear_term", shape: [a.rows, a.columns], values: a.storage)
        }
        let p = try root.createGroup("provenance")
        try p.setAttribute("trace_file", provenance.traceFile)
        try p.setAttribute("trace_file_sha256", provenance.traceFileSHA256)
        try strings(p, "trace_names", provenance.traceNames)
        try p.setAttribute("seed", Int(Int64(bitPattern: provenance.seed)))
        try p.setAttribute("toolkit_version", provenance.toolkitVersion)
        try p.setAttribute("created", provenance.created)
        if !provenance.windows.isEmpty {
            var names = provenance.traceNames
            var rows: [Int] = []
            for w in provenance.windows {
                if !names.contains(w.trace) { names.append(w.trace) }
                rows += [names.firstIndex(of: w.trace)!, w.start, w.count]
            }
            try strings(p, "trace_names", names)
            let d = try p.createDataset("windows", shape: [provenance.windows.count, 3], integers: rows)
            try d.setAttribute("columns", ["trace_index", "start", "count"])
        }
        let optimiser = try p.createGroup("optimiser")
        try optimiser.setAttribute("name", provenance.optimiser)
        for (key, value) in provenance.optimiserSettings.sorted(by: { $0.key < $1.key }) {
            try optimiser.setAttribute(key, value)
        }
        try SurrogateModelFile.writeNumbers(provenance.metrics, into: try p.createGroup("metrics"))
        try writeEnsemble(root: root)
    }

    var normalisationVectors: [(String, [Double])] {
        let n = normalisation
        return [("output_mean", n.outputMean), ("output_std", n.outputStd), ("input_mean", n.inputMean),
                ("input_std", n.inputStd), ("parameter_mean", n.parameterMean), ("parameter_std", n.parameterStd)]
    }

    /// Reads and validates the model file at `path`: checks `format` and `version`, then every
    /// count and shape, naming the file, the object and the problem, then the weights digest
    /// (`readChecked`).
    public static func read(_ path: String) throws -> SurrogateModelFile {
        try readChecked(path).model
    }

    /// `read`, also saying whether the file carried a weights digest (`/@weights_sha256`, checked
    /// against the contents: a mismatch is refused) or none (files written before digests existed:
    /// accepted unverified).
    public static func readChecked(_ path: String) throws -> (model: SurrogateModelFile, digest: DigestCheck) {
        let file = try HDF5File.open(path)
        let root = try file.root
        func need(_ object: HDF5Object, _ name: String) throws {
            guard object.hasAttribute(name) else {
                throw TraceIOError.missingObject(file: path, object: "\(object.path) attribute '\(name)'")
            }
        }
        guard root.hasAttribute("format") else {
            throw TraceIOError.wrongFormat(file: path, object: "/ attribute 'format'",
                                           detail: "missing; expected \"\(format)\" (not a SpinODE model file)")
        }
        let foundFormat = try root.stringAttribute("format")
        guard foundFormat == format else {
            throw TraceIOError.wrongFormat(file: path, object: "/ attribute 'format'",
                                           detail: "is \"\(foundFormat)\", expected \"\(format)\"")
        }
        try need(root, "version")
        let foundVersion = try root.integerAttribute("version")
        guard foundVersion == version else {
            throw TraceIOError.wrongFormat(file: path, object: "/ attribute 'version'",
                                           detail: "version \(foundVersion) is not supported (this toolkit reads version \(version))")
        }
        for name in ["embedding_order", "augment", "n_out", "n_in", "n_par", "input_interpolation", "sample_interval",
                     "time_scale", "activations"] {
            try need(root, name)
        }
        let k = try root.integerAttribute("embedding_order")
        let nOut = try root.integerAttribute("n_out"), nIn = try root.integerAttribute("n_in")
        let nPar = try root.integerAttribute("n_par")
        let interpolationText = try root.stringAttribute("input_interpolation")
        guard let interpolation = InputInterpolation(rawValue: interpolationText) else {
            throw TraceIOError.invalidValue(file: path, object: "/ attribute 'input_interpolation'",
                                            detail: "'\(interpolationText)' is not one of \(InputInterpolation.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let activationTexts = try root.stringArrayAttribute("activations")
        let activations = try activationTexts.map { text -> Activation in
            guard let a = Activation(rawValue: text) else {
                throw TraceIOError.invalidValue(file: path, object: "/ attribute 'activations'",
                                                detail: "'\(text)' is not one of \(Activation.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return a
        }
        guard root.exists("mlp") else { throw TraceIOError.missingObject(file: path, object: "/mlp") }
        let layers = try SurrogateModelFile.readLayers(try root.group("mlp"), activations: activations, path: path)
        func vector(_ group: HDF5Group, _ name: String) throws -> [Double] {
            guard group.exists(name) else { throw TraceIOError.missingObject(file: path, object: group.childPath(name)) }
            let d = try group.dataset(name)
            guard d.shape.count == 1 else {
                throw TraceIOError.wrongRank(file: path, object: d.path, expected: "1", found: d.shape.count)
            }
            return try d.readDoubles()
        }
        guard root.exists("normalisation") else { throw TraceIOError.missingObject(file: path, object: "/normalisation") }
        let norm = try root.group("normalisation")
        let normalisation = Normalisation(
            outputMean: try vector(norm, "output_mean"), outputStd: try vector(norm, "output_std"),
            inputMean: try vector(norm, "input_mean"), inputStd: try vector(norm, "input_std"),
            parameterMean: try vector(norm, "parameter_mean"), parameterStd: try vector(norm, "parameter_std"))
        var linearTerm: Matrix?
        if root.exists("linear_term") {
            let d = try root.dataset("linear_term")
            guard d.shape.count == 2 else {
                throw TraceIOError.wrongRank(file: path, object: d.path, expected: "2 ([n, n])", found: d.shape.count)
            }
            linearTerm = Matrix(rows: d.shape[0], columns: d.shape[1], storage: try d.readDoubles())
        }
        func strings(_ object: HDF5Object, _ name: String) throws -> [String]? {
            object.hasAttribute(name) ? try object.stringArrayAttribute(name) : nil
        }
        func string(_ object: HDF5Object, _ name: String) throws -> String {
            object.hasAttribute(name) ? try object.stringAttribute(name) : ""
        }
        var provenance = Provenance()
        if root.exists("provenance") {
            let p = try root.group("provenance")
            provenance.traceFile = try string(p, "trace_file")
            provenance.traceFileSHA256 = try string(p, "trace_file_sha256")
            provenance.traceNames = try strings(p, "trace_names") ?? []
            if p.hasAttribute("seed") { provenance.seed = UInt64(bitPattern: Int64(try p.integerAttribute("seed"))) }
            provenance.toolkitVersion = try string(p, "toolkit_version")
            provenance.created = try string(p, "created")
            if p.exists("windows") {
                let d = try p.dataset("windows")
                guard d.shape.count == 2, d.shape[1] == 3 else {
                    throw TraceIOError.wrongRank(file: path, object: d.path, expected: "2 ([m, 3])", found: d.shape.count)
                }
                let v = try d.readIntegers()
                provenance.windows = try (0..<d.shape[0]).map { i in
                    guard v[3 * i] >= 0, v[3 * i] < provenance.traceNames.count else {
                        throw TraceIOError.invalidValue(file: path, object: d.path,
                                                        detail: "row \(i): trace index \(v[3 * i]) outside trace_names")
                    }
                    return TrainingWindow(trace: provenance.traceNames[v[3 * i]], start: v[3 * i + 1], count: v[3 * i + 2])
                }
            }
            if p.exists("optimiser") {
                let o = try p.group("optimiser")
                provenance.optimiser = try string(o, "name")
                for key in try o.attributeNames() where key != "name" {
                    provenance.optimiserSettings[key] = try o.doubleAttribute(key)
                }
            }
            if p.exists("metrics") { provenance.metrics = try SurrogateModelFile.readNumbers(try p.group("metrics")) }
        }
        var model = SurrogateModelFile(
            embeddingOrder: k, augment: try root.integerAttribute("augment"), outputCount: nOut, inputCount: nIn,
            parameterCount: nPar, layers: layers, inputInterpolation: interpolation,
            sampleInterval: try root.doubleAttribute("sample_interval"), timeScale: try root.doubleAttribute("time_scale"),
            outputNames: try strings(root, "output_names"), inputNames: try strings(root, "input_names"),
            parameterNames: try strings(root, "parameter_names"), outputUnits: try strings(root, "output_units"),
            inputUnits: try strings(root, "input_units"), parameterUnits: try strings(root, "parameter_units"),
            normalisation: normalisation, linearTerm: linearTerm, provenance: provenance,
            trainingCommand: try string(root, "training_command"))
        if root.hasAttribute("layer_widths") {
            let widths = try root.integerArrayAttribute("layer_widths")
            if widths != model.layerWidths {
                throw TraceIOError.invalidValue(file: path, object: "/ attribute 'layer_widths'",
                                                detail: "\(widths) disagrees with the weight shapes \(model.layerWidths)")
            }
        }
        try model.validate(file: path)
        try model.readEnsemble(root: root, path: path)
        return (model, try checkDigest(of: root, computed: model.weightsDigest, path: path))
    }

    /// Compares the `weights_sha256` attribute of `object` (the root, or an ensemble member's group) with
    /// `computed`: `.absent` without one, `.verified` when equal, a one-line refusal otherwise.
    static func checkDigest(of object: HDF5Object, computed: String, path: String) throws -> DigestCheck {
        guard object.hasAttribute("weights_sha256") else { return .absent }
        let stored = try object.stringAttribute("weights_sha256")
        guard stored.lowercased() == computed else {
            throw TraceIOError.invalidValue(
                file: path, object: "\(object.path) attribute 'weights_sha256'",
                detail: "weights digest mismatch (file changed after it was written): stored \(stored.prefix(16))..., contents give \(computed.prefix(16))...")
        }
        return .verified(computed)
    }

    /// Writes `values` as float64 attributes of `group`, in key order.
    static func writeNumbers(_ values: [String: Double], into group: HDF5Group) throws {
        for (key, value) in values.sorted(by: { $0.key < $1.key }) { try group.setAttribute(key, value) }
    }

    /// Every attribute of `group` as a number.
    static func readNumbers(_ group: HDF5Group) throws -> [String: Double] {
        var values: [String: Double] = [:]
        for key in try group.attributeNames() { values[key] = try group.doubleAttribute(key) }
        return values
    }
}
