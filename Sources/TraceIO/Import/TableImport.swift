import Foundation
import Numerics

/// How an imported trace's sample times are stored (docs/trace-format.md, "Importing tables").
public enum TableSampling: Equatable, Sendable {
    /// The recorded times, as explicit times `t`.
    case recordedTimes
    /// The nominal grid (`NominalGrid`) when every recorded time lies within `tolerance` dt of it,
    /// else the recorded times: `spinode import`'s default.
    case nominalGridIfUniform(tolerance: Double)
    /// The nominal grid; a recorded time off it by more than `tolerance` dt is refused (`--uniform`).
    case nominalGrid(tolerance: Double)
    /// Every channel linearly interpolated onto t_first + i dt (seconds), t <= t_last (`--resample`).
    case resampled(dt: Double)

    /// Largest deviation of a recorded time from the nominal grid accepted by default, as a
    /// fraction of dt: above mumax3's lag of one solver step behind each save time (0.5 % of a
    /// 5 ps period in the paper's runs), far below the half interval that would make the grid
    /// ambiguous.
    public static let defaultTolerance = 0.01
}

/// What to take from a table and how: the trace name, time range, downsampling and sampling.
public struct TableImportOptions: Sendable {
    /// Name of the trace (group under /traces/).
    public var name: String
    /// Keep every N-th row (after the time range is applied); 1 keeps all.
    public var every: Int
    /// Keep rows with from <= t <= to (seconds); nil = unbounded.
    public var from: Double?
    public var to: Double?
    /// Free text stored as the trace's description.
    public var description: String
    /// How the times are stored.
    public var sampling: TableSampling

    public init(name: String, every: Int = 1, from: Double? = nil, to: Double? = nil, description: String = "",
                sampling: TableSampling = .recordedTimes) {
        self.name = name
        self.every = every
        self.from = from
        self.to = to
        self.description = description
        self.sampling = sampling
    }
}

/// A trace imported from a table and how its times were obtained.
public struct TableImport: Sendable {
    /// How the stored times relate to the recorded ones.
    public enum Sampling: Equatable, Sendable {
        /// Explicit times as recorded; `grid` is the best uniform grid, which did not fit (nil for one row).
        case recorded(grid: NominalGrid?)
        /// The recorded times lie within `grid.largestDeviation` dt of the stored grid.
        case nominalGrid(NominalGrid)
        /// Linear interpolation of `rows` recorded rows onto t0 + i dt.
        case resampled(t0: Double, dt: Double, rows: Int)
    }

    public var trace: Trace
    public var sampling: Sampling
    /// One line for the trace's `provenance` attribute: where the samples came from and how the times
    /// were stored.
    public var provenance: String
}

extension DataTable {
    /// A trace from columns of the table: `time` (seconds) and the named input and output
    /// columns, restricted to `options.from...options.to`, every `options.every`-th row kept.
    /// Units come from the header. Times must be finite and strictly increasing, values finite;
    /// errors name the table's file, column and line.
    public func trace(time: String, inputs: [String], outputs: [String], options: TableImportOptions) throws -> Trace {
        try importTrace(time: time, inputs: inputs, outputs: outputs, options: options).trace
    }

