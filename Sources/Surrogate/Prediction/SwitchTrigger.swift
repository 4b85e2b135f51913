import Foundation

/// A learned hand-over for `RegimeSwitchPrediction` (issue 18): a logistic score of lagged, standardised
/// features of the first model's prediction and of the drive, read from a JSON file
/// (`spinode predict A.h5 TRACES --after B.h5 --switch-trigger FILE.json`; docs/surrogate-model.md,
/// "A learned trigger").
///
/// The file (snake_case keys; unknown keys are ignored):
/// ```json
/// { "format": "spinode-switch-trigger", "version": 1, "description": "free text",
///   "stride_samples": 50, "phase_samples": 5,
///   "features": [ {"source": "output", "name": "mz", "lag_samples": 0},
///                 {"source": "input", "name": "deltaKu1", "lag_samples": 50} ],
///   "center": [0.75, 0.0], "scale": [0.02, 40000.0],
///   "products": [[0, 1]], "weights": [0.1, 1.5], "product_weights": [0.3],
///   "bias": -6.0, "threshold": 1.25, "switch_delay_samples": 6 }
/// ```
///
/// The trigger is evaluated at the samples j = phase_samples + m stride_samples (m = 0, 1, 2, ...) with
/// 1 <= j < N (N samples in the trace; sample 0, the true initial state, never switches). At such a j,
/// feature f takes the value x_f of its series at sample max(0, j - lag_samples_f): an `output` feature
/// the first model's prediction (its members' mean for an ensemble) in its output channel `name`, an
/// `input` feature the trace's drive in the first model's input channel `name`, each in the channel's SI
/// unit. With z_f = (x_f - center_f) / scale_f and products[p] = [a_p, b_p] (0-based feature indices),
///
///     score(j) = bias + sum_f weights_f z_f + sum_p product_weights_p z_{a_p} z_{b_p}
///
/// (dimensionless, in Float64; the logit of a logistic classifier, so `threshold` = log(P / (1 - P)) for a
/// firing probability P). The trigger fires at the first evaluation sample j with score(j) >= threshold
/// (a NaN score never fires); the switch sample is j + switch_delay_samples (optional, >= 0, default 0:
/// where in its period the event tends to happen after the evaluation), no switch when that is past the
/// trace's end or the trigger never fires.
public struct SwitchTrigger: Codable, Sendable, Equatable {
    /// One feature: a channel of the first model's prediction (`output`) or of the drive (`input`),
    /// `lagSamples` samples before the evaluation sample (clamped at sample 0).
    public struct Feature: Codable, Sendable, Equatable {
        public enum Source: String, Codable, Sendable {
            case output, input
        }

        public var source: Source
        /// Channel name (the first model's output or input).
        public var name: String
        /// Lag (samples, >= 0).
        public var lagSamples: Int

        public init(source: Source, name: String, lagSamples: Int) {
            self.source = source
            self.name = name
            self.lagSamples = lagSamples
        }

        enum CodingKeys: String, CodingKey {
            case source, name
            case lagSamples = "lag_samples"
        }

