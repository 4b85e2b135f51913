import Numerics

/// Ensemble models: N networks of one architecture trained on the same data (different seeds and window
/// draws), sharing everything else (embedding, normalisation, sampling, channels, linear term). The root of
/// the file is member 1, a complete single model, so every reader of single models (the PyTorch and NumPy
/// loaders, an older SpinODE) still reads it; members 2 ... N live in `/ensemble/memberI` with their own
/// weights digest, and `/ensemble` holds the trust flag's calibration (docs/model-file.md, "Ensembles";
/// docs/surrogate-model.md, "Ensembles and the trust flag").
extension SurrogateModelFile {
    /// One further member of an ensemble: its network and where it came from.
    public struct EnsembleMember: Equatable, Sendable {
        public var layers: [Layer]
        /// Seed of the member's initialisation, window draws and noise.
        public var seed: UInt64
        /// The member's own final metrics (e.g. validation_nrmse).
        public var metrics: [String: Double]
        public init(layers: [Layer], seed: UInt64, metrics: [String: Double] = [:]) {
            self.layers = layers
            self.seed = seed
            self.metrics = metrics
        }
    }

    /// The trust flag's threshold and how it was set: the largest spread of the members' free runs over
    /// the calibration data (samples not trained on), times a margin. The spread of a sample is the RMS
    /// over output channels of the members' standard deviation in normalised units (std of the training
    /// outputs = 1), dimensionless.
    public struct TrustCalibration: Equatable, Sendable {
        /// The flag rises where the spread exceeds this (dimensionless, normalised units).
        public var spreadThreshold: Double
        /// threshold / largest calibration spread.
        public var margin: Double
        /// Largest spread over the calibration free runs.
        public var calibrationMaxSpread: Double
        /// Predicted samples the calibration saw.
        public var calibrationSamples: Int
        /// What the calibration ran on, free-form ("validation: tail 0.2 of train", trace names).
        public var calibrationData: String
        public init(spreadThreshold: Double, margin: Double, calibrationMaxSpread: Double, calibrationSamples: Int,
                    calibrationData: String) {
            self.spreadThreshold = spreadThreshold
            self.margin = margin
            self.calibrationMaxSpread = calibrationMaxSpread
            self.calibrationSamples = calibrationSamples
            self.calibrationData = calibrationData
        }
    }

    /// Networks in the model: 1 for a single model, N for an ensemble.
    public var memberCount: Int { 1 + otherMembers.count }

    /// Member `index` (0 ... memberCount - 1; 0 is the root network) as a single model: the shared
    /// configuration with that member's weights, seed and metrics, without ensemble or calibration.
    /// `path` names the file in the error for an index out of range.
    public func member(_ index: Int, of path: String = "<model>") throws -> SurrogateModelFile {
        guard index >= 0, index < memberCount else {
            throw TraceIOError.invalidValue(file: path, object: "/ensemble",
                                            detail: "member \(index) does not exist: the model has \(memberCount) member\(memberCount == 1 ? "" : "s") (0 ... \(memberCount - 1))")
        }
        var single = self
        single.otherMembers = []
        single.trust = nil
        if index > 0 {
            let m = otherMembers[index - 1]
            single.layers = m.layers
            single.provenance.seed = m.seed
            single.provenance.metrics = m.metrics
        }
        return single
    }

    /// Every member as a single model (`member(_:)` of 0 ... memberCount - 1).
    public var members: [SurrogateModelFile] {
        (0..<memberCount).map { try! member($0) }
    }

    /// Makes one ensemble model of `members` (at least 1), which must agree in everything but their
    /// weights, seeds and metrics; the first gives the root, its provenance and training command.
    public static func ensemble(of members: [SurrogateModelFile], trust: TrustCalibration?,
                                names: [String]? = nil) throws -> SurrogateModelFile {
        guard let first = members.first else {
            throw TraceIOError.invalidValue(file: "<ensemble>", object: "/ensemble", detail: "an ensemble needs at least one member")
        }
        var root = try first.member(0)
        var others = first.otherMembers
        for (i, m) in members.enumerated().dropFirst() {
            let name = names?[i] ?? "member \(i + 1)"
            guard m.layerWidths == root.layerWidths, m.layers.map(\.activation) == root.layers.map(\.activation) else {
                throw TraceIOError.invalidValue(file: name, object: "/mlp",
                                                detail: "network \(m.layerWidths) \(m.layers.map(\.activation.rawValue)) differs from the first member's \(root.layerWidths) \(root.layers.map(\.activation.rawValue))")
            }
            var comparable = try m.member(0)
            comparable.layers = root.layers
            comparable.provenance = root.provenance
            comparable.trainingCommand = root.trainingCommand
            guard comparable == root else {
                throw TraceIOError.invalidValue(file: name, object: "/",
                                                detail: "differs from the first member in more than its weights (embedding, sampling, channels, normalisation or linear term): members of an ensemble must be fits of the same data with the same settings")
            }
            others += m.members.map { EnsembleMember(layers: $0.layers, seed: $0.provenance.seed, metrics: $0.provenance.metrics) }
        }
        root.otherMembers = others
        root.trust = trust
        try root.validate()
        return root
    }

