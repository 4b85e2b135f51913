import Foundation
import SafeIO
import Micromagnetics
import Numerics

/// A drive signal of a spec (`[drive.NAME]`): a function of the time tau since the start of the stage
/// that uses it, added to its target (Ku1 in J/m^3, the interfacial Dind in J/m^2, a field component in T,
/// a current density in A/m^2, or the auto-oscillator current in A). A Dind drive scales every cell's
/// D by (D + delta) / D of the base material. A run stage may take several drives on different targets
/// (`drive = ["vcma", "dmi"]`).
///
/// - `sine-carrier`: the paper's VCMA input (Chen et al., Nat. Commun. 13, 1016 (2022), Methods):
///   delta(tau) = amplitude a_i sin(2 pi f tau), a_i uniform in [low, high), one value per `period`
///   (i = floor(tau / period)). a_i is a pure function of (spec seed, drive name, i), so a resumed run
///   draws the same amplitudes without any stored random state. Or an exact sequence a_i (`values` or
///   `file`, e.g. the table a published mumax3 study loaded with `loadfile`), the last one held after it.
/// - `constant`: delta = value.
/// - `piecewise`: delta = values[i] over [i hold, (i + 1) hold) (the last value is held after the end);
///   values inline, from a file (CSV column or .npy float64 vector), or drawn uniformly in [low, high)
///   from the spec seed (`random_count`).
public struct Drive: Sendable {
    public enum Kind: Sendable {
        case sineCarrier(amplitude: Double, frequency: Double, period: Double, low: Double, high: Double)
        case constant(Double)
        case piecewise([Double])
        /// amplitude values[i] sin(2 pi f tau) over piece i (the carrier scaled by a given sequence a_i).
        case modulatedCarrier(amplitude: Double, frequency: Double, values: [Double])
    }
    public var name: String
    public var kind: Kind
    public var target: SimulationSpec.DriveTarget
    /// Hold time of one piecewise value, or the carrier period (s); 0 for a constant.
    public var hold: Double
    /// Seed of the carrier amplitudes (derived from the spec seed and the drive name).
    public var seed: UInt64
    /// The file a piecewise drive was read from and the SHA-256 (hex) of the bytes read; nil otherwise.
    public var source: (path: String, sha256: String)?

    public init(kind: Kind, target: SimulationSpec.DriveTarget, hold: Double, name: String = "drive", seed: UInt64 = 0) {
        self.kind = kind; self.target = target; self.hold = hold; self.name = name
        self.seed = Drive.mix(seed, name)
        self.source = nil
    }

    init(table t: SpecTable, name: String, seed: UInt64, resolve: (String) -> String) throws {
        self.name = name
        self.seed = Drive.mix(seed, name)
        self.source = nil
        let kind = try t.choice("kind", ["sine-carrier", "constant", "piecewise"])
        let targets = SimulationSpec.DriveTarget.allCases.map(\.rawValue)
        target = SimulationSpec.DriveTarget(rawValue: try t.choice("target", targets, default: kind == "sine-carrier" ? "Ku1" : nil))!
        switch kind {
        case "sine-carrier":
            hold = try t.positive("period")
            let amplitude = try t.double("amplitude"), frequency = try t.positive("frequency")
            let given = ["values", "file"].filter(t.has)
            if given.isEmpty {
                let low = try t.double("low", default: -1), high = try t.double("high", default: 1)
                guard high >= low else { throw t.invalid("high", high, "must not be below low = \(low)") }
                self.kind = .sineCarrier(amplitude: amplitude, frequency: frequency, period: hold, low: low, high: high)
            } else {
                // An exact published sequence a_i (e.g. the one a mumax3 script loaded with loadfile).
                for key in ["low", "high", "random_count"] where t.has(key) {
                    throw t.invalid(key, "set", "give either \(given[0]) (the amplitudes a_i) or low/high (drawn), not both")
                }
                let values = try Drive.sequence(t, sources: ["values", "file"], resolve: resolve, source: &source)
                self.kind = .modulatedCarrier(amplitude: amplitude, frequency: frequency, values: values)
            }
        case "constant":
            hold = 0
            self.kind = .constant(try t.double("value"))
        default:
            hold = try t.positive("hold")
            var values: [Double]
            if !t.has("random_count") || ["values", "file"].contains(where: t.has) {
                values = try Drive.sequence(t, sources: ["values", "file", "random_count"], resolve: resolve, source: &source)
            } else {
                let n = try t.int("random_count")
                guard n > 0 else { throw t.invalid("random_count", n, "must be positive") }
                // Refused before the values are drawn: each value is held several times over (drawn,
                // scaled, stored in the drive).
                let bytes = 3 * 8 * Double(n)
                if let memory = AvailableMemory.bytes().map(Double.init), bytes > memory {
                    throw SpecError.resources(file: t.file, key: t.key("random_count"),
                                              reason: "\(n) values need an estimated \(ByteCount(bytes).description) of memory; "
                                                  + "this machine has \(ByteCount(memory).description) available (MemAvailable)")
                }
                let low = try t.double("low", default: -1), high = try t.double("high", default: 1)
                guard high >= low else { throw t.invalid("high", high, "must not be below low = \(low)") }
                var rng = SeededRandom(seed: self.seed)
                values = (0..<n).map { _ in rng.uniform(low, high) }
            }
            let scale = try t.double("scale", default: 1), offset = try t.double("offset", default: 0)
            values = values.map { offset + scale * $0 }
            guard !values.isEmpty else { throw t.invalid("values", "[]", "give at least one value") }
            if let i = values.firstIndex(where: { !$0.isFinite }) {
                throw t.invalid("scale", scale, "offset + scale x value \(i) is \(values[i]) (not finite)")
            }
            self.kind = .piecewise(values)
        }
        try t.finish()
    }

