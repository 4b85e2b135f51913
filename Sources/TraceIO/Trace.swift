import Numerics

/// One recorded run of a device: input channels u_j(t) driving it, output channels x_c(t) it
/// produced, sampled at N times, plus static parameters. The in-memory form of one group
/// `/traces/<name>/` of a trace file (schema: docs/trace-format.md). SI units.
public struct Trace: Equatable, Sendable {
    /// When the samples were taken, in seconds.
    public enum Sampling: Equatable, Sendable {
        /// Uniform: t_i = t0 + i dt (seconds; dt > 0).
        case uniform(t0: Double, dt: Double)
        /// Explicit, strictly increasing times (seconds), one per sample.
        case times([Double])
    }

    /// Name of the run (the group name under `/traces/`; no "/").
    public var name: String
    public var sampling: Sampling
    /// Inputs, N x n_in (one row per sample; n_in may be 0 for an undriven run).
    public var inputs: Matrix
    /// Outputs, N x n_out (one row per sample; n_out >= 1).
    public var outputs: Matrix
    /// Static parameters of the run (length n_par, may be empty).
    public var parameters: [Double]
    public var inputNames: [String]
    public var outputNames: [String]
    public var parameterNames: [String]
    /// Units of the inputs, outputs and parameters ("" = dimensionless or unknown), e.g. "J/m3", "T".
    public var inputUnits: [String]
    public var outputUnits: [String]
    public var parameterUnits: [String]
    /// Free text: where the data came from.
    public var description: String

    /// A trace; names default to u0.., x0.., p0.. and units to "" when not given.
    public init(name: String, sampling: Sampling, inputs: Matrix, outputs: Matrix, parameters: [Double] = [],
                inputNames: [String]? = nil, outputNames: [String]? = nil, parameterNames: [String]? = nil,
                inputUnits: [String]? = nil, outputUnits: [String]? = nil, parameterUnits: [String]? = nil,
                description: String = "") {
        self.name = name
        self.sampling = sampling
        self.inputs = inputs
        self.outputs = outputs
        self.parameters = parameters
        self.inputNames = inputNames ?? (0..<inputs.columns).map { "u\($0)" }
        self.outputNames = outputNames ?? (0..<outputs.columns).map { "x\($0)" }
        self.parameterNames = parameterNames ?? parameters.indices.map { "p\($0)" }
        self.inputUnits = inputUnits ?? Array(repeating: "", count: inputs.columns)
        self.outputUnits = outputUnits ?? Array(repeating: "", count: outputs.columns)
        self.parameterUnits = parameterUnits ?? Array(repeating: "", count: parameters.count)
        self.description = description
    }

    /// Number of samples N.
    public var count: Int { outputs.rows }
    public var inputCount: Int { inputs.columns }
    public var outputCount: Int { outputs.columns }
    public var parameterCount: Int { parameters.count }

    /// Time of sample i, seconds.
    public func time(_ i: Int) -> Double {
        switch sampling {
        case .uniform(let t0, let dt): return t0 + Double(i) * dt
        case .times(let t): return t[i]
        }
    }

    /// All sample times, seconds.
    public var times: [Double] { (0..<count).map(time) }

    /// Samples [start, start + count) as a trace of their own (uniform sampling keeps dt and
    /// shifts t0).
    public func window(start: Int, count n: Int) -> Trace {
        precondition(start >= 0 && n >= 0 && start + n <= count, "Trace.window: \(start)+\(n) outside 0..<\(count)")
        var copy = self
        copy.sampling = {
            switch sampling {
            case .uniform(let t0, let dt): return .uniform(t0: t0 + Double(start) * dt, dt: dt)
            case .times(let t): return .times(Array(t[start..<(start + n)]))
            }
        }()
        copy.inputs = Matrix(rows: n, columns: inputs.columns,
                             storage: Array(inputs.storage[(start * inputs.columns)..<((start + n) * inputs.columns)]))
        copy.outputs = Matrix(rows: n, columns: outputs.columns,
                              storage: Array(outputs.storage[(start * outputs.columns)..<((start + n) * outputs.columns)]))
        return copy
    }

    /// Checks the trace against the schema; errors name `file` and the HDF5 object
    /// (`/traces/<name>/...`) the offending data would be written to or were read from.
    public func validate(file: String = "<memory>") throws {
        let group = "/traces/\(name)"
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw TraceIOError.invalidValue(file: file, object: group, detail: "trace name must be non-empty and contain no '/'")
        }
        guard count > 0 else { throw TraceIOError.emptyTrace(file: file, object: group) }
        guard outputs.columns > 0 else {
            throw TraceIOError.invalidValue(file: file, object: group + "/outputs", detail: "no output channels")
        }
        if inputs.columns > 0, inputs.rows != count {
            throw TraceIOError.lengthMismatch(file: file, object: group + "/inputs", expected: count, found: inputs.rows,
                                              reference: group + "/outputs")
        }
        switch sampling {
        case .uniform(let t0, let dt):
            guard dt.isFinite, dt > 0 else { throw TraceIOError.invalidSampling(file: file, object: group + " attribute 'dt'", dt: dt) }
            guard t0.isFinite else { throw TraceIOError.nonFinite(file: file, object: group + " attribute 't0'", index: 0, value: t0) }
        case .times(let t):
            try Trace.checkTimes(t, count: count, file: file, object: group + "/t", reference: group + "/outputs")
        }
        try Trace.checkFinite(outputs.storage, file: file, object: group + "/outputs")
        try Trace.checkFinite(inputs.storage, file: file, object: group + "/inputs")
        try Trace.checkFinite(parameters, file: file, object: group + "/parameters")
        let lists: [(String, Int, Int)] = [
            ("input_names", inputNames.count, inputs.columns), ("output_names", outputNames.count, outputs.columns),
            ("parameter_names", parameterNames.count, parameters.count),
            ("units", inputUnits.count + outputUnits.count + parameterUnits.count,
             inputs.columns + outputs.columns + parameters.count),
        ]
        for (attribute, found, expected) in lists where found != expected {
            throw TraceIOError.lengthMismatch(file: file, object: "\(group) attribute '\(attribute)'", expected: expected,
                                              found: found, reference: "the channel count")
        }
    }

    static func checkFinite(_ values: [Double], file: String, object: String) throws {
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw TraceIOError.nonFinite(file: file, object: object, index: i, value: values[i])
        }
    }

    static func checkTimes(_ t: [Double], count: Int, file: String, object: String, reference: String) throws {
        guard t.count == count else {
            throw TraceIOError.lengthMismatch(file: file, object: object, expected: count, found: t.count, reference: reference)
        }
        try checkFinite(t, file: file, object: object)
        for i in t.indices.dropFirst() where !(t[i] > t[i - 1]) {
            throw TraceIOError.nonIncreasingTime(file: file, object: object, index: i, previous: t[i - 1], value: t[i])
        }
    }
}

extension Trace {
    /// (min, max) of each input channel over the samples.
    public var inputRanges: [(min: Double, max: Double)] { Trace.columnRanges(inputs) }
    /// (min, max) of each output channel over the samples.
    public var outputRanges: [(min: Double, max: Double)] { Trace.columnRanges(outputs) }

    static func columnRanges(_ m: Matrix) -> [(min: Double, max: Double)] {
        var ranges = [(min: Double, max: Double)](repeating: (.infinity, -.infinity), count: m.columns)
        for i in 0..<m.rows {
            for j in 0..<m.columns {
                let v = m[i, j]
                if v < ranges[j].min { ranges[j].min = v }
                if v > ranges[j].max { ranges[j].max = v }
            }
        }
        return ranges
    }
}
