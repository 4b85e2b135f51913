import ODE

/// What a spec run produced, ready to become one trace (docs/trace-format.md): samples at `times`
/// (s), input channels (drive values at the sample times, SI), output channels (averages of m),
/// static parameters, a description holding the spec title and text, and the run's statistics.
public struct SimulationResult: Sendable {
    public var title: String
    public var times: [Double] = []
    /// Row per sample.
    public var inputs: [[Double]] = []
    public var inputNames: [String] = []
    public var inputUnits: [String] = []
    public var outputs: [[Double]] = []
    public var outputNames: [String] = []
    public var outputUnits: [String] = []
    public var parameters: [Double] = []
    public var parameterNames: [String] = []
    public var parameterUnits: [String] = []
    /// Title, then the verbatim spec text (provenance).
    public var description: String = ""
    /// Statistics of the dynamics stages (ODE engine), summed.
    public var statistics = ODEStatistics()
    /// Field evaluations spent in relax and minimize stages.
    public var relaxationEvaluations = 0
    /// <m> over the magnet at the end (macrospin: m; auto-oscillator: (Re c, Im c, 0)).
    public var finalM = SIMD3<Double>(0, 0, 0)
    /// Simulated seconds of dynamics (sum of the run stages' durations done).
    public var simulatedTime = 0.0
    /// False if the run stopped early (`stopAfterCheckpoints`), true when every stage ran.
    public var completed = true
    /// Checkpoints written during this call.
    public var checkpointsWritten = 0
    /// The nominal sampling interval (s; `[output] interval` or the device's), used as the trace's dt
    /// when the samples are uniform.
    public var interval: Double?

    public init(title: String) { self.title = title }

    /// (t0, dt) if the sample times are uniform to 1e-9 of dt, else nil.
    public var uniformSampling: (t0: Double, dt: Double)? {
        guard times.count >= 2 else { return times.count == 1 ? (times[0], 1) : nil }
        let dt = (times.last! - times[0]) / Double(times.count - 1)
        guard dt > 0 else { return nil }
        for (i, t) in times.enumerated() where abs(t - (times[0] + Double(i) * dt)) > 1e-9 * dt { return nil }
        if let nominal = interval, abs(nominal - dt) <= 1e-9 * dt { return (times[0], nominal) }
        return (times[0], dt)
    }
}

/// Progress of a long run, reported after every chunk of simulated time.
public struct SimulationProgress: Sendable {
    /// Simulated seconds done and in total (dynamics stages only).
    public var simulatedTime: Double
    public var totalTime: Double
    /// Accepted integration steps so far.
    public var steps: Int
    /// Wall-clock seconds since the call began, and the estimated seconds left (nil before the first chunk).
    public var wallSeconds: Double
    public var eta: Double?
    /// Index of the current stage and its description ("run 2/3").
    public var stage: Int
}
