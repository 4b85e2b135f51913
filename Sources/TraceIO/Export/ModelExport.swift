import Foundation

/// Tensor file formats of `spinode export`.
public enum ModelExportFormat: String, CaseIterable, Sendable {
    /// `model.safetensors` (F64 tensors) plus `config.json`.
    case safetensors
    /// `model.npz` (uncompressed zip of .npy v1.0) plus `config.json`.
    case npz
    /// `model.json` (config and weights inline) plus `config.json`.
    case json
}

/// Exports a `SurrogateModelFile` for NumPy and PyTorch (docs/model-file.md, "Export"): the MLP's
/// tensors under the names `torch.nn.Sequential` gives them, and a `config.json` with everything
/// else needed to rebuild the vector field of docs/surrogate-model.md.
public enum ModelExport {
    /// Sequential index of layer l (0-based) is 2 l: activation modules take the odd indices.
    public static func tensorNames(layer l: Int) -> (weight: String, bias: String) {
        ("\(2 * l).weight", "\(2 * l).bias")
    }

    /// The MLP's weights and biases, in layer order: "0.weight" [out, in], "0.bias" [out], "2.weight", ...
    public static func tensors(_ model: SurrogateModelFile) -> [NamedTensor] {
        model.layers.enumerated().flatMap { l, layer -> [NamedTensor] in
            let names = tensorNames(layer: l)
            return [NamedTensor(name: names.weight, shape: [layer.weight.rows, layer.weight.columns], values: layer.weight.storage),
                    NamedTensor(name: names.bias, shape: [layer.bias.count], values: layer.bias)]
        }
    }

    /// The torch.nn.Sequential modules, e.g. ["Linear(6, 50)", "Tanh()", "Linear(50, 3)"]. Every
    /// layer but the last is followed by its activation module (Identity() for identity), so
    /// Linear modules sit at the even indices; the last layer's activation is appended only if it
    /// is not the identity.
    public static func torchModules(_ model: SurrogateModelFile) -> [String] {
        var modules: [String] = []
        for (l, layer) in model.layers.enumerated() {
            modules.append("Linear(\(layer.weight.columns), \(layer.weight.rows))")
            let isLast = l == model.layers.count - 1
            if !isLast || layer.activation != .identity { modules.append(torchName(layer.activation)) }
        }
        return modules
    }

    static func torchName(_ a: SurrogateModelFile.Activation) -> String {
        switch a {
        case .tanh: return "Tanh()"
        case .softplus: return "Softplus()"
        case .relu: return "ReLU()"
        case .identity: return "Identity()"
        }
    }

