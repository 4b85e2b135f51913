import Foundation
import Numerics
import SafeIO

/// The resumable state of a spec run between two chunks of simulated time: where (stage, chunk, time),
/// the magnetisation, the samples recorded so far and the counters. Written atomically (temporary
/// sibling + rename), so a crash mid-write leaves the previous checkpoint intact.
///
/// Everything the continuation depends on is in it: chunks restart the solver (the adaptive step is
/// re-selected at every chunk start in an uninterrupted run too, so no step size or controller history
/// crosses a chunk boundary), the drive is a pure function of time and seed, and the thermal noise
/// generator's state is saved. The SHA-256 of every file the spec reads (drive files, initial OVF) is
/// saved too, so a resume refuses to join a run to a changed input.
///
/// Binary layout, little-endian: magic "SPNCKPT2", UInt64 FNV-1a hash of the spec text, Int64 stage,
/// chunk, accepted, rejected, rhs evaluations, relaxation evaluations, snapshot counter, Float64
/// time and simulated time, then Int64 count + Float64 values for m, times, inputs (flat), outputs
/// (flat), with Int64 input and output channel counts before the last two; then Int64 1 and the
/// thermal generator (four UInt64 words, Int64 0/1 and a Float64 spare normal) or Int64 0; then Int64
/// file count and per file three strings (key, path, SHA-256 hex), each Int64 byte count + UTF-8.
struct SimulationCheckpoint: Equatable {
    var specHash: UInt64
    var stage: Int
    var chunk: Int
    var time: Double
    var simulatedTime: Double
    var accepted: Int, rejected: Int, rhsEvaluations: Int, relaxationEvaluations: Int
    var snapshotCounter: Int
    var m: [Double]
    var times: [Double]
    var inputs: [[Double]]
    var outputs: [[Double]]
    /// State of the thermal noise generator after the last chunk (nil: no thermal field yet).
    var thermalRandom: SeededRandom.State? = nil
    /// The files the spec read when the run started, with their SHA-256.
    var inputFiles: [SimulationSpec.InputFile] = []

    static let magic = Array("SPNCKPT2".utf8)
    /// The first format, without thermal state and file digests: refused with a clear message.
    static let magicVersion1 = Array("SPNCKPT1".utf8)

    static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    func encoded() -> Data {
        var d = Data(SimulationCheckpoint.magic)
        func int(_ v: Int) { withUnsafeBytes(of: Int64(v).littleEndian) { d.append(contentsOf: $0) } }
        func dbl(_ v: Double) { withUnsafeBytes(of: v.bitPattern.littleEndian) { d.append(contentsOf: $0) } }
        func arr(_ a: [Double]) { int(a.count); for x in a { dbl(x) } }
        withUnsafeBytes(of: specHash.littleEndian) { d.append(contentsOf: $0) }
        for v in [stage, chunk, accepted, rejected, rhsEvaluations, relaxationEvaluations, snapshotCounter] { int(v) }
        dbl(time); dbl(simulatedTime)
        arr(m); arr(times)
        int(inputs.first?.count ?? 0); arr(inputs.flatMap { $0 })
        int(outputs.first?.count ?? 0); arr(outputs.flatMap { $0 })
        func str(_ s: String) { let u = Array(s.utf8); int(u.count); d.append(contentsOf: u) }
        if let r = thermalRandom {
            int(1)
            for w in r.words { withUnsafeBytes(of: w.littleEndian) { d.append(contentsOf: $0) } }
            int(r.spareNormal == nil ? 0 : 1); dbl(r.spareNormal ?? 0)
        } else {
            int(0)
        }
        int(inputFiles.count)
        for f in inputFiles { str(f.key); str(f.path); str(f.sha256) }
        return d
    }

    init(specHash: UInt64, stage: Int, chunk: Int, time: Double, simulatedTime: Double, accepted: Int, rejected: Int,
         rhsEvaluations: Int, relaxationEvaluations: Int, snapshotCounter: Int, m: [Double], times: [Double],
         inputs: [[Double]], outputs: [[Double]], thermalRandom: SeededRandom.State? = nil,
         inputFiles: [SimulationSpec.InputFile] = []) {
        self.specHash = specHash; self.stage = stage; self.chunk = chunk; self.time = time
        self.simulatedTime = simulatedTime; self.accepted = accepted; self.rejected = rejected
        self.rhsEvaluations = rhsEvaluations; self.relaxationEvaluations = relaxationEvaluations
        self.snapshotCounter = snapshotCounter; self.m = m; self.times = times; self.inputs = inputs; self.outputs = outputs
        self.thermalRandom = thermalRandom; self.inputFiles = inputFiles
    }