    /// A sequence of values given in the table: inline `values = [...]` or `file` (CSV column `column`
    /// after `header_lines`, .npy float64 vector, or OVF 2.0 values along x: component `column` of cells
    /// (i, 0, 0), as a mumax3 script reads a `loadfile(...)` table with `s.get(column, i, 0, 0)`).
    /// Exactly one of `sources` must be set; a file's path and digest go to `source`.
    static func sequence(_ t: SpecTable, sources: [String], resolve: (String) -> String,
                         source: inout (path: String, sha256: String)?) throws -> [Double] {
        let set = sources.filter(t.has)
        guard set.count == 1 else {
            throw set.isEmpty ? SpecError.missingKey(file: t.file, key: t.key("values"))
                : t.invalid(set[1], "set", "give only one of \(sources.joined(separator: ", "))")
        }
        if t.has("values") {
            let values = try t.optionalDoubles("values")!
            guard !values.isEmpty else { throw t.invalid("values", "[]", "give at least one value") }
            if let i = values.firstIndex(where: { !$0.isFinite }) { throw t.invalid("values", values[i], "value \(i) is not finite") }
            return values
        }
        let path = resolve(try t.string("file"))
        let column = try t.optionalInt("column") ?? 0
        guard column >= 0 else { throw t.invalid("column", column, "must be a column index >= 0") }
        let headerLines = try t.optionalInt("header_lines") ?? 0
        guard headerLines >= 0 else { throw t.invalid("header_lines", headerLines, "must be a line count >= 0") }
        let read = try Drive.readValues(path, column: column, headerLines: headerLines, key: t.key("file"), spec: t.file)
        source = (path, read.sha256)
        return read.values
    }

    /// The spec seed mixed with the drive name (FNV-1a), so two drives of one spec draw differently.
    static func mix(_ seed: UInt64, _ name: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return seed ^ h
    }

    /// a_i of a sine carrier: uniform in [low, high), a pure function of (seed, i).
    public func carrierAmplitude(period i: Int) -> Double {
        guard case let .sineCarrier(_, _, _, low, high) = kind else { return 0 }
        var rng = SeededRandom(seed: seed ^ (UInt64(bitPattern: Int64(i)) &* 0x9E37_79B9_7F4A_7C15))
        return rng.uniform(low, high)
    }

    /// Index of the piece (period or hold interval) containing tau (s since the stage start).
    public func piece(at tau: Double) -> Int {
        hold > 0 ? max(0, Int((tau / hold).rounded(.down))) : 0
    }

