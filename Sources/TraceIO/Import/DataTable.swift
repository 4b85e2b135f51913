import Foundation
import Numerics

/// A numeric table read from a text file (mumax3 `table.txt`, OOMMF `.odt`, CSV/TSV): named
/// columns with units, rows remembered with their line numbers for error messages.
public struct DataTable: Sendable {
    /// The file the table came from (named in every error).
    public var file: String
    /// Column names without units: "t", "mz", "Ku1.region100", "Oxs_TimeDriver::Simulation time".
    public var names: [String]
    /// Units per column as the header gives them ("s", "J/m3", "" for dimensionless or unknown).
    public var units: [String]
    /// Rows of values, each `names.count` long.
    public var rows: [[Double]]
    /// 1-based line number of each row in `file`.
    public var lines: [Int]

    public init(file: String, names: [String], units: [String], rows: [[Double]], lines: [Int]) {
        self.file = file
        self.names = names
        self.units = units
        self.rows = rows
        self.lines = lines
    }

    /// Headers with units: "t (s)", "mz" (no "()" when the unit is empty).
    public var headers: [String] { zip(names, units).map { $1.isEmpty ? $0 : "\($0) (\($1))" } }

    /// The column a user means by `query`, tried in this order (the first rule that matches
    /// exactly one column wins):
    /// 1. the exact name ("mz"), or the exact header with units ("mz ()", "B_extz (T)");
    /// 2. the same, ignoring case;
    /// 3. the last component of an OOMMF name after ":" ("Simulation time" for
    ///    "Oxs_TimeDriver::Simulation time"), ignoring case.
    /// Throws `.missingColumn` listing the columns, or `.invalidValue` when a rule matches several.
    public func column(_ query: String) throws -> Int {
        let q = query.trimmingWhitespace
        let bare = DataTable.splitUnits(q).name
        let rules: [(Int) -> Bool] = [
            { self.names[$0] == q || self.headers[$0] == q || self.names[$0] == bare && self.units[$0] == DataTable.splitUnits(q).unit },
            { self.names[$0].lowercased() == q.lowercased() || self.headers[$0].lowercased() == q.lowercased()
                || self.names[$0].lowercased() == bare.lowercased() },
            { DataTable.lastComponent(self.names[$0]).lowercased() == DataTable.lastComponent(bare).lowercased() },
        ]
        for rule in rules {
            let matches = names.indices.filter(rule)
            if matches.count == 1 { return matches[0] }
            if matches.count > 1 {
                throw TraceIOError.invalidValue(file: file, object: "column '\(query)'",
                                                detail: "ambiguous: matches \(matches.map { headers[$0] }.joined(separator: ", "))")
            }
        }
        throw TraceIOError.missingColumn(file: file, column: query, available: headers)
    }

    /// Splits "name (unit)" into its parts; a header without "(...)" has unit "", and "(J)" alone
    /// has an empty name (rejected by the table readers).
    static func splitUnits(_ header: String) -> (name: String, unit: String) {
        let h = header.trimmingWhitespace
        guard h.hasSuffix(")"), let open = h.lastIndex(of: "(") else { return (h, "") }
        let name = String(h[..<open]).trimmingWhitespace
        return (name, String(h[h.index(after: open)..<h.index(before: h.endIndex)]).trimmingWhitespace)
    }

    static func lastComponent(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    /// Parses one numeric field; `.badNumber` names the line and the column.
    static func number(_ text: Substring, file: String, line: Int, column: String) throws -> Double {
        if let v = Double(text) { return v }
        // Fortran-style exponents and surrounding quotes, as some tools write them.
        let cleaned = String(text).stripping("\"' ").replacingOccurrences(of: "D", with: "e")
        if let v = Double(cleaned) { return v }
        throw TraceIOError.badNumber(file: file, line: line, column: column, text: String(text))
    }
}

/// What to take from a table and how: the trace name, time range and downsampling.
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
    /// If set, store uniform sampling (t0 = first time, dt = (last - first) / (N - 1)) instead of
    /// the times, after checking every interval is within this fraction of dt of it. Tables print
    /// times with a few significant digits, so samples saved every dt arrive jittered by ~1e-7 dt.
    public var uniformTolerance: Double?

    public init(name: String, every: Int = 1, from: Double? = nil, to: Double? = nil, description: String = "",
                uniformTolerance: Double? = nil) {
        self.name = name
        self.every = every
        self.from = from
        self.to = to
        self.description = description
        self.uniformTolerance = uniformTolerance
    }
}

extension DataTable {
    /// A trace from columns of the table: `time` (seconds) and the named input and output
    /// columns, restricted to `options.from...options.to`, every `options.every`-th row kept.
    /// Units come from the header. Times must be finite and strictly increasing, values finite;
    /// errors name the table's file, column and line.
    public func trace(time: String, inputs: [String], outputs: [String], options: TableImportOptions) throws -> Trace {
        guard options.every >= 1 else {
            throw TraceIOError.invalidValue(file: file, object: "--every", detail: "must be >= 1, got \(options.every)")
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
        let n = chosen.count
        var sampling = Trace.Sampling.times(chosen.map { rows[$0][tc] })
        if let tolerance = options.uniformTolerance, n >= 2 {
            let t0 = rows[chosen[0]][tc]
            let dt = (rows[chosen[n - 1]][tc] - t0) / Double(n - 1)
            for k in 1..<n {
                let interval = rows[chosen[k]][tc] - rows[chosen[k - 1]][tc]
                if abs(interval - dt) > tolerance * dt {
                    throw TraceIOError.invalidValue(
                        file: file, object: "column '\(headers[tc])' line \(lines[chosen[k]])",
                        detail: "interval \(interval) s differs from the mean \(dt) s by more than \(tolerance) dt: not uniformly sampled")
                }
            }
            sampling = .uniform(t0: t0, dt: dt)
        }
        return Trace(
            name: options.name, sampling: sampling,
            inputs: Matrix(rows: n, columns: ic.count) { i, j in rows[chosen[i]][ic[j]] },
            outputs: Matrix(rows: n, columns: oc.count) { i, j in rows[chosen[i]][oc[j]] },
            inputNames: ic.map { names[$0] }, outputNames: oc.map { names[$0] },
            inputUnits: ic.map { units[$0] }, outputUnits: oc.map { units[$0] },
            description: options.description)
    }
}

extension Substring {
    /// Self without leading and trailing whitespace, as a slice (no copy).
    var trimmedSlice: Substring {
        var s = self
        while let f = s.unicodeScalars.first, f.properties.isWhitespace { s = Substring(s.unicodeScalars.dropFirst()) }
        while let l = s.unicodeScalars.last, l.properties.isWhitespace { s = Substring(s.unicodeScalars.dropLast()) }
        return s
    }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

extension String {
    func stripping(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
