import Foundation

/// Reading a text table file into numbered lines, with the file-level errors of TraceIO.
enum TableText {
    /// The lines of `path`, each with its 1-based number. Line ends may be LF or CRLF (tables
    /// written on Windows), and a UTF-8 byte-order mark at the start is skipped: both are common in
    /// mumax3 and OOMMF tables that passed through a Windows editor or spreadsheet.
    static func lines(_ path: String) throws -> [(number: Int, text: Substring)] {
        try InputFile.require(path, allowStreams: true)
        try checkMemory(path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TraceIOError.io(file: path, detail: "cannot read file (permission denied?)")
        }
        if data.starts(with: [0x89, 0x48, 0x44, 0x46]) {
            throw TraceIOError.wrongFormat(file: path, object: "", detail: "an HDF5 file, not a text table")
        }
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
            throw TraceIOError.wrongFormat(file: path, object: "",
                                           detail: "UTF-16 text; save the table as UTF-8 (or ASCII) and import it again")
        }
        let text = String(decoding: normalisedBytes(data), as: UTF8.self)
        var result: [(Int, Substring)] = []
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            result.append((number, line))
        }
        return result
    }

    /// Reading a table holds its text about four times over at the peak (the bytes, their normalised
    /// copy, the decoded string, the parsed rows of 8-byte numbers per field of typically 12 to 15
    /// characters with per-row array headers); a table needing more than the available memory is
    /// refused before it is read.
    static func checkMemory(_ path: String) throws {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int,
              let available = AvailableMemory.bytes() else { return }
        let needed = 4 * Double(size)
        if needed > Double(available) {
            throw TraceIOError.tooLarge(file: path, object: "",
                                        detail: "a table of \(ByteCount(size)) needs about \(ByteCount(needed)) to read, more than the "
                                            + "\(ByteCount(available)) of memory available (MemAvailable); cut it with head/tail or awk first")
        }
    }

    /// The file's bytes without a leading UTF-8 byte-order mark and with every CR of a CRLF pair
    /// removed. Done on bytes because Swift reads "\r\n" as one Character, which a split at
    /// Character "\n" would not see as a line end.
    static func normalisedBytes(_ data: Data) -> [UInt8] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard bytes.contains(0x0D) else { return bytes }
        var kept = [UInt8]()
        kept.reserveCapacity(bytes.count)
        for i in bytes.indices where !(bytes[i] == 0x0D && (i + 1 == bytes.count || bytes[i + 1] == 0x0A)) {
            kept.append(bytes[i])
        }
        return kept
    }

    /// Whether the file starts (after an optional byte-order mark and blank space) with "# ODT", the
    /// first line of an OOMMF data table. Reads only the first bytes.
    static func startsLikeODT(_ path: String) -> Bool {
        guard (try? InputFile.require(path)) != nil, let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = String(decoding: normalisedBytes(handle.readData(ofLength: 64)), as: UTF8.self)
        return head.drop(while: { $0.isWhitespace }).hasPrefix("# ODT")
    }

    /// Parses the data rows `lines` with `fields` splitting each into as many fields as `names`.
    static func rows(_ lines: [(number: Int, text: Substring)], names: [String], file: String,
                     fields: (Substring) -> [Substring]) throws -> (rows: [[Double]], lines: [Int]) {
        var rows: [[Double]] = []
        var numbers: [Int] = []
        rows.reserveCapacity(lines.count)
        for (number, text) in lines {
            let parts = fields(text)
            guard parts.count == names.count else {
                throw TraceIOError.raggedRow(file: file, line: number, expected: names.count, found: parts.count)
            }
            var row = [Double](repeating: 0, count: parts.count)
            for (c, part) in parts.enumerated() {
                row[c] = try DataTable.number(part, file: file, line: number, column: names[c])
            }
            rows.append(row)
            numbers.append(number)
        }
        return (rows, numbers)
    }
}