    /// The drive value at tau seconds after the start of its stage (target units).
    public func value(at tau: Double) -> Double { value(at: tau, origin: 0) }

    /// The drive value at global time t (s) for a stage starting at `origin`: tau = t - origin. The piece
    /// index is decided against the jump times origin + k hold exactly as they are passed to the solver,
    /// so the value switches exactly at the step that lands on a jump (t - origin may round below k hold).
    public func value(at t: Double, origin: Double) -> Double {
        value(at: t, origin: origin, piece: piece(at: t, origin: origin))
    }

    /// The drive value at global time t with the piece index given: the solver integrates one piece at a
    /// time with the index frozen, so a step ending on a jump sees the value before it (left limit).
    public func value(at t: Double, origin: Double, piece i: Int) -> Double {
        let tau = t - origin
        switch kind {
        case let .sineCarrier(amplitude, f, _, _, _):
            return amplitude * carrierAmplitude(period: i) * sin(2 * Double.pi * f * tau)
        case let .constant(v): return v
        case let .piecewise(values): return values[min(i, values.count - 1)]
        case let .modulatedCarrier(amplitude, f, values):
            return amplitude * values[min(i, values.count - 1)] * sin(2 * Double.pi * f * tau)
        }
    }

    /// Index i of the piece holding global time t: origin + i hold <= t < origin + (i + 1) hold, with
    /// the boundaries computed as in `jumps`.
    public func piece(at t: Double, origin: Double) -> Int {
        guard hold > 0 else { return 0 }
        var i = max(0, Int(((t - origin) / hold).rounded(.down)))
        if t >= origin + Double(i + 1) * hold { i += 1 }
        if i > 0 && t < origin + Double(i) * hold { i -= 1 }
        return i
    }

    /// The value that scales the carrier in piece i (a_i), or the piecewise value: the "input" a
    /// reservoir sees.
    public func pieceValue(_ i: Int) -> Double {
        switch kind {
        case .sineCarrier: return carrierAmplitude(period: i)
        case let .constant(v): return v
        case let .piecewise(values), let .modulatedCarrier(_, _, values): return values[min(i, values.count - 1)]
        }
    }

    /// Boundaries of pieces strictly inside (0, duration), as stage-local times (s).
    public func jumps(duration: Double) -> [Double] {
        guard hold > 0 else { return [] }
        var out: [Double] = []
        var k = 1
        while Double(k) * hold < duration * (1 - 1e-12) { out.append(Double(k) * hold); k += 1 }
        return out
    }

    /// Total length of a piecewise drive, count x hold (s); nil for other kinds.
    public var length: Double? {
        if case let .piecewise(v) = kind { return Double(v.count) * hold }
        return nil
    }