    /// Checks members and calibration (called by `validate`).
    func validateEnsemble(file: String) throws {
        func bad(_ object: String, _ detail: String) -> TraceIOError { .invalidValue(file: file, object: object, detail: detail) }
        for (i, m) in otherMembers.enumerated() {
            let object = "/ensemble/member\(i + 2)"
            guard m.layers.count == layers.count else {
                throw TraceIOError.lengthMismatch(file: file, object: object + "/mlp", expected: layers.count, found: m.layers.count,
                                                  reference: "/mlp layers")
            }
            for (l, (a, b)) in zip(m.layers, layers).enumerated() {
                let layer = object + "/mlp/layer\(l + 1)"
                guard a.weight.rows == b.weight.rows, a.weight.columns == b.weight.columns, a.bias.count == b.bias.count else {
                    throw bad(layer, "has shape [\(a.weight.rows), \(a.weight.columns)] (bias \(a.bias.count)), expected member 1's [\(b.weight.rows), \(b.weight.columns)] (bias \(b.bias.count))")
                }
                guard a.activation == b.activation else {
                    throw bad(layer + " attribute 'activation'", "is \(a.activation.rawValue), member 1's is \(b.activation.rawValue)")
                }
                try Trace.checkFinite(a.weight.storage, file: file, object: layer + "/weight")
                try Trace.checkFinite(a.bias, file: file, object: layer + "/bias")
            }
        }
        if let t = trust {
            guard otherMembers.count >= 1 else { throw bad("/ensemble attribute 'spread_threshold'", "a trust calibration needs at least 2 members") }
            guard t.spreadThreshold.isFinite, t.spreadThreshold > 0 else {
                throw bad("/ensemble attribute 'spread_threshold'", "must be positive and finite, got \(t.spreadThreshold)")
            }
            guard t.margin.isFinite, t.margin > 0 else { throw bad("/ensemble attribute 'threshold_margin'", "must be positive and finite, got \(t.margin)") }
            guard t.calibrationMaxSpread.isFinite, t.calibrationMaxSpread >= 0 else {
                throw bad("/ensemble attribute 'calibration_max_spread'", "must be >= 0 and finite, got \(t.calibrationMaxSpread)")
            }
            guard t.calibrationSamples >= 1 else { throw bad("/ensemble attribute 'calibration_samples'", "must be >= 1, got \(t.calibrationSamples)") }
        }
    }

    /// Writes `/ensemble` (only for an ensemble).
    func writeEnsemble(root: HDF5Group) throws {
        guard memberCount > 1 || trust != nil else { return }
        let group = try root.createGroup("ensemble")
        try group.setAttribute("n_members", memberCount)
        if let t = trust {
            try group.setAttribute("spread_threshold", t.spreadThreshold)
            try group.setAttribute("threshold_margin", t.margin)
            try group.setAttribute("calibration_max_spread", t.calibrationMaxSpread)
            try group.setAttribute("calibration_samples", t.calibrationSamples)
            try group.setAttribute("calibration_data", t.calibrationData)
        }
        for (i, m) in otherMembers.enumerated() {
            let g = try group.createGroup("member\(i + 2)")
            try g.setAttribute("seed", Int(Int64(bitPattern: m.seed)))
            try g.setAttribute("weights_sha256", try member(i + 1).weightsDigest)
            try SurrogateModelFile.writeLayers(m.layers, into: try g.createGroup("mlp"))
            try SurrogateModelFile.writeNumbers(m.metrics, into: try g.createGroup("metrics"))
        }
    }

