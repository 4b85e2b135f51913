import Foundation
import Numerics
import TraceIO
import XCTest

/// How imported times are stored (issue 13, items 14 and 15): mumax3 writes a table row at its
/// first solver step at or after each multiple of the autosave period, so the recorded times lag
/// the multiples by up to one solver step. The tables here are made the same way: an adaptive-like
/// solver stepping by 0.25 ... 0.49 % of the period, a row at the first step at or after k dt,
/// times printed with "%e" as mumax3 prints them.
final class TableSamplingTests: XCTestCase {
    private var dir = ""
    override func setUpWithError() throws { dir = try makeTemporaryDirectory(self) }

    static let period = 5e-12

    /// Times of `rows` rows saved every `period` by a solver whose steps are 0.25 ... 0.49 % of it
    /// (xorshift64 draws), starting at `start`; with `drift`, the period grows by that fraction per row.
    static func mumaxTimes(rows: Int, start: Double = 0, period: Double = period, drift: Double = 0) -> [Double] {
        var state: UInt64 = 0x9E3779B97F4A7C15
        var t = start, next = start, saved: [Double] = []
        var p = period
        while saved.count < rows {
            if t >= next {
                saved.append(t)
                next += p
                p *= 1 + drift
            }
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            t += period * (0.0025 + 0.0024 * Double(state >> 11) / Double(1 << 53))
        }
        return saved
    }