    /// Why `path` cannot be read: "file not found", "is a directory" or "cannot be read".
    static func unreadable(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "file not found" }
        return isDirectory.boolValue ? "is a directory, not a file" : "cannot be read (permissions?)"
    }

    /// Reads a whole drive file and checks every value before any compute:
    /// - CSV/TSV (separators , ; tab space): column `column` of every line; lines starting with '#' and
    ///   empty lines are comments; the first `headerLines` other lines are skipped (a header must be
    ///   declared: an undeclared non-number is an error naming the line, so a header or a typo never
    ///   passes silently);
    /// - NumPy .npy: little-endian float64, C order, shape (n,), (n, 1) or (1, n); the data size must
    ///   match the shape;
    /// - OVF 2.0 (.ovf, .omf; text or binary 4/8): component `column` of cells (i, 0, 0), i along x, the
    ///   way mumax3 scripts index a table loaded with `loadfile` (`s.get(column, i, 0, 0)`).
    /// Every value must be finite. Returns the values and the SHA-256 of the bytes read.
    static func readValues(_ path: String, column: Int, headerLines: Int = 0, key: String, spec: String) throws
        -> (values: [Double], sha256: String) {
        func bad(_ why: String) -> SpecError { .invalidValue(file: spec, key: key, value: "\"\(path)\"", requirement: why) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: path) else { throw bad(unreadable(path)) }
        let sha = SHA256.hex(data)
        var values: [Double] = []
        if path.hasSuffix(".npy") {
            values = try readNPY([UInt8](data), bad: bad)
            if let i = values.firstIndex(where: { !$0.isFinite }) { throw bad("element \(i) is \(values[i]) (not finite)") }
        } else if path.lowercased().hasSuffix(".ovf") || path.lowercased().hasSuffix(".omf") {
            let field: OVFField
            do { field = try OVFField.decode([UInt8](data), source: path) } catch { throw bad("\(error)") }
            guard column < field.valueDimension else {
                throw bad("has \(field.valueDimension) component(s) per cell; column = \(column) is not one of them")
            }
            values = (0..<field.nx).map { field[$0, 0, 0, column] }
            if let i = values.firstIndex(where: { !$0.isFinite }) { throw bad("cell (\(i), 0, 0) is \(values[i]) (not finite)") }
        } else {
            let text = String(decoding: data, as: UTF8.self)
            var skipped = 0
            // Lines end in LF, CRLF (one Character) or CR; empty lines are kept so line numbers are true.
            for (lineNumber, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
                let fields = line.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\t" || $0 == " " })
                guard !fields.isEmpty, !line.hasPrefix("#") else { continue }
                if skipped < headerLines { skipped += 1; continue }
                guard column < fields.count else { throw bad("line \(lineNumber + 1) has no column \(column)") }
                guard let x = Double(fields[column]) else {
                    let hint = values.isEmpty && headerLines == 0 ? " (a header line? declare it with header_lines = 1)" : ""
                    throw bad("line \(lineNumber + 1): '\(fields[column])' is not a number\(hint)")
                }
                guard x.isFinite else { throw bad("line \(lineNumber + 1): '\(fields[column])' is not a finite number") }
                values.append(x)
            }
        }
        guard !values.isEmpty else { throw bad("holds no values") }
        return (values, sha)
    }

    /// The float64 vector of a .npy file (format 1.0-3.0): dtype '<f8', C order, shape (n,), (n, 1) or (1, n).
    static func readNPY(_ b: [UInt8], bad: (String) -> SpecError) throws -> [Double] {
        guard b.count > 10, b[0] == 0x93, String(decoding: b[1...5], as: UTF8.self) == "NUMPY" else { throw bad("not a .npy file") }
        let major = b[6]
        guard (1...3).contains(major) else { throw bad(".npy format version \(major) is not supported") }
        let headerStart = major == 1 ? 10 : 12
        guard b.count >= headerStart else { throw bad("truncated .npy header") }
        let headerLength = major == 1 ? Int(b[8]) | Int(b[9]) << 8
            : Int(b[8]) | Int(b[9]) << 8 | Int(b[10]) << 16 | Int(b[11]) << 24
        let start = headerStart + headerLength
        guard start <= b.count else { throw bad("truncated .npy header") }
        let header = String(decoding: b[headerStart..<start], as: UTF8.self)
        guard header.contains("'<f8'") else { throw bad(".npy data must be little-endian float64 ('<f8')") }
        guard header.contains("'fortran_order': False") else { throw bad(".npy data must be C-ordered") }
        guard let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw bad(".npy header has no shape")
        }
        let shapeText = header[open.upperBound..<close]
        let dims = shapeText.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let shape = dims.compactMap { Int($0) }
        guard shape.count == dims.count, shape.allSatisfy({ $0 >= 0 }) else { throw bad(".npy shape (\(shapeText)) is not readable") }
        let count: Int
        switch shape.count {
        case 1: count = shape[0]
        case 2 where shape[0] == 1 || shape[1] == 1: count = shape[1] == 1 ? shape[0] : shape[1]
        default:
            throw bad(".npy array has shape (\(shapeText)); a drive is one sequence: shape (n,), (n, 1) or (1, n)")
        }
        // Compared by division: the shape comes from the file and 8 x count must not overflow.
        guard (b.count - start) % 8 == 0, (b.count - start) / 8 == count else {
            throw bad(".npy shape (\(shapeText)) needs \(8 * count) data bytes, the file has \(b.count - start)")
        }
        return (0..<count).map { i in
            var bits: UInt64 = 0
            for j in 0..<8 { bits |= UInt64(b[start + 8 * i + j]) << (8 * j) }
            return Double(bitPattern: bits)
        }
    }
}
