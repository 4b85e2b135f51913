/// Free run of a device that switches regime once, such as a skyrmion disk whose skyrmion is annihilated:
/// one surrogate per regime and an event or a learned trigger that hands over from the first to the second (issue 18,
/// docs/surrogate-model.md, "Two regimes").
///
/// `before` runs free over the whole trace from its true initial state. The switch is the first sample
/// j >= 1 at which its prediction satisfies the event (`RegimeEvent.holds` on the event's output channel),
/// or, with a learned trigger (`Handover.trigger`), the first evaluation sample at which the trigger's score
/// of `before`'s prediction and the drive reaches its threshold, plus its switch delay (`SwitchTrigger.switchSample`).
/// From sample j on, `after` runs free under the same drive, started from the entry state: its outputs
/// held at `entry[name]` (default: `before`'s prediction at sample j) over the k delays of its embedding.
/// The switch is absorbing: `after` runs to the end. Channels of `before` that `after` does not model
/// take `fill[name]` after the switch (e.g. `skyrmion_radius` 0 once the skyrmion is gone). With no
/// switch, the prediction is `before`'s.
///
/// Either model may be an ensemble (`EnsemblePrediction`): its prediction is then the members' mean, so
/// the switch is taken on the mean of the first model's members (e.g. their mean skyrmion radius), where
/// one member's error in a dip weighs 1/N. A single model is an ensemble of one: the same bits.
public struct RegimeSwitchPrediction {
    /// What hands over from the first model to the second.
    public enum Handover: Sendable, Equatable, CustomStringConvertible {
        /// The first sample j >= 1 at which the first model's prediction meets the event (`--switch COND`).
        case event(RegimeEvent)
        /// The trigger's first firing plus its delay (`--switch-trigger FILE`); `name`: its file.
        case trigger(SwitchTrigger, name: String)

        /// The event as written (`skyrmion_radius<2.7e-09`), or "trigger NAME".
        public var description: String {
            switch self {
            case .event(let e): return e.description
            case .trigger(_, let name): return "trigger \(name)"
            }
        }
    }

    public let before: EnsemblePrediction
    public let after: EnsemblePrediction
    public let handover: Handover
    public let fill: [String: Double]
    public let entry: [String: Double]

    /// The event of an event hand-over (nil with a trigger).
    public var event: RegimeEvent? {
        if case .event(let e) = handover { return e }
        return nil
    }

    /// A prediction: the series in `before`'s channels (sample-major, SI), the switch sample (nil: none)
    /// and the second model's members' free run from the switch on (samples switchSample ..< N, in its
    /// channels; nil without a switch or when fewer than k + 1 samples are left), for its spread.
    public struct Result {
        public var series: [Double]
        public var switchSample: Int?
        public var after: EnsemblePrediction.Result? = nil
    }

    /// - Throws: `SurrogateError.invalidOption` when the event's channel is not an output of `before`,
    ///   `after` has an output `before` lacks, a channel of `before` only has no `fill` value, or `fill` /
    ///   `entry` name channels they cannot apply to.
    public init(before: SurrogateModel, after: SurrogateModel, event: RegimeEvent, fill: [String: Double] = [:],
                entry: [String: Double] = [:], solver: SurrogateSolver = .paper) throws {
        try self.init(before: [before], after: [after], handover: .event(event), fill: fill, entry: entry, solver: solver)
    }

    /// Ensembles: the members of each model (`EnsemblePrediction.init(members:)` checks that they agree).
    public init(before members: [SurrogateModel], after afterMembers: [SurrogateModel], event: RegimeEvent,
                fill: [String: Double] = [:], entry: [String: Double] = [:], solver: SurrogateSolver = .paper) throws {
        try self.init(before: members, after: afterMembers, handover: .event(event), fill: fill, entry: entry, solver: solver)
    }

    /// Any hand-over, single models.
    public init(before: SurrogateModel, after: SurrogateModel, handover: Handover, fill: [String: Double] = [:],
                entry: [String: Double] = [:], solver: SurrogateSolver = .paper) throws {
        try self.init(before: [before], after: [after], handover: handover, fill: fill, entry: entry, solver: solver)
    }

