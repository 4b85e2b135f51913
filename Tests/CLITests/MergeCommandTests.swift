import Foundation
import Numerics
import TraceIO
import XCTest

/// `spinode merge`: traces of several files gathered into one, values bit for bit, renamed on request,
/// provenance extended; a name clash fails with one line and writes nothing.
final class MergeCommandTests: XCTestCase {
    func trace(_ name: String, seed: UInt64, count: Int) -> Trace {
        var random = SeededRandom(seed: seed)
        return Trace(name: name, sampling: .uniform(t0: 1e-9, dt: 5e-12),
                     inputs: Matrix(rows: count, columns: 1, storage: (0..<count).map { _ in random.uniform() * 1e5 }),
                     outputs: Matrix(rows: count, columns: 1, storage: (0..<count).map { _ in random.normal() }),
                     parameters: [], inputNames: ["deltaKu1"], outputNames: ["mz"], parameterNames: [],
                     inputUnits: ["J/m3"], outputUnits: [""], parameterUnits: [], description: "run \(seed)")
    }

    func testMergeCopiesRenamesAndRefusesClashes() throws {
        let dir = try makeTemporaryDirectory(self)
        let a = dir + "/a.h5", b = dir + "/b.h5", out = dir + "/merged.h5"
        let a1 = trace("train", seed: 1, count: 300), a2 = trace("test", seed: 2, count: 100), b1 = trace("train", seed: 3, count: 200)
        try TraceFile.write([a1, a2], to: a)
        try TraceFile.write([b1], to: b)
        let file = try HDF5File.open(b, writable: true)
        try file.root.group("traces").group("train").setAttribute("provenance", "spinode split b-run.h5")
        try file.close()

        _ = try runSpinode(["merge", a, b + ":train=b-train", "--out", out])
        let merged = try TraceFile.read(out)
        XCTAssertEqual(merged.map(\.name).sorted(), ["b-train", "test", "train"])
        for (name, original) in [("train", a1), ("test", a2), ("b-train", b1)] {
            let t = try XCTUnwrap(merged.first { $0.name == name })
            XCTAssertEqual(t.outputs.storage.map(\.bitPattern), original.outputs.storage.map(\.bitPattern), name)
            XCTAssertEqual(t.inputs.storage.map(\.bitPattern), original.inputs.storage.map(\.bitPattern), name)
            XCTAssertEqual(t.sampling, original.sampling, name)
            XCTAssertEqual(t.description, original.description, name)
        }
        let provenance = try HDF5File.open(out).root.group("traces").group("b-train").stringAttribute("provenance")
        XCTAssertEqual(provenance, "spinode split b-run.h5\nspinode merge: trace 'train' of \(b)")

        // Without the rename both files have a 'train': refused, nothing written.
        let clash = dir + "/clash.h5"
        let p = try runProcess(try spinode(), ["merge", a, b, "--out", clash])
        XCTAssertNotEqual(p.status, 0)
        XCTAssertTrue(p.stderr.contains("two traces named 'train'"), p.stderr)
        XCTAssertEqual(p.stderr.split(separator: "\n").count, 1, p.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: clash))
        let missing = try runProcess(try spinode(), ["merge", a + ":nope", "--out", clash])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("no trace 'nope'"), missing.stderr)
    }
}