    /// A mumax3 table.txt of those times: mz = sin(2 pi 4 GHz t), Ku1 a linear ramp.
    private func table(_ times: [Double], name: String = "table.txt") throws -> String {
        var text = "# t (s)\tmx ()\tmy ()\tmz ()\tKu1.region100 (J/m3)\n"
        for t in times {
            text += String(format: "%e\t%e\t%e\t%e\t%e\n", t, 0.1, 0.2, sin(2 * .pi * 4e9 * t), 8e5 + 1e13 * t)
        }
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testJitteredMumaxTimesAreStoredOnTheirNominalGrid() throws {
        let times = Self.mumaxTimes(rows: 2001)
        // The generator lags each save by up to one solver step, 0.49 % of the period.
        let generated = times.enumerated().map { (i, t) in (t - Double(i) * Self.period) / Self.period }
        XCTAssertGreaterThan(generated.max()!, 0.003)
        XCTAssertLessThan(generated.max()!, 0.0049 + 1e-6)
        let path = try table(times)
        // The printed times (7 digits, up to 1e-3 dt off at 10 ns) are what the import sees.
        let lags = try MumaxTable.read(path).rows.enumerated().map { (i, row) in abs(row[0] - Double(i) * Self.period) / Self.period }
        let imported = try MumaxTable.read(path).importTrace(
            time: "t", inputs: ["Ku1.region100"], outputs: ["mz"],
            options: .init(name: "run", sampling: .nominalGridIfUniform(tolerance: TableSampling.defaultTolerance)))
        guard case .uniform(let t0, let dt) = imported.trace.sampling else { return XCTFail("\(imported.trace.sampling)") }
        XCTAssertEqual(t0, 0)
        XCTAssertEqual(dt, Self.period)  // the autosave period itself, not a fit to a few ulp
        guard case .nominalGrid(let grid) = imported.sampling else { return XCTFail("\(imported.sampling)") }
        XCTAssertEqual(grid.largestDeviation, lags.max()!, accuracy: 1e-12)
        XCTAssertTrue(imported.provenance.contains("nominal grid t0 + i dt (t0 = 0.0 s, dt = 5e-12 s)"), imported.provenance)
        XCTAssertTrue(imported.provenance.contains("2001 rows of \(path)"), imported.provenance)
        // The values are the recorded ones, in order.
        let table = try MumaxTable.read(path)
        XCTAssertEqual(imported.trace.outputs.storage, table.rows.map { $0[3] })

        // The same table with --uniform's old 1e-4 tolerance is refused, naming the worst line.
        let worst = lags.indices.max { lags[$0] < lags[$1] }!
        assertTraceIOError(.invalidValue, file: path, object: "line \(worst + 2)") {
            _ = try table.importTrace(time: "t", inputs: [], outputs: ["mz"],
                                      options: .init(name: "run", sampling: .nominalGrid(tolerance: 1e-4)))
        }
        // Explicit times are kept on request.
        let kept = try table.trace(time: "t", inputs: [], outputs: ["mz"], options: .init(name: "run"))
        XCTAssertEqual(kept.times, table.rows.map { $0[0] })
    }

    /// Two parts of one table imported separately (--from/--to) get the same dt (issue 13, item 15:
    /// they differed by 2e-7 relative and predict refused the second).
    func testTwoPartsOfOneTableGetTheSameInterval() throws {
        let path = try table(Self.mumaxTimes(rows: 3000))
        let table = try MumaxTable.read(path)
        let sampling = TableSampling.nominalGridIfUniform(tolerance: 0.01)
        let first = try table.trace(time: "t", inputs: [], outputs: ["mz"],
                                    options: .init(name: "a", to: 1000 * Self.period, sampling: sampling))
        let second = try table.trace(time: "t", inputs: [], outputs: ["mz"],
                                     options: .init(name: "b", from: 1000.5 * Self.period, sampling: sampling))
        guard case .uniform(_, let dtA) = first.sampling, case .uniform(let t0B, let dtB) = second.sampling else {
            return XCTFail("not uniform")
        }
        XCTAssertEqual(dtA, dtB)
        XCTAssertEqual(dtA, Self.period)
        XCTAssertEqual(t0B, table.rows[1001][0])  // the first kept row's recorded time
    }

    /// A period that drifts (0.01 % per row, 20 % over the table) is not a grid: the recorded times are
    /// kept and the reason is in the provenance; with `.nominalGrid` it is refused.
    func testDriftingIntervalIsNotAGrid() throws {
        let path = try table(Self.mumaxTimes(rows: 2000, drift: 1e-4))
        let table = try MumaxTable.read(path)
        let imported = try table.importTrace(time: "t", inputs: [], outputs: ["mz"],
                                             options: .init(name: "run", sampling: .nominalGridIfUniform(tolerance: 0.01)))
        guard case .times = imported.trace.sampling else { return XCTFail("a drifting table was put on a grid") }
        guard case .recorded(let grid?) = imported.sampling else { return XCTFail("\(imported.sampling)") }
        XCTAssertGreaterThan(grid.largestDeviation, 1)  // drift: the middle misses the end-to-end grid by many dt
        XCTAssertTrue(imported.provenance.contains("recorded times kept (not uniform"), imported.provenance)
        assertTraceIOError(.invalidValue, file: path, object: "not uniformly sampled") {
            _ = try table.trace(time: "t", inputs: [], outputs: ["mz"], options: .init(name: "run", sampling: .nominalGrid(tolerance: 0.01)))
        }
    }

    /// `.resampled(dt:)`: linear interpolation onto t_first + i dt; a linear column is reproduced to
    /// rounding, and the provenance says so.
    func testResamplingInterpolatesLinearly() throws {
        let times = Self.mumaxTimes(rows: 401, start: 1e-9)
        let path = try table(times)
        let table = try MumaxTable.read(path)
        let imported = try table.importTrace(time: "t", inputs: ["Ku1.region100"], outputs: ["mz"],
                                             options: .init(name: "run", sampling: .resampled(dt: 2e-12)))
        let trace = imported.trace
        guard case .uniform(let t0, let dt) = trace.sampling else { return XCTFail("not uniform") }
        XCTAssertEqual(t0, table.rows[0][0])
        XCTAssertEqual(dt, 2e-12)
        // Samples up to the last recorded time: floor((t_last - t_first) / 2 ps) + 1.
        let span = table.rows[400][0] - table.rows[0][0]
        XCTAssertEqual(trace.count, Int((span / 2e-12).rounded(.down)) + 1)
        // Ku1 = 8e5 + 1e13 t is linear in t: interpolation gives it back (to the 7 printed digits of the table).
        for i in stride(from: 0, to: trace.count, by: 37) {
            XCTAssertEqual(trace.inputs[i, 0], 8e5 + 1e13 * trace.time(i), accuracy: 1e-6 * 8e5, "sample \(i)")
        }
        // Between two rows the value lies on the line through them.
        let r = table.rows
        let k = r.firstIndex { $0[0] > trace.time(10) }!
        let w = (trace.time(10) - r[k - 1][0]) / (r[k][0] - r[k - 1][0])
        XCTAssertEqual(trace.outputs[10, 0], r[k - 1][3] + w * (r[k][3] - r[k - 1][3]), accuracy: 1e-15)
        XCTAssertTrue(imported.provenance.contains("resampled by linear interpolation onto t0 + i dt"), imported.provenance)
        guard case .resampled(_, _, let rows) = imported.sampling else { return XCTFail("\(imported.sampling)") }
        XCTAssertEqual(rows, 401)
        assertTraceIOError(.invalidValue, file: path, object: "--resample") {
            _ = try table.trace(time: "t", inputs: [], outputs: ["mz"], options: .init(name: "run", sampling: .resampled(dt: 1)))
        }
        assertTraceIOError(.invalidSampling, file: path, object: "--resample") {
            _ = try table.trace(time: "t", inputs: [], outputs: ["mz"], options: .init(name: "run", sampling: .resampled(dt: .nan)))
        }
    }

    /// The grid fit on its own: an exact grid, printed times, and the short-decimal choice of dt.
    func testNominalGridFit() {
        let exact = NominalGrid(fitting: (0..<100).map { 1e-9 + Double($0) * 2.5e-12 })
        XCTAssertEqual(exact.dt, 2.5e-12)
        XCTAssertEqual(exact.t0, 1e-9)
        XCTAssertLessThan(exact.largestDeviation, 1e-9)
        // An interval that is no short decimal stays what the times say (1/3 ns; 7-digit printing puts
        // t = 16 ns up to 8e-15 s, 2.4e-5 dt, off).
        let third = NominalGrid(fitting: (0..<50).map { Double(String(format: "%e", Double($0) / 3e9))! })
        XCTAssertEqual(third.dt, 1 / 3e9, accuracy: 1e-6 / 3e9)
        XCTAssertLessThan(third.largestDeviation, 3e-5)
        // Two samples: the interval between them.
        XCTAssertEqual(NominalGrid(fitting: [0, 3e-12]).dt, 3e-12)
        // Non-finite or negative options are refused by the import, naming the option.
        XCTAssertThrowsError(try DataTable(file: "x.txt", names: ["t", "m"], units: ["s", ""], rows: [[0, 1], [1, 2]], lines: [2, 3])
            .trace(time: "t", inputs: [], outputs: ["m"], options: .init(name: "r", from: .nan))) { error in
            XCTAssertTrue("\(error)".contains("--from"), "\(error)")
        }
    }
}