    /// config.json: the architecture, embedding, interpolation, time scale, normalisation,
    /// linear term and provenance, with numbers written exactly.
    public static func config(_ model: SurrogateModelFile, tensorFile: String, source: String) -> JSONValue {
        let n = model.normalisation
        let layers: [JSONValue] = model.layers.enumerated().map { l, layer in
            let names = tensorNames(layer: l)
            return .object([("weight", .string(names.weight)), ("bias", .string(names.bias)),
                            ("shape", .array([.integer(layer.weight.rows), .integer(layer.weight.columns)])),
                            ("activation", .string(layer.activation.rawValue))])
        }
        let p = model.provenance
        return .object([
            ("format", .string("spinode-model-export")), ("version", .integer(1)),
            ("contract", .string("docs/surrogate-model.md")),
            ("source_model", .string(source)), ("tensor_file", .string(tensorFile)),
            ("embedding_order", .integer(model.embeddingOrder)), ("augment", .integer(model.augment)),
            ("n_out", .integer(model.outputCount)), ("n_in", .integer(model.inputCount)), ("n_par", .integer(model.parameterCount)),
            ("state_dimension", .integer(model.stateDimension)),
            ("network_input_dimension", .integer(model.networkInputDimension)),
            ("layer_widths", .array(model.layerWidths.map { .integer($0) })),
            ("activations", .strings(model.layers.map(\.activation.rawValue))),
            ("activation_definitions", .object([("tanh", .string("tanh(x)")), ("softplus", .string("log(1 + exp(x))")),
                                                ("relu", .string("max(x, 0)")), ("identity", .string("x"))])),
            ("input_interpolation", .string(model.inputInterpolation.rawValue)),
            ("sample_interval", .number(model.sampleInterval)), ("time_scale", .number(model.timeScale)),
            ("output_names", .strings(model.outputNames)), ("input_names", .strings(model.inputNames)),
            ("parameter_names", .strings(model.parameterNames)), ("output_units", .strings(model.outputUnits)),
            ("input_units", .strings(model.inputUnits)), ("parameter_units", .strings(model.parameterUnits)),
            ("normalisation", .object([
                ("output_mean", .numbers(n.outputMean)), ("output_std", .numbers(n.outputStd)),
                ("input_mean", .numbers(n.inputMean)), ("input_std", .numbers(n.inputStd)),
                ("parameter_mean", .numbers(n.parameterMean)), ("parameter_std", .numbers(n.parameterStd)),
            ])),
            ("linear_term", model.linearTerm.map { a in .array((0..<a.rows).map { .numbers(a.row($0)) }) } ?? .null),
            ("layers", .array(layers)), ("torch_sequential", .strings(torchModules(model))),
            ("provenance", .object([
                ("trace_file", .string(p.traceFile)), ("trace_file_sha256", .string(p.traceFileSHA256)),
                ("trace_names", .strings(p.traceNames)), ("seed", .string(String(p.seed))),
                ("optimiser", .string(p.optimiser)),
                ("optimiser_settings", .object(p.optimiserSettings.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) })),
                ("metrics", .object(p.metrics.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) })),
                ("toolkit_version", .string(p.toolkitVersion)), ("created", .string(p.created)),
                ("windows", .integer(p.windows.count)),
            ])),
            ("training_command", .string(model.trainingCommand)),
        ])
    }

    /// The tensor file's name for `format`: model.safetensors, model.npz or model.json.
    public static func tensorFileName(_ format: ModelExportFormat) -> String {
        switch format {
        case .safetensors: return "model.safetensors"
        case .npz: return "model.npz"
        case .json: return "model.json"
        }
    }

    /// Writes `config.json` and the tensor file of `format` into `directory` (created if needed),
    /// each file atomically (temporary sibling, then rename); other files in the directory are
    /// left alone. Returns the paths written.
    @discardableResult
    public static func write(_ model: SurrogateModelFile, format: ModelExportFormat, to directory: String,
                             source: String = "") throws -> [String] {
        try model.validate(file: source.isEmpty ? "<model>" : source)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw TraceIOError.io(file: directory, detail: "cannot create directory: \(error.localizedDescription)")
        }
        let tensors = self.tensors(model)
        let tensorFile = tensorFileName(format)
        let tensorData: Data
        switch format {
        case .safetensors:
            tensorData = Safetensors.encode(tensors)
        case .npz:
            tensorData = NPY.encodeArchive(tensors)
        case .json:
            guard case .object(var members) = config(model, tensorFile: tensorFile, source: source) else { fatalError() }
            let weights: [(String, JSONValue)] = tensors.map { t in
                if t.shape.count == 2 {
                    let columns = t.shape[1]
                    return (t.name, .array((0..<t.shape[0]).map { .numbers(Array(t.values[($0 * columns)..<(($0 + 1) * columns)])) }))
                }
                return (t.name, .numbers(t.values))
            }
            members.append(("weights", .object(weights)))
            tensorData = Data((JSONValue.object(members).rendered() + "\n").utf8)
        }
        let configData = Data((config(model, tensorFile: tensorFile, source: source).rendered() + "\n").utf8)
        let paths = [directory + "/" + tensorFile, directory + "/config.json"]
        try AtomicFile.write(tensorData, to: paths[0])
        try AtomicFile.write(configData, to: paths[1])
        return paths
    }
}