/// mumax3's `table.txt` (Vansteenkiste et al., AIP Advances 4, 107133 (2014)): a header line
/// `# t (s)\tmx ()\tmy ()\tmz ()\tE_total (J)\t...\tKu1.region100 (J/m3)` (tab-separated
/// "name (unit)"), then one tab-separated row of numbers per `TableSave`.
public enum MumaxTable {
    public static func read(_ path: String) throws -> DataTable {
        let lines = try TableText.lines(path)
        guard let headerIndex = lines.firstIndex(where: { $0.text.hasPrefix("#") }) else {
            throw TraceIOError.wrongFormat(file: path, object: "line 1", detail: "no '# t (s)\\t...' header line")
        }
        var header = lines[headerIndex].text.dropFirst()
        while header.first == " " { header.removeFirst() }
        let headers = header.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingWhitespace }
        guard headers.count >= 1, !headers[0].isEmpty else {
            throw TraceIOError.wrongFormat(file: path, object: "line \(lines[headerIndex].number)", detail: "empty header")
        }
        if let unnamed = headers.firstIndex(where: { DataTable.splitUnits($0).name.isEmpty }) {
            throw TraceIOError.wrongFormat(file: path, object: "line \(lines[headerIndex].number)",
                                           detail: "header column \(unnamed + 1) has no name")
        }
        let parts = headers.map(DataTable.splitUnits)
        let data = lines[(headerIndex + 1)...].filter { !$0.text.trimmedSlice.isEmpty && !$0.text.hasPrefix("#") }
        let names = parts.map(\.name)
        let (rows, numbers) = try TableText.rows(Array(data), names: names, file: path) { line in
            line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmedSlice }
        }
        return DataTable(file: path, names: names, units: parts.map(\.unit), rows: rows, lines: numbers)
    }
}

/// OOMMF's ODT data tables (Donahue and Porter, OOMMF User's Guide, NISTIR 6376, "Data table
/// format"): header lines `# ODT 1.0`, `# Table Start`, `# Title: ...`, `# Columns: ...`,
/// `# Units: ...` where names and units are whitespace-separated words or `{braced phrases}`,
/// then whitespace-separated rows, `# Table End`. Header lines may continue with a trailing "\".
/// Several tables in one file (a restarted run) are concatenated when their columns agree.
public enum OOMMFTable {
    /// Whether `path` is an OOMMF table by name (".odt", any case) or by its first line ("# ODT").
    public static func recognises(_ path: String) -> Bool {
        path.lowercased().hasSuffix(".odt") || TableText.startsLikeODT(path)
    }

    public static func read(_ path: String) throws -> DataTable {
        let raw = try TableText.lines(path)
        // Join continued header lines ("...\" followed by "# ...").
        var lines: [(number: Int, text: Substring)] = []
        for line in raw {
            if let last = lines.last, last.text.hasPrefix("#"), last.text.hasSuffix("\\") {
                var next = line.text
                if next.hasPrefix("#") { next = next.dropFirst() }
                lines[lines.count - 1].text = last.text.dropLast() + " " + next
            } else {
                lines.append(line)
            }
        }
        var names: [String]?
        var units: [String]?
        var data: [(number: Int, text: Substring)] = []
        for (number, text) in lines {
            let trimmed = text.trimmedSlice
            if trimmed.isEmpty { continue }
            guard trimmed.hasPrefix("#") else {
                guard names != nil else {
                    throw TraceIOError.wrongFormat(file: path, object: "line \(number)", detail: "data before the '# Columns:' line")
                }
                data.append((number, text))
                continue
            }
            let body = trimmed.dropFirst().trimmingWhitespace
            if body.lowercased().hasPrefix("columns:") {
                let columns = try words(body.dropFirst("columns:".count), file: path, line: number)
                if let names, names != columns {
                    throw TraceIOError.wrongFormat(file: path, object: "line \(number)",
                                                   detail: "a second table with different columns")
                }
                names = columns
            } else if body.lowercased().hasPrefix("units:") {
                units = try words(body.dropFirst("units:".count), file: path, line: number)
            }
        }
        guard let names else {
            throw TraceIOError.wrongFormat(file: path, object: "", detail: "no '# Columns:' header line (not an OOMMF .odt table)")
        }
        let unitList = units ?? Array(repeating: "", count: names.count)
        guard unitList.count == names.count else {
            throw TraceIOError.lengthMismatch(file: path, object: "'# Units:' line", expected: names.count,
                                              found: unitList.count, reference: "'# Columns:' line")
        }
        let (rows, numbers) = try TableText.rows(data, names: names, file: path) { line in
            line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        }
        return DataTable(file: path, names: names, units: unitList, rows: rows, lines: numbers)
    }

