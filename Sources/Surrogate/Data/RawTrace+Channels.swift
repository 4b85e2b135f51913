extension RawTrace {
    /// This trace with only the named input, output and parameter channels, in the order given (nil keeps
    /// all). A simulated trace records every drive channel (e.g. deltaKu1 and the carrier amplitude a) and
    /// every material parameter; a surrogate of one device driven by one signal uses a subset, as the
    /// paper's 4-50-50-2 network (k = 2 delays of mz and of u) does. Outputs likewise: a regime run records
    /// `mz`, the topological charge and the skyrmion radius, and a model of the skyrmion regime may learn
    /// `mz` and the radius only (Q is -1 there but for the lattice's small wiggles).
    /// - Throws: `SurrogateError.invalidTrace` naming the trace and the channel that does not exist, or
    ///   when no output is left.
    public func selecting(inputs: [String]? = nil, outputs: [String]? = nil, parameters: [String]? = nil) throws -> RawTrace {
        func indices(_ wanted: [String]?, _ names: [String], _ what: String) throws -> [Int]? {
            guard let wanted else { return nil }
            return try wanted.map { name in
                guard let i = names.firstIndex(of: name) else {
                    throw SurrogateError.invalidTrace("trace '\(self.name)' has no \(what) '\(name)' (it has \(names))")
                }
                return i
            }
        }
        var out = self
        if let keep = try indices(inputs, inputNames, "input") {
            out.inputs = RawTrace.columns(keep, of: self.inputs, width: inputCount, samples: sampleCount)
            out.inputCount = keep.count
            out.inputNames = keep.map { inputNames[$0] }
            out.inputUnits = keep.map { inputUnits[$0] }
        }
        if let keep = try indices(outputs, outputNames, "output") {
            guard !keep.isEmpty else {
                throw SurrogateError.invalidTrace("trace '\(name)': no output channel chosen; a surrogate learns at least one")
            }
            out.outputs = RawTrace.columns(keep, of: self.outputs, width: outputCount, samples: sampleCount)
            out.outputCount = keep.count
            out.outputNames = keep.map { outputNames[$0] }
            out.outputUnits = keep.map { outputUnits[$0] }
        }
        if let keep = try indices(parameters, parameterNames, "parameter") {
            out.parameters = keep.map { self.parameters[$0] }
            out.parameterNames = keep.map { parameterNames[$0] }
        }
        return out
    }

    /// The columns `keep` (in that order) of a sample-major array of `width` channels per sample.
    static func columns(_ keep: [Int], of values: [Double], width: Int, samples: Int) -> [Double] {
        var out = [Double]()
        out.reserveCapacity(samples * keep.count)
        for n in 0..<samples { for c in keep { out.append(values[n * width + c]) } }
        return out
    }
}