    init(data: Data, file: String) throws {
        let b = [UInt8](data)
        var p = 0
        func fail(_ why: String) -> SpecError { .badCheckpoint(file: file, reason: why) }
        func u64() throws -> UInt64 {
            guard p + 8 <= b.count else { throw fail("truncated at byte \(p)") }
            var v: UInt64 = 0
            for j in 0..<8 { v |= UInt64(b[p + j]) << (8 * j) }
            p += 8
            return v
        }
        func int() throws -> Int {
            let v = Int(Int64(bitPattern: try u64()))
            guard v >= 0 else { throw fail("negative count at byte \(p - 8)") }
            return v
        }
        func dbl() throws -> Double { Double(bitPattern: try u64()) }
        func arr() throws -> [Double] {
            let n = try int()
            guard n <= (b.count - p) / 8 else { throw fail("truncated array of \(n) values") }
            return try (0..<n).map { _ in try dbl() }
        }
        func rows(_ flat: [Double], _ width: Int, _ count: Int) throws -> [[Double]] {
            // Division, not width x count: counts come from the file and must not overflow.
            guard width == 0 ? flat.isEmpty : (flat.count % width == 0 && flat.count / width == count) else {
                throw fail("sample table of \(flat.count) values for \(count) x \(width)")
            }
            return (0..<count).map { Array(flat[($0 * width)..<(($0 + 1) * width)]) }
        }
        if b.count >= 8 && Array(b[0..<8]) == SimulationCheckpoint.magicVersion1 {
            throw fail("written by an older SpinODE (no input-file digests); run again without --resume")
        }
        guard b.count >= 8, Array(b[0..<8]) == SimulationCheckpoint.magic else { throw fail("not a SpinODE checkpoint") }
        p = 8
        specHash = try u64()
        stage = try int(); chunk = try int(); accepted = try int(); rejected = try int()
        rhsEvaluations = try int(); relaxationEvaluations = try int(); snapshotCounter = try int()
        time = try dbl(); simulatedTime = try dbl()
        m = try arr(); times = try arr()
        let nIn = try int(); let fin = try arr()
        let nOut = try int(); let fout = try arr()
        inputs = try rows(fin, nIn, times.count)
        outputs = try rows(fout, nOut, times.count)
        func str() throws -> String {
            let n = try int()
            guard n <= b.count - p else { throw fail("truncated string of \(n) bytes") }
            defer { p += n }
            return String(decoding: b[p..<(p + n)], as: UTF8.self)
        }
        switch try int() {
        case 0: thermalRandom = nil
        case 1:
            let words = [try u64(), try u64(), try u64(), try u64()]
            guard words.contains(where: { $0 != 0 }) else { throw fail("thermal generator state is all zero") }
            let hasSpare = try int(), spare = try dbl()
            thermalRandom = SeededRandom.State(words: words, spareNormal: hasSpare == 1 ? spare : nil)
        default: throw fail("bad thermal-state flag")
        }
        let files = try int()
        guard files <= 1 << 16 else { throw fail("\(files) input files") }
        inputFiles = try (0..<files).map { _ in SimulationSpec.InputFile(key: try str(), path: try str(), sha256: try str()) }
        guard p == b.count else { throw fail("\(b.count - p) unexpected bytes at the end") }
    }

    /// Writes atomically: a temporary sibling, then rename over `path`.
    func write(to path: String) throws {
        do { try AtomicFile.write(encoded(), to: path) } catch {
            throw SpecError.badCheckpoint(file: path, reason: "\(error)")
        }
    }

    static func read(from path: String) throws -> SimulationCheckpoint {
        guard let d = FileManager.default.contents(atPath: path) else {
            throw SpecError.badCheckpoint(file: path, reason: "no checkpoint file")
        }
        return try SimulationCheckpoint(data: d, file: path)
    }
}