    /// Splits an ODT header list into words, `{braced phrases}` kept whole (braces removed).
    static func words(_ text: Substring, file: String, line: Int) throws -> [String] {
        var result: [String] = []
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == " " || c == "\t" { i = text.index(after: i); continue }
            if c == "{" {
                guard let close = text[i...].firstIndex(of: "}") else {
                    throw TraceIOError.wrongFormat(file: file, object: "line \(line)", detail: "unbalanced '{' in header")
                }
                result.append(String(text[text.index(after: i)..<close]).trimmingWhitespace)
                i = text.index(after: close)
            } else {
                let end = text[i...].firstIndex(where: { $0 == " " || $0 == "\t" }) ?? text.endIndex
                result.append(String(text[i..<end]))
                i = end
            }
        }
        return result
    }
}

/// Plain CSV or TSV with a header row: the first non-empty line gives the column names (a
/// leading "#" is dropped), each optionally with units as "name (unit)" or "name [unit]".
/// The delimiter is a tab if the header has one, else a comma, else ";", else whitespace.
/// Later lines starting with "#" are comments.
public enum DelimitedTable {
    public static func read(_ path: String) throws -> DataTable {
        let lines = try TableText.lines(path)
        guard let headerIndex = lines.firstIndex(where: { !$0.text.trimmingWhitespace.isEmpty }) else {
            throw TraceIOError.wrongFormat(file: path, object: "", detail: "empty table (no header line)")
        }
        var header = Substring(lines[headerIndex].text.trimmingWhitespace)
        if header.hasPrefix("#") { header = header.dropFirst() }
        let delimiter: Character? = header.contains("\t") ? "\t" : header.contains(",") ? "," : header.contains(";") ? ";" : nil
        func fields(_ line: Substring) -> [Substring] {
            guard let delimiter else { return line.split(whereSeparator: { $0 == " " || $0 == "\t" }) }
            return line.split(separator: delimiter, omittingEmptySubsequences: false)
                .map { field in
                    let f = field.trimmedSlice
                    return f.hasPrefix("\"") && f.hasSuffix("\"") && f.count >= 2 ? f.dropFirst().dropLast() : f
                }
        }
        let parts = fields(header).map { field -> (name: String, unit: String) in
            let f = field.trimmingWhitespace
            if f.hasSuffix("]"), let open = f.lastIndex(of: "["), open > f.startIndex {
                return (String(f[..<open]).trimmingWhitespace,
                        String(f[f.index(after: open)..<f.index(before: f.endIndex)]).trimmingWhitespace)
            }
            return DataTable.splitUnits(f)
        }
        let data = lines[(headerIndex + 1)...].filter { !$0.text.trimmedSlice.isEmpty && !$0.text.hasPrefix("#") }
        let names = parts.map(\.name)
        if let unnamed = names.firstIndex(where: \.isEmpty) {
            throw TraceIOError.wrongFormat(file: path, object: "line \(lines[headerIndex].number)",
                                           detail: "header column \(unnamed + 1) has no name")
        }
        let (rows, numbers) = try TableText.rows(Array(data), names: names, file: path, fields: fields)
        return DataTable(file: path, names: names, units: parts.map(\.unit), rows: rows, lines: numbers)
    }
}
