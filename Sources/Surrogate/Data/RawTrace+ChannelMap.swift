/// Which channel of a trace is which channel of a model, when their names differ:
/// `spinode predict --map trace_name=model_name` (repeatable, or a comma-separated list).
///
/// A surrogate's inputs, outputs and parameters are matched to a trace's by name, never by position:
/// a model of deltaKu1 -> mz run on a current -> voltage trace with the same channel counts would
/// otherwise produce numbers without a word. A map renames trace channels before that match.
public struct ChannelMap: Equatable, Sendable {
    /// (trace channel name, model channel name), in the order given.
    public private(set) var pairs: [Pair]

    public struct Pair: Equatable, Sendable {
        public var trace: String
        public var model: String
    }

    /// No renaming.
    public static let identity = ChannelMap(pairs: [])

    init(pairs: [Pair]) { self.pairs = pairs }

    /// Parses "trace_name=model_name" items (already split at commas).
    /// - Throws: `SurrogateError.invalidOption` for an item without "=", an empty side, or a trace or
    ///   model name mapped twice.
    public init(parsing items: [String]) throws {
        var pairs: [Pair] = []
        for item in items {
            let sides = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard sides.count == 2, !sides[0].isEmpty, !sides[1].isEmpty else {
                throw SurrogateError.invalidOption("--map '\(item)' must be TRACE_CHANNEL=MODEL_CHANNEL")
            }
            if pairs.contains(where: { $0.trace == sides[0] }) {
                throw SurrogateError.invalidOption("--map names trace channel '\(sides[0])' twice")
            }
            if pairs.contains(where: { $0.model == sides[1] }) {
                throw SurrogateError.invalidOption("--map maps two trace channels to model channel '\(sides[1])'")
            }
            pairs.append(Pair(trace: sides[0], model: sides[1]))
        }
        self.pairs = pairs
    }

    /// Refuses an entry whose model side names no channel of `model`.
    func checkModelSide(of model: SurrogateModel) throws {
        let channels = model.inputNames + model.outputNames + model.parameterNames
        for pair in pairs where !channels.contains(pair.model) {
            throw SurrogateError.invalidOption("--map \(pair.trace)=\(pair.model): the model has no channel '\(pair.model)' "
                                               + "(it has \(RawTrace.list(channels)))")
        }
    }

    /// Refuses an entry whose trace side names none of `channels` (every channel of every trace it was
    /// applied to, in `files`): a misspelt map would otherwise be ignored.
    public func checkTraceSide(against channels: [String], files: String) throws {
        for pair in pairs where !channels.contains(pair.trace) {
            throw SurrogateError.invalidOption("--map \(pair.trace)=\(pair.model): no trace of \(files) has a channel "
                                               + "'\(pair.trace)' (they have \(RawTrace.list(Array(Set(channels)).sorted())))")
        }
    }

    /// The model name of trace channel `name` (itself when not mapped).
    func modelName(_ name: String) -> String { pairs.first { $0.trace == name }?.model ?? name }
}

extension RawTrace {
    /// Which kind of channel a match is about, for messages.
    enum ChannelKind: String { case input, output, parameter }

    /// This trace with the outputs, inputs and parameters `model` was trained on, found by name
    /// (after renaming by `map`), in the model's order and under the model's names; channels the model
    /// does not use are dropped. With `inputs: false` the inputs are left as they are (a drive from
    /// another file replaces them: `matchingInputs`, `replacingInputs(with:)`).
    /// - Throws: `SurrogateError.invalidTrace` naming the model channel the trace lacks (with the
    ///   trace's channels and how to map one) or a unit that differs from the model's;
    ///   `.invalidOption` for a map entry naming a channel the model does not have.
    public func matchingChannels(of model: SurrogateModel, map: ChannelMap = .identity, inputs: Bool = true) throws -> RawTrace {
        try map.checkModelSide(of: model)
        var out = inputs ? try matchingInputs(of: model, map: map) : self
        let outputs = try match(model.outputNames, modelUnits: model.outputUnits, traceNames: outputNames,
                                traceUnits: outputUnits, kind: .output, map: map)
        out.outputs = RawTrace.columns(outputs, of: self.outputs, width: outputCount, samples: sampleCount)
        out.outputCount = outputs.count
        out.outputNames = model.outputNames
        out.outputUnits = outputs.map { outputUnits[$0] }
        let parameters = try match(model.parameterNames, modelUnits: nil, traceNames: parameterNames, traceUnits: nil,
                                   kind: .parameter, map: map)
        out.parameters = parameters.map { self.parameters[$0] }
        out.parameterNames = model.parameterNames
        return out
    }

    /// This trace with the input channels `model` was trained on, found by name (after `map`), in the
    /// model's order; outputs and parameters unchanged. For a drive file (`spinode predict --input`),
    /// whose outputs are not used.
    public func matchingInputs(of model: SurrogateModel, map: ChannelMap = .identity) throws -> RawTrace {
        try map.checkModelSide(of: model)
        let inputs = try match(model.inputNames, modelUnits: model.inputUnits, traceNames: inputNames, traceUnits: inputUnits,
                               kind: .input, map: map)
        var out = self
        out.inputs = RawTrace.columns(inputs, of: self.inputs, width: inputCount, samples: sampleCount)
        out.inputCount = inputs.count
        out.inputNames = model.inputNames
        out.inputUnits = inputs.map { inputUnits[$0] }
        return out
    }

    /// Every channel name of the trace: inputs, outputs, parameters.
    public var channelNames: [String] { inputNames + outputNames + parameterNames }

    /// Index in `traceNames` of each of `modelNames`, by name after `map`; units compared when both are known.
    private func match(_ modelNames: [String], modelUnits: [String]?, traceNames: [String], traceUnits: [String]?,
                       kind: ChannelKind, map: ChannelMap) throws -> [Int] {
        let renamed = traceNames.map(map.modelName)
        return try modelNames.enumerated().map { m, wanted in
            let found = renamed.indices.filter { renamed[$0] == wanted }
            guard let index = found.first else {
                throw SurrogateError.invalidTrace(
                    "trace '\(name)' has no \(kind.rawValue) '\(wanted)', which the model was trained on "
                    + "(the trace's \(kind.rawValue)s: \(RawTrace.list(traceNames))); channels are matched by name: "
                    + "if one of them is '\(wanted)', say so with --map TRACE_CHANNEL=\(wanted)")
            }
            guard found.count == 1 else {
                throw SurrogateError.invalidTrace("trace '\(name)' has \(found.count) \(kind.rawValue)s named '\(wanted)' "
                                                  + "(after --map): \(RawTrace.list(found.map { traceNames[$0] }))")
            }
            if let modelUnits, let traceUnits, !modelUnits[m].isEmpty, !traceUnits[index].isEmpty,
               modelUnits[m] != traceUnits[index] {
                throw SurrogateError.invalidTrace(
                    "trace '\(name)' \(kind.rawValue) '\(traceNames[index])' is in \(traceUnits[index]), the model's "
                    + "'\(wanted)' in \(modelUnits[m]): convert the trace to the model's units")
            }
            return index
        }
    }

    static func list(_ names: [String]) -> String { names.isEmpty ? "none" : names.joined(separator: ", ") }
}
