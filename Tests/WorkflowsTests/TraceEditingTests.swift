import Foundation
import Numerics
import TestSupport
import TraceIO
import Workflows
import XCTest

/// `TraceSplit` and `TraceMerge`: values bit for bit, extra attributes carried, one provenance line per edit.
final class TraceEditingTests: XCTestCase {
    /// A 10-sample trace on a 5 ps grid from t0 = 1 ns, one input, two outputs, one parameter, with a
    /// provenance line, a recorded spec text and a root note beyond the schema.
    func writeSource(_ path: String) throws -> Trace {
        var rng = SeededRandom(seed: 11)
        let trace = Trace(name: "run", sampling: .uniform(t0: 1e-9, dt: 5e-12),
                          inputs: Matrix(rows: 10, columns: 1) { _, _ in rng.normal() },
                          outputs: Matrix(rows: 10, columns: 2) { _, _ in rng.normal() }, parameters: [8e5],
                          inputNames: ["deltaKu1"], outputNames: ["mx", "mz"], parameterNames: ["Msat"],
                          inputUnits: ["J/m3"], outputUnits: ["", ""], parameterUnits: ["A/m"], description: "test run")
        let extra = ExtraTraceAttributes(others: [("spec", .string("[mesh]\nn = [4, 4, 1]"))], provenance: "simulated")
        try TraceFile.write([trace], to: path, rootAttributes: [("note", .string("root note"))], extras: ["run": extra],
                            notes: [:])
        return trace
    }

    func testSplitThenMergeRoundTrips() throws {
        let dir = try makeTemporaryDirectory(self)
        let source = try writeSource(dir + "/run.h5")
        // 1 ns + 3 x 5 ps, given 1e-8 of an interval early: still cuts at sample 3.
        let (name, parts) = try TraceSplit.split(dir + "/run.h5", trace: nil, at: 1.015e-9 - 5e-20, names: ["train", "test"],
                                                  out: dir + "/split.h5") { "split \($0)" }
        XCTAssertEqual(name, "run")
        XCTAssertEqual(parts.map(\.range), [0..<3, 3..<10])
        XCTAssertEqual(parts[1].firstTime, 1e-9 + 3 * 5e-12)

        let split = try TraceFile(path: dir + "/split.h5")
        XCTAssertEqual(split.traceNames, ["test", "train"])
        let train = try split.trace("train"), test = try split.trace("test")
        XCTAssertEqual(train.outputs.storage + test.outputs.storage, source.outputs.storage)
        XCTAssertEqual(train.inputs.storage + test.inputs.storage, source.inputs.storage)
        XCTAssertEqual(test.parameters, [8e5])
        XCTAssertEqual(test.description, "test run")
        XCTAssertEqual(try split.rootAttributes().first { $0.0 == "note" }?.1, .string("root note"))
        let extra = try split.extraAttributes(of: "test")
        XCTAssertEqual(extra.others.first?.1, .string("[mesh]\nn = [4, 4, 1]"))
        let lines = try XCTUnwrap(extra.provenance).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines[0], "simulated")
        XCTAssertTrue(lines[1].hasPrefix("split run: samples 3 ..< 10 of 10 of trace 'run'"), lines[1])

        let merged = try TraceMerge.merge([try TraceMerge.Source(dir + "/split.h5:train=a"), TraceMerge.Source(file: dir + "/split.h5", trace: "test")],
                                          out: dir + "/merged.h5")
        XCTAssertEqual(merged.map(\.trace.name), ["a", "test"])
        let back = try TraceFile(path: dir + "/merged.h5")
        var renamed = try back.trace("a")
        renamed.name = "train"
        XCTAssertEqual(renamed, train)
        XCTAssertEqual(try back.trace("test"), test)
        let mergedLines = try XCTUnwrap(back.extraAttributes(of: "a").provenance).split(separator: "\n")
        XCTAssertEqual(mergedLines.count, 3)
        XCTAssertEqual(String(mergedLines[2]), "spinode merge: trace 'train' of \(dir)/split.h5")
    }

    func testCutOutsideAndDuplicateNamesAreRefused() throws {
        let dir = try makeTemporaryDirectory(self)
        let source = try writeSource(dir + "/run.h5")
        XCTAssertEqual(try TraceSplit.cutIndex(of: source, at: 1e-9 + 9 * 5e-12, file: "f"), 9)   // the last sample
        for at in [0, 1e-9, 1.1e-9] {
            XCTAssertThrowsError(try TraceSplit.cutIndex(of: source, at: at, file: "f.h5")) { error in
                XCTAssertTrue("\(error)".hasPrefix("f.h5: /traces/run: cut at"), "\(error)")
            }
        }
        XCTAssertThrowsError(try TraceMerge.merge([TraceMerge.Source(file: dir + "/run.h5"), TraceMerge.Source(file: dir + "/run.h5")],
                                                  out: dir + "/twice.h5")) { error in
            XCTAssertTrue("\(error)".hasPrefix("merge: two traces named 'run'"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/twice.h5"))
        XCTAssertThrowsError(try TraceMerge.Source("a.h5:=b"))
        XCTAssertEqual(try TraceMerge.Source("x:y.h5:run=b"), TraceMerge.Source(file: "x:y.h5", trace: "run", name: "b"))
    }
}