    /// Any hand-over, ensembles.
    /// - Throws: `SurrogateError.invalidOption` as above, and when a trigger's feature names a channel
    ///   the first model lacks (`SwitchTrigger.validate(outputNames:inputNames:)`; the message names the trigger).
    public init(before members: [SurrogateModel], after afterMembers: [SurrogateModel], handover: Handover,
                fill: [String: Double] = [:], entry: [String: Double] = [:], solver: SurrogateSolver = .paper) throws {
        let ensemble = try EnsemblePrediction(members: members, solver: solver)
        let afterEnsemble = try EnsemblePrediction(members: afterMembers, solver: solver)
        let before = ensemble.members[0], after = afterEnsemble.members[0]
        switch handover {
        case .event(let event):
            guard before.outputNames.contains(event.output) else {
                throw SurrogateError.invalidOption("switch event \(event): the first model has no output '\(event.output)' "
                                                   + "(it has \(before.outputNames.joined(separator: ", ")))")
            }
        case .trigger(let trigger, let name):
            do { try trigger.validate(outputNames: before.outputNames, inputNames: before.inputNames) } catch SurrogateError.invalidOption(let s) {
                throw SurrogateError.invalidOption("\(name): \(s)")
            }
        }
        for name in after.outputNames where !before.outputNames.contains(name) {
            throw SurrogateError.invalidOption("the second model's output '\(name)' is not an output of the first "
                                               + "(\(before.outputNames.joined(separator: ", ")))")
        }
        let only = before.outputNames.filter { !after.outputNames.contains($0) }
        for name in only where fill[name] == nil {
            throw SurrogateError.invalidOption("output '\(name)' of the first model is not one of the second's: give its value "
                                               + "after the switch (fill \(name)=VALUE)")
        }
        for name in fill.keys where !only.contains(name) {
            throw SurrogateError.invalidOption("fill '\(name)': not an output of the first model that the second lacks ("
                                               + (only.isEmpty ? "there is none" : only.joined(separator: ", ")) + ")")
        }
        for name in entry.keys where !after.outputNames.contains(name) {
            throw SurrogateError.invalidOption("entry '\(name)': not an output of the second model (\(after.outputNames.joined(separator: ", ")))")
        }
        for (name, v) in fill.merging(entry, uniquingKeysWith: { a, _ in a }) where !v.isFinite {
            throw SurrogateError.invalidOption("'\(name)': value \(v) is not finite")
        }
        self.before = ensemble
        self.after = afterEnsemble
        self.handover = handover
        self.fill = fill
        self.entry = entry
    }

    /// Predicts one trace, given as matched to each model (`RawTrace.matchingChannels`: the same samples,
    /// `forBefore` in the first model's channels, `forAfter` in the second's). `beforeSeries`: the first
    /// model's free run over `forBefore` (its members' mean) when the caller has it already (it is
    /// computed otherwise).
    public func predict(forBefore: RawTrace, forAfter: RawTrace, beforeSeries: [Double]? = nil) throws -> Result {
        let n = forBefore.sampleCount
        guard forAfter.sampleCount == n else {
            throw SurrogateError.invalidTrace("'\(forBefore.name)': \(n) samples for the first model, \(forAfter.sampleCount) for the second")
        }
        var series = try beforeSeries ?? before.predict([forBefore])[0].mean
        let names = before.members[0].outputNames, nb = names.count
        let switchSample: Int?
        switch handover {
        case .event(let event):
            let c = names.firstIndex(of: event.output)!
            switchSample = (1..<max(1, n)).first(where: { event.holds(series[$0 * nb + c]) })
        case .trigger(let trigger, _):
            // The drive in the first model's input channels: `forBefore` is matched to it, channel by channel.
            let inputNames = before.members[0].inputNames
            guard forBefore.inputs.count == n * inputNames.count else {
                throw SurrogateError.invalidTrace("'\(forBefore.name)': \(forBefore.inputCount) inputs, the first model has "
                                                  + "\(inputNames.count) (\(inputNames.joined(separator: ", ")))")
            }
            switchSample = trigger.switchSample(outputs: series, outputNames: names, inputs: forBefore.inputs,
                                               inputNames: inputNames, sampleCount: n)
        }
        guard let j = switchSample else { return Result(series: series, switchSample: nil) }
        let afterNames = after.members[0].outputNames, na = afterNames.count
        let start = afterNames.map { entry[$0] ?? series[j * nb + names.firstIndex(of: $0)!] }
        let k = after.members[0].embedding.order
        var predicted: [Double]
        var afterResult: EnsemblePrediction.Result?
        if n - j >= k + 1 {
            var window = forAfter.window(start: j, count: n - j)
            for s in 0..<k { for a in 0..<na { window.outputs[s * na + a] = start[a] } }
            afterResult = try after.predict([window])[0]
            predicted = afterResult!.mean
        } else {
            // Too few samples left for a free run of the second model: its entry state to the end.
            predicted = (0..<(n - j)).flatMap { _ in start }
        }
        for s in j..<n {
            for (o, name) in names.enumerated() {
                if let a = afterNames.firstIndex(of: name) { series[s * nb + o] = predicted[(s - j) * na + a] } else { series[s * nb + o] = fill[name]! }
            }
        }
        return Result(series: series, switchSample: j, after: afterResult)
    }
}