    /// `trace(time:inputs:outputs:options:)` with the sampling decision and a provenance line.
    public func importTrace(time: String, inputs: [String], outputs: [String], options: TableImportOptions) throws -> TableImport {
        guard options.every >= 1 else {
            throw TraceIOError.invalidValue(file: file, object: "--every", detail: "must be >= 1, got \(options.every)")
        }
        for (bound, label) in [(options.from, "--from"), (options.to, "--to")] {
            if let bound, !bound.isFinite {
                throw TraceIOError.invalidValue(file: file, object: label, detail: "must be a finite time in seconds, got \(bound)")
            }
        }
        guard !outputs.isEmpty else {
            throw TraceIOError.invalidValue(file: file, object: "outputs", detail: "choose at least one output column")
        }
        let tc = try column(time)
        let ic = try inputs.map(column)
        let oc = try outputs.map(column)
        var chosen: [Int] = []
        for (r, row) in rows.enumerated() {
            let t = row[tc]
            if let from = options.from, t < from { continue }
            if let to = options.to, t > to { continue }
            chosen.append(r)
        }
        chosen = stride(from: 0, to: chosen.count, by: options.every).map { chosen[$0] }
        guard !chosen.isEmpty else {
            let range = "[\(options.from.map { "\($0)" } ?? "-inf"), \(options.to.map { "\($0)" } ?? "inf")] s"
            throw TraceIOError.emptyTrace(file: file, object: "rows with \(names[tc]) in \(range)")
        }
        for c in [tc] + ic + oc {
            for r in chosen where !rows[r][c].isFinite {
                throw TraceIOError.nonFinite(file: file, object: "column '\(headers[c])' line \(lines[r])", index: r,
                                             value: rows[r][c])
            }
        }
        for k in chosen.indices.dropFirst() where !(rows[chosen[k]][tc] > rows[chosen[k - 1]][tc]) {
            throw TraceIOError.nonIncreasingTime(file: file, object: "column '\(headers[tc])' line \(lines[chosen[k]])",
                                                 index: k, previous: rows[chosen[k - 1]][tc], value: rows[chosen[k]][tc])
        }
        let times = chosen.map { rows[$0][tc] }
        let grid = times.count >= 2 ? NominalGrid(fitting: times) : nil
        let source = "\(chosen.count) rows of \(file) (lines \(lines[chosen[0]]) ... \(lines[chosen[chosen.count - 1]]))"
        func make(_ sampling: Trace.Sampling, _ values: (Int, Int) -> Double, count: Int) -> Trace {
            Trace(name: options.name, sampling: sampling,
                  inputs: Matrix(rows: count, columns: ic.count) { i, j in values(i, ic[j]) },
                  outputs: Matrix(rows: count, columns: oc.count) { i, j in values(i, oc[j]) },
                  inputNames: ic.map { names[$0] }, outputNames: oc.map { names[$0] },
                  inputUnits: ic.map { units[$0] }, outputUnits: oc.map { units[$0] },
                  description: options.description)
        }
        let recorded = { (i: Int, c: Int) in self.rows[chosen[i]][c] }
        func onGrid(_ grid: NominalGrid) -> TableImport {
            TableImport(trace: make(.uniform(t0: grid.t0, dt: grid.dt), recorded, count: times.count),
                        sampling: .nominalGrid(grid),
                        provenance: "spinode import: \(source); times on the nominal grid t0 + i dt (t0 = \(grid.t0) s, "
                            + "dt = \(grid.dt) s), recorded times within \(Self.percent(grid.largestDeviation)) of dt of it")
        }
        func asRecorded(_ reason: String) -> TableImport {
            TableImport(trace: make(.times(times), recorded, count: times.count), sampling: .recorded(grid: grid),
                        provenance: "spinode import: \(source); recorded times kept\(reason)")
        }

        switch options.sampling {
        case .recordedTimes:
            return asRecorded("")
        case .nominalGridIfUniform(let tolerance):
            guard let grid else { return asRecorded(" (one row)") }
            guard grid.largestDeviation <= tolerance else {
                return asRecorded(" (not uniform: line \(lines[chosen[grid.worstSample]]) is \(Self.percent(grid.largestDeviation)) "
                                  + "of dt = \(grid.dt) s off the grid t0 + i dt, tolerance \(Self.percent(tolerance)))")
            }
            return onGrid(grid)
        case .nominalGrid(let tolerance):
            guard let grid else {
                throw TraceIOError.emptyTrace(file: file, object: "uniform sampling needs at least 2 rows, got 1 row")
            }
            guard grid.largestDeviation <= tolerance else {
                throw TraceIOError.invalidValue(
                    file: file, object: "column '\(headers[tc])' line \(lines[chosen[grid.worstSample]])",
                    detail: "time \(times[grid.worstSample]) s is \(Self.percent(grid.largestDeviation)) of dt off the grid "
                        + "t0 + i dt (t0 = \(grid.t0) s, dt = \(grid.dt) s), more than the tolerance \(Self.percent(tolerance)): "
                        + "not uniformly sampled (resample with --resample DT)")
            }
            return onGrid(grid)
        case .resampled(let dt):
            return try resampled(times: times, chosen: chosen, dt: dt, make: make, source: source, timeHeader: headers[tc])
        }
    }

    /// Linear interpolation of every chosen row onto t_first + i dt, t <= t_last.
    private func resampled(times: [Double], chosen: [Int], dt: Double,
                           make: (Trace.Sampling, (Int, Int) -> Double, Int) -> Trace,
                           source: String, timeHeader: String) throws -> TableImport {
        guard dt.isFinite, dt > 0 else {
            throw TraceIOError.invalidSampling(file: file, object: "--resample", dt: dt)
        }
        let t0 = times[0], span = times[times.count - 1] - t0
        // A sample at t_last counts when the grid reaches it to rounding.
        let steps = (span / dt * (1 + 1e-12)).rounded(.down)
        guard steps >= 1 else {
            throw TraceIOError.invalidValue(file: file, object: "--resample \(dt)",
                                            detail: "the rows span \(span) s, less than one interval: nothing to resample")
        }
        let count = Int(steps) + 1
        let bytes = Double(count) * Double(names.count + 1) * 8
        if let available = AvailableMemory.bytes(), bytes > Double(available) {
            throw TraceIOError.tooLarge(file: file, object: "--resample \(dt)",
                                        detail: "\(count) samples would need \(ByteCount(bytes)), more than the \(ByteCount(Double(available))) of memory available")
        }
        // For each new sample, the recorded interval [times[k], times[k + 1]] holding it.
        var lower = [Int](repeating: 0, count: count), weight = [Double](repeating: 0, count: count)
        var k = 0
        for i in 0..<count {
            let t = min(t0 + Double(i) * dt, times[times.count - 1])
            while k + 2 < times.count, times[k + 1] <= t { k += 1 }
            lower[i] = k
            weight[i] = times.count == 1 ? 0 : min(1, max(0, (t - times[k]) / (times[k + 1] - times[k])))
        }
        let trace = make(.uniform(t0: t0, dt: dt), { i, c in
            let a = self.rows[chosen[lower[i]]][c], b = self.rows[chosen[lower[i] + 1]][c]
            return a + weight[i] * (b - a)
        }, count)
        let mean = span / Double(times.count - 1)
        return TableImport(trace: trace, sampling: .resampled(t0: t0, dt: dt, rows: times.count),
                           provenance: "spinode import: \(source); resampled by linear interpolation onto t0 + i dt "
                               + "(t0 = \(t0) s, dt = \(dt) s; recorded mean interval \(mean) s)")
    }

    static func percent(_ fraction: Double) -> String { String(format: "%.3g %%", 100 * fraction) }
}
