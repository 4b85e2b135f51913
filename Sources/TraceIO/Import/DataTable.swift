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
