/// Wall-clock time in seconds from the monotonic `ContinuousClock`: the one conversion from `Duration`
/// to seconds, used by progress reports, timed runs and benchmarks.
public struct Stopwatch: Sendable {
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant

    /// Starts timing now.
    public init() { started = clock.now }

    /// Seconds since `init`.
    public var elapsedSeconds: Double { Stopwatch.seconds(clock.now - started) }

    /// A duration in seconds (Double; attosecond parts beyond Double's precision are rounded).
    @inlinable public static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Wall seconds of one run of `body`.
    public static func seconds(of body: () throws -> Void) rethrows -> Double {
        let watch = Stopwatch()
        try body()
        return watch.elapsedSeconds
    }

    /// The median wall seconds (`Statistics.median`) of `repeats` (at least 1) runs of `body`, no warm-up.
    public static func medianSeconds(repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        var times = [Double]()
        for _ in 0..<max(1, repeats) { times.append(try seconds(of: body)) }
        return Statistics.median(times)
    }
}