        /// Decodes the source as a word so that an unknown one is refused by name.
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let word = try c.decode(String.self, forKey: .source)
            guard let source = Source(rawValue: word) else {
                throw DecodingError.dataCorruptedError(forKey: .source, in: c, debugDescription: "source '\(word)' is not output or input")
            }
            self.init(source: source, name: try c.decode(String.self, forKey: .name), lagSamples: try c.decode(Int.self, forKey: .lagSamples))
        }
    }

    public static let format = "spinode-switch-trigger"
    public static let version = 1

    public var format: String
    public var version: Int
    /// Free text (what the trigger was fitted on).
    public var description: String?
    /// Samples between two evaluations (>= 1).
    public var strideSamples: Int
    /// First evaluation sample (>= 0; sample 0 itself is skipped).
    public var phaseSamples: Int
    public var features: [Feature]
    /// Per feature, in the channel's SI unit.
    public var center: [Double]
    /// Per feature, in the channel's SI unit (> 0).
    public var scale: [Double]
    /// Pairs [a, b] of 0-based feature indices (a = b: a square).
    public var products: [[Int]]
    public var weights: [Double]
    public var productWeights: [Double]
    public var bias: Double
    public var threshold: Double
    /// Samples from the firing to the switch (>= 0; nil: 0).
    public var switchDelaySamples: Int?

    enum CodingKeys: String, CodingKey {
        case format, version, description, features, center, scale, products, weights, bias, threshold
        case strideSamples = "stride_samples", phaseSamples = "phase_samples", productWeights = "product_weights"
        case switchDelaySamples = "switch_delay_samples"
    }

    public init(description: String? = nil, strideSamples: Int, phaseSamples: Int, features: [Feature], center: [Double],
                scale: [Double], products: [[Int]] = [], weights: [Double], productWeights: [Double] = [], bias: Double,
                threshold: Double, switchDelaySamples: Int? = nil) throws {
        self.format = Self.format
        self.version = Self.version
        self.description = description
        self.strideSamples = strideSamples
        self.phaseSamples = phaseSamples
        self.features = features
        self.center = center
        self.scale = scale
        self.products = products
        self.weights = weights
        self.productWeights = productWeights
        self.bias = bias
        self.threshold = threshold
        self.switchDelaySamples = switchDelaySamples
        try validate(file: "(in memory)")
    }

    /// Reads and checks a trigger file (`validate(file:)`).
    /// - Throws: `SurrogateError.invalidOption`, one line naming the file and the problem.
    public init(contentsOf url: URL) throws {
        try self.init(reading: url, file: url.path)
    }

    /// Reads and checks a trigger file, named in errors as given (`spinode predict --switch-trigger PATH`).
    public init(path: String) throws {
        try self.init(reading: URL(fileURLWithPath: path), file: path)
    }

    private init(reading url: URL, file: String) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SurrogateError.invalidOption("switch trigger '\(file)': cannot read the file (no such file or not readable)")
        }
        try self.init(data: data, file: file)
    }

    /// Parses and checks a trigger; `file` names it in errors.
    /// - Throws: `SurrogateError.invalidOption`: not JSON, another format or version, a missing or mistyped
    ///   key, or a value `validate(file:)` refuses.
    public init(data: Data, file: String = "(in memory)") throws {
        struct Header: Decodable { var format: String?; var version: Int? }
        let refuse = { (problem: String) in SurrogateError.invalidOption("switch trigger '\(file)': \(problem)") }
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: data) } catch {
            switch error as? DecodingError {
            case .dataCorrupted(let context)? where context.codingPath.isEmpty:
                // JSONSerialization says where (e.g. at a NaN or Infinity, which Python's json writes but JSON lacks).
                var reason = context.debugDescription
                do { _ = try JSONSerialization.jsonObject(with: data) } catch {
                    if let at = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String { reason = at }
                }
                throw refuse("not JSON (" + Self.line(reason) + ")")
            case .typeMismatch(_, let context)? where context.codingPath.isEmpty:
                throw refuse("not a JSON object")
            default:
                throw refuse(Self.reason(error))
            }
        }
        guard header.format == Self.format else {
            throw refuse("format " + (header.format.map { "'\($0)'" } ?? "missing") + ", expected '\(Self.format)'")
        }
        guard header.version == Self.version else {
            throw refuse("version " + (header.version.map { "\($0)" } ?? "missing") + ", this build reads version \(Self.version)")
        }
        do { self = try JSONDecoder().decode(Self.self, from: data) } catch { throw refuse(Self.reason(error)) }
        try validate(file: file)
    }

    /// A decoding error as one line: "missing key 'bias'", "key 'features[1].lag_samples': expected an integer".
    static func reason(_ error: Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            let parent = path(context)
            return "missing key '" + (parent.isEmpty ? "" : parent + ".") + key.stringValue + "'"
        case .typeMismatch(let type, let context)?, .valueNotFound(let type, let context)?:
            let expected = type == Int.self ? "an integer" : type == Double.self ? "a number" : type == String.self ? "a string" : "\(type)"
            return "key '\(path(context))': expected \(expected)"
        case .dataCorrupted(let context)?:
            let at = path(context)
            return (at.isEmpty ? "" : "key '\(at)': ") + line(context.debugDescription)
        default:
            return line("\(error)")
        }
    }

    static func line(_ s: String) -> String { s.split(whereSeparator: \.isNewline).joined(separator: " ") }

    /// Checks the trigger on its own: format and version, stride >= 1, phase >= 0, at least one feature,
    /// lags >= 0, one center, scale and weight per feature, every scale > 0, product indices in range
    /// (pairs), one product weight per product, every number finite.
    /// - Throws: `SurrogateError.invalidOption` naming `file` and the problem.
    public func validate(file: String) throws {
        func need(_ ok: Bool, _ problem: @autoclosure () -> String) throws {
            if !ok { throw SurrogateError.invalidOption("switch trigger '\(file)': \(problem())") }
        }
        try need(format == Self.format, "format '\(format)', expected '\(Self.format)'")
        try need(version == Self.version, "version \(version), this build reads version \(Self.version)")
        try need(strideSamples >= 1, "stride_samples must be >= 1, got \(strideSamples)")
        try need(phaseSamples >= 0, "phase_samples must be >= 0, got \(phaseSamples)")
        try need((switchDelaySamples ?? 0) >= 0, "switch_delay_samples must be >= 0, got \(switchDelaySamples ?? 0)")
        try need(!features.isEmpty, "no features")
        for (f, feature) in features.enumerated() {
            try need(feature.lagSamples >= 0, "features[\(f)] (\(feature.name)): lag_samples must be >= 0, got \(feature.lagSamples)")
        }
        let n = features.count
        for (key, values) in [("center", center), ("scale", scale), ("weights", weights)] {
            try need(values.count == n, "\(key) has \(values.count) values for \(n) features")
        }
        for (key, values) in [("center", center), ("scale", scale), ("weights", weights), ("product_weights", productWeights)] {
            if let i = values.firstIndex(where: { !$0.isFinite }) { try need(false, "\(key)[\(i)] is not finite (\(values[i]))") }
        }
        try need(bias.isFinite, "bias is not finite (\(bias))")
        try need(threshold.isFinite, "threshold is not finite (\(threshold))")
        if let i = scale.firstIndex(where: { $0 <= 0 }) { try need(false, "scale[\(i)] must be > 0, got \(scale[i])") }
        for (p, pair) in products.enumerated() {
            try need(pair.count == 2, "products[\(p)] must be a pair [a, b] of feature indices, got \(pair)")
            try need(pair.allSatisfy { (0..<n).contains($0) }, "products[\(p)] = \(pair): feature index out of range 0 ... \(n - 1)")
        }
        try need(productWeights.count == products.count,
                 "product_weights has \(productWeights.count) values for \(products.count) products")
    }

    /// Checks that every feature's channel is one of the first model's outputs or inputs.
    /// - Throws: `SurrogateError.invalidOption` naming the feature and listing the channels there are.
    public func validate(outputNames: [String], inputNames: [String]) throws {
        for (f, feature) in features.enumerated() {
            let names = feature.source == .output ? outputNames : inputNames
            guard names.contains(feature.name) else {
                throw SurrogateError.invalidOption("switch trigger features[\(f)]: the first model has no \(feature.source.rawValue) "
                                                   + "'\(feature.name)' (it has " + (names.isEmpty ? "none" : names.joined(separator: ", ")) + ")")
            }
        }
    }

    /// The samples at which the trigger is evaluated in a trace of `sampleCount` samples: phase + m stride, >= 1.
    public func evaluationSamples(sampleCount: Int) -> StrideTo<Int> {
        stride(from: phaseSamples >= 1 ? phaseSamples : phaseSamples + strideSamples, to: sampleCount, by: strideSamples)
    }

    /// score(j) (dimensionless; see the type's doc): `outputs` in `outputNames` and `inputs` in `inputNames`,
    /// each sample-major. Every feature's channel must be among the names (`validate(outputNames:inputNames:)`).
    public func score(at j: Int, outputs: [Double], outputNames: [String], inputs: [Double], inputNames: [String]) -> Double {
        score(at: j, columns: columns(outputNames: outputNames, inputNames: inputNames), outputs: outputs,
              outputCount: outputNames.count, inputs: inputs, inputCount: inputNames.count)
    }

    /// The first evaluation sample j (1 <= j < sampleCount) with score(j) >= threshold; nil: none.
    public func firstFiring(outputs: [Double], outputNames: [String], inputs: [Double], inputNames: [String],
                            sampleCount: Int) -> Int? {
        precondition(outputs.count == sampleCount * outputNames.count && inputs.count == sampleCount * inputNames.count,
                     "switch trigger: series of \(outputs.count) outputs and \(inputs.count) inputs for \(sampleCount) samples")
        let columns = columns(outputNames: outputNames, inputNames: inputNames)
        return evaluationSamples(sampleCount: sampleCount).first {
            score(at: $0, columns: columns, outputs: outputs, outputCount: outputNames.count, inputs: inputs,
                  inputCount: inputNames.count) >= threshold
        }
    }

    /// The switch sample: the first firing (`firstFiring`) plus `switchDelaySamples`; nil when the trigger
    /// never fires or the delayed switch falls at or past `sampleCount`.
    public func switchSample(outputs: [Double], outputNames: [String], inputs: [Double], inputNames: [String],
                             sampleCount: Int) -> Int? {
        guard let j = firstFiring(outputs: outputs, outputNames: outputNames, inputs: inputs, inputNames: inputNames,
                                  sampleCount: sampleCount) else { return nil }
        let delayed = j + (switchDelaySamples ?? 0)
        return delayed < sampleCount ? delayed : nil
    }

    /// Per feature: whether it reads the outputs, and its column there.
    private func columns(outputNames: [String], inputNames: [String]) -> [(output: Bool, column: Int)] {
        features.map { f in
            let names = f.source == .output ? outputNames : inputNames
            guard let c = names.firstIndex(of: f.name) else {
                preconditionFailure("switch trigger: no \(f.source.rawValue) '\(f.name)' among \(names)")
            }
            return (f.source == .output, c)
        }
    }

    private func score(at j: Int, columns: [(output: Bool, column: Int)], outputs: [Double], outputCount: Int,
                       inputs: [Double], inputCount: Int) -> Double {
        var z = [Double](repeating: 0, count: features.count)
        var s = bias
        for (f, feature) in features.enumerated() {
            let sample = max(0, j - feature.lagSamples)
            let x = columns[f].output ? outputs[sample * outputCount + columns[f].column] : inputs[sample * inputCount + columns[f].column]
            z[f] = (x - center[f]) / scale[f]
            s += weights[f] * z[f]
        }
        for (p, pair) in products.enumerated() { s += productWeights[p] * z[pair[0]] * z[pair[1]] }
        return s
    }
}