    /// Reads `/ensemble` into `otherMembers` and `trust`, checking each member's digest.
    mutating func readEnsemble(root: HDF5Group, path: String) throws {
        guard root.exists("ensemble") else { return }
        let group = try root.group("ensemble")
        guard group.hasAttribute("n_members") else {
            throw TraceIOError.missingObject(file: path, object: "/ensemble attribute 'n_members'")
        }
        let count = try group.integerAttribute("n_members")
        guard count >= 1, count <= 100_000 else {
            throw TraceIOError.invalidValue(file: path, object: "/ensemble attribute 'n_members'", detail: "must be in 1 ... 100000, got \(count)")
        }
        let activations = layers.map(\.activation)
        otherMembers = []
        for i in 2...max(count, 2) where count >= 2 {
            let name = "member\(i)"
            guard group.exists(name) else { throw TraceIOError.missingObject(file: path, object: "/ensemble/\(name)") }
            let g = try group.group(name)
            guard g.exists("mlp") else { throw TraceIOError.missingObject(file: path, object: "/ensemble/\(name)/mlp") }
            let metrics = g.exists("metrics") ? try SurrogateModelFile.readNumbers(try g.group("metrics")) : [:]
            let seed = g.hasAttribute("seed") ? UInt64(bitPattern: Int64(try g.integerAttribute("seed"))) : 0
            otherMembers.append(EnsembleMember(layers: try SurrogateModelFile.readLayers(try g.group("mlp"), activations: activations, path: path),
                                               seed: seed, metrics: metrics))
        }
        if group.exists("member\(count + 1)") {
            throw TraceIOError.lengthMismatch(file: path, object: "/ensemble attribute 'n_members'", expected: count + 1, found: count,
                                              reference: "/ensemble (member\(count + 1) exists)")
        }
        if group.hasAttribute("spread_threshold") {
            func number(_ name: String) throws -> Double {
                guard group.hasAttribute(name) else { throw TraceIOError.missingObject(file: path, object: "/ensemble attribute '\(name)'") }
                return try group.doubleAttribute(name)
            }
            trust = TrustCalibration(spreadThreshold: try number("spread_threshold"), margin: try number("threshold_margin"),
                                     calibrationMaxSpread: try number("calibration_max_spread"),
                                     calibrationSamples: Int(try number("calibration_samples")),
                                     calibrationData: group.hasAttribute("calibration_data") ? try group.stringAttribute("calibration_data") : "")
        }
        try validateEnsemble(file: path)
        for i in 0..<otherMembers.count {
            _ = try SurrogateModelFile.checkDigest(of: try group.group("member\(i + 2)"), computed: try member(i + 1).weightsDigest,
                                                   path: path)
        }
    }

    /// Writes `layers` as `layer1 ... layerL` groups (weight [out, in], bias [out], attribute activation) into `mlp`.
    static func writeLayers(_ layers: [Layer], into mlp: HDF5Group) throws {
        try mlp.setAttribute("n_layers", layers.count)
        for (l, layer) in layers.enumerated() {
            let group = try mlp.createGroup("layer\(l + 1)")
            try group.setAttribute("activation", layer.activation.rawValue)
            try group.createDataset("weight", shape: [layer.weight.rows, layer.weight.columns], values: layer.weight.storage)
            try group.createDataset("bias", shape: [layer.bias.count], values: layer.bias)
        }
    }

    /// Reads `layer1 ... layerL` of `mlp`, L = activations.count, refusing a missing or extra layer.
    static func readLayers(_ mlp: HDF5Group, activations: [Activation], path: String) throws -> [Layer] {
        var layers: [Layer] = []
        for (l, activation) in activations.enumerated() {
            let name = "layer\(l + 1)"
            guard mlp.exists(name) else { throw TraceIOError.missingObject(file: path, object: mlp.childPath(name)) }
            let group = try mlp.group(name)
            for d in ["weight", "bias"] where !group.exists(d) {
                throw TraceIOError.missingObject(file: path, object: group.childPath(d))
            }
            let weight = try group.dataset("weight"), bias = try group.dataset("bias")
            guard weight.shape.count == 2 else {
                throw TraceIOError.wrongRank(file: path, object: weight.path, expected: "2 ([out, in])", found: weight.shape.count)
            }
            guard bias.shape.count == 1 else {
                throw TraceIOError.wrongRank(file: path, object: bias.path, expected: "1 ([out])", found: bias.shape.count)
            }
            layers.append(Layer(weight: Matrix(rows: weight.shape[0], columns: weight.shape[1], storage: try weight.readDoubles()),
                                bias: try bias.readDoubles(), activation: activation))
        }
        if mlp.exists("layer\(activations.count + 1)") {
            throw TraceIOError.lengthMismatch(file: path, object: "/ attribute 'activations'", expected: activations.count + 1,
                                              found: activations.count, reference: "\(mlp.path) (layer\(activations.count + 1) exists)")
        }
        return layers
    }
}
