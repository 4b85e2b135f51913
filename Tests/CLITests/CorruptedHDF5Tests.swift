import Foundation
import XCTest

/// HDF5 files whose metadata crash libhdf5 1.10 (issue 13): every command that reads one refuses it with
/// one line "FILE: corrupted HDF5 file: ..." and a non-zero exit, never a signal (`HDF5Preflight`).
///
/// The damage is made by the test in files it writes itself, at structures it finds by their HDF5
/// signatures (HDF5 File Format Specification 3.0, III.E "Global Heap"), never at fixed offsets, so it lands
/// in the same object whatever the temporary folder's name:
/// - a global-heap object's size made huge (the top byte of its 8-byte size set to 4): libhdf5 copies that
///   many bytes out of the collection (`memcpy` in `H5HG_read`, the crash of /tmp/fit-hdf5-crashes/crash3.h5);
/// - the heap index of every variable-length string reference in the file pointed past the collection's
///   objects: `H5HG_read` indexes its object table out of bounds.
final class CorruptedHDF5Tests: XCTestCase {
    /// One "GCOL" collection: where it starts and its objects (index, offset of the object's header).
    struct GlobalHeapCollection {
        var offset: Int
        var objects: [(index: Int, header: Int)]

        /// Every collection in `bytes`. Layout: "GCOL", version 1, 3 reserved bytes, collection size (8 bytes,
        /// the whole collection); then objects: index (2), reference count (2), reserved (4), size (8), data
        /// padded to a multiple of 8; index 0 is the free space and ends the list.
        static func all(in bytes: [UInt8]) -> [GlobalHeapCollection] {
            var found: [GlobalHeapCollection] = []
            let signature = Array("GCOL".utf8)
            var at = 0
            while at + 16 <= bytes.count {
                guard Array(bytes[at..<at + 4]) == signature, bytes[at + 4] == 1 else { at += 8; continue }
                let size = Int(littleEndian(bytes, at + 8, 8))
                var objects: [(Int, Int)] = []
                var header = at + 16
                while header + 16 <= min(bytes.count, at + size) {
                    let index = Int(littleEndian(bytes, header, 2))
                    if index == 0 { break }
                    objects.append((index, header))
                    let length = Int(littleEndian(bytes, header + 8, 8))
                    header += 16 + (length + 7) / 8 * 8
                }
                found.append(GlobalHeapCollection(offset: at, objects: objects))
                at += max(size, 16)
            }
            return found
        }

        static func littleEndian(_ bytes: [UInt8], _ at: Int, _ count: Int) -> UInt64 {
            (0..<count).reversed().reduce(0) { $0 << 8 | UInt64(bytes[at + $1]) }
        }
    }

    /// `source` with the last global-heap object's size made huge.
    static func hugeHeapObject(_ source: String, to path: String) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
        let collection = try XCTUnwrap(GlobalHeapCollection.all(in: bytes).first, "\(source) has no global heap")
        let object = try XCTUnwrap(collection.objects.last, "\(source): empty global heap")
        bytes[object.header + 15] = 4
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// `source` with every variable-length string reference into the first heap collection (4-byte length,
    /// 8-byte collection address, 4-byte index) given an index far past the collection's objects.
    static func heapIndexOutOfRange(_ source: String, to path: String) throws -> Int {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
        let collection = try XCTUnwrap(GlobalHeapCollection.all(in: bytes).first, "\(source) has no global heap")
        let address = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(collection.offset) >> (8 * $0)) }
        var references = 0
        var at = 4
        while at + 12 <= bytes.count {
            if Array(bytes[at..<at + 8]) == address, (at < collection.offset || at >= collection.offset + 16) {
                let index = Int(GlobalHeapCollection.littleEndian(bytes, at + 8, 4))
                if collection.objects.contains(where: { $0.index == index }) {
                    bytes.replaceSubrange(at + 8..<at + 12, with: [0x00, 0x70, 0x00, 0x00])
                    references += 1
                    at += 12
                    continue
                }
            }
            at += 1
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return references
    }

    /// A trace file, a 2-iteration model fitted on it, an empty output folder, and the two damaged copies of
    /// the model (`damagingModel`) or of the trace file, with at least `references` variable-length strings re-pointed.
    private func makeFiles(damagingModel: Bool, references: Int) throws
        -> (traces: String, model: String, outDir: String, damaged: [String]) {
        let dir = try makeTemporaryDirectory(self)
        let (traces, model) = try importAndFitTinyModel(into: dir)
        let outDir = dir + "/out"
        try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: false)
        let source = damagingModel ? model : traces
        let huge = dir + "/huge-heap-object.h5", index = dir + "/heap-index.h5"
        try Self.hugeHeapObject(source, to: huge)
        XCTAssertGreaterThan(try Self.heapIndexOutOfRange(source, to: index), references, "string attributes of \(source)")
        return (traces, model, outDir, [huge, index])
    }

    /// Runs `arguments`, asserting one stderr line "FILE: corrupted HDF5 file: ...", a non-zero exit that is
    /// not a signal, and nothing written into `outDir`.
    private func assertRefused(_ arguments: [String], file corrupted: String, outDir: String,
                               line: UInt = #line) throws {
        let result = try runProcess(try spinode(), arguments, timeout: 60)
        let command = "spinode " + arguments.joined(separator: " ")
        XCTAssertFalse(result.signalled, "\(command): killed by signal \(result.status)", line: line)
        XCTAssertNotEqual(result.status, 0, "\(command) exited 0", line: line)
        XCTAssertEqual(result.stderrLines.count, 1, "\(command): \(result.stderr)", line: line)
        XCTAssert(result.stderr.contains("\(corrupted): corrupted HDF5 file: libhdf5 crashed (SIGSEGV) while reading /"),
                  "\(command): \(result.stderr)", line: line)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outDir), [], "\(command) wrote output", line: line)
    }

    func testCorruptedModelIsRefusedByInspectPredictAndExport() throws {
        let (traces, model, outDir, damaged) = try makeFiles(damagingModel: true, references: 10)
        for bad in damaged {
            try assertRefused(["inspect", bad], file: bad, outDir: outDir)
            try assertRefused(["predict", bad, traces, "--out", outDir + "/p.h5"], file: bad, outDir: outDir)
            try assertRefused(["export", bad, "--format", "npz", "--out", outDir + "/export"], file: bad, outDir: outDir)
        }
        // The intact model still reads (the preflight passes sound files).
        try runSpinode(["inspect", model])
    }

    func testCorruptedTraceFileIsRefusedByFitSplitAndMerge() throws {
        let (traces, model, outDir, damaged) = try makeFiles(damagingModel: false, references: 3)
        for bad in damaged {
            try assertRefused(["inspect", bad], file: bad, outDir: outDir)
            try assertRefused(["fit", bad, "--out", outDir + "/m.h5", "--iterations", "2", "--quiet"], file: bad, outDir: outDir)
            try assertRefused(["predict", model, bad, "--out", outDir + "/p.h5"], file: bad, outDir: outDir)
            try assertRefused(["split", bad, "--at", "1e-8", "--out", outDir + "/s.h5"], file: bad, outDir: outDir)
            try assertRefused(["merge", traces + ":osc=a", bad, "--out", outDir + "/m.h5"], file: bad, outDir: outDir)
        }
    }
}
