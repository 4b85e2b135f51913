import Foundation
import Numerics
import TraceIO
import XCTest

/// `spinode split`: the two parts concatenated are the original trace bit for bit (round trip), times
/// continue where the first part stops, attributes are carried over, and bad requests fail with one line.
final class SplitCommandTests: XCTestCase {
    /// A trace with two inputs, one output, two parameters, names, units and a description, values from a
    /// seeded generator (full-precision doubles, so a lossy copy would show).
    func sampleTrace(count: Int = 1000, sampling: Trace.Sampling = .uniform(t0: 1e-9, dt: 5e-12)) -> Trace {
        var random = SeededRandom(seed: 42)
        let inputs = Matrix(rows: count, columns: 2, storage: (0..<(2 * count)).map { _ in random.uniform() * 2e5 - 1e5 })
        let outputs = Matrix(rows: count, columns: 1, storage: (0..<count).map { _ in 0.6 + 0.05 * random.normal() })
        return Trace(name: "run", sampling: sampling, inputs: inputs, outputs: outputs, parameters: [580e3, 15e-12],
                     inputNames: ["deltaKu1", "a"], outputNames: ["mz"], parameterNames: ["Msat", "Aex"],
                     inputUnits: ["J/m3", ""], outputUnits: [""], parameterUnits: ["A/m", "J/m"],
                     description: "test trace\nsecond line")
    }

    func bits(_ values: [Double]) -> [UInt64] { values.map(\.bitPattern) }

    func testUniformSplitRoundTripsBitForBit() throws {
        let dir = try makeTemporaryDirectory(self)
        let source = dir + "/run.h5", out = dir + "/split.h5"
        let original = sampleTrace()
        try TraceFile.write([original], to: source, description: "made by SplitCommandTests")
        // Attributes beyond the schema, on the trace and on the root: carried over.
        let file = try HDF5File.open(source, writable: true)
        try file.root.setAttribute("regenerate", "scripts/make-datasets")
        try file.root.group("traces").group("run").setAttribute("provenance", "spinode simulate skyrmion-disk.toml")
        try file.root.group("traces").group("run").setAttribute("seed", 2022)
        try file.close()

        // 2e-9 s on the grid t = 1e-9 + i 5e-12 is sample 200 ((2e-9 - 1e-9) / 5e-12 = 200.00000000000003 in
        // floating point, not 200: within 1e-6 of a sample, so it counts as that sample's time).
        let result = try runSpinode(["split", source, "--trace", "run", "--at", "2e-9", "--names", "train,test", "--out", out, "--json"])
        let summary = try jsonObject(result.stdout)
        XCTAssertEqual(summary["cut_sample"] as? Int, 200)
        let parts = try TraceFile.read(out)
        XCTAssertEqual(parts.map(\.name).sorted(), ["test", "train"])
        let train = try XCTUnwrap(parts.first { $0.name == "train" }), test = try XCTUnwrap(parts.first { $0.name == "test" })
        XCTAssertEqual(train.count, 200)
        XCTAssertEqual(test.count, 800)
        XCTAssertEqual(train.sampling, .uniform(t0: 1e-9, dt: 5e-12))
        // The second part's t0 is the time of original sample 200, t0 + 200 dt.
        XCTAssertEqual(test.sampling, .uniform(t0: 1e-9 + 200 * 5e-12, dt: 5e-12))
        // Concatenation equals the original, bit for bit.
        XCTAssertEqual(bits(train.outputs.storage + test.outputs.storage), bits(original.outputs.storage))
        XCTAssertEqual(bits(train.inputs.storage + test.inputs.storage), bits(original.inputs.storage))
        for part in [train, test] {
            XCTAssertEqual(bits(part.parameters), bits(original.parameters))
            XCTAssertEqual(part.inputNames, original.inputNames)
            XCTAssertEqual(part.outputNames, original.outputNames)
            XCTAssertEqual(part.parameterNames, original.parameterNames)
            XCTAssertEqual(part.inputUnits + part.outputUnits + part.parameterUnits,
                           original.inputUnits + original.outputUnits + original.parameterUnits)
            XCTAssertEqual(part.description, original.description)
        }
        let written = try HDF5File.open(out)
        XCTAssertEqual(try written.root.stringAttribute("regenerate"), "scripts/make-datasets")
        XCTAssertEqual(try written.root.stringAttribute("description"), "made by SplitCommandTests")
        let group = try written.root.group("traces").group("test")
        XCTAssertEqual(try group.integerAttribute("seed"), 2022)
        let provenance = try group.stringAttribute("provenance")
        XCTAssertTrue(provenance.hasPrefix("spinode simulate skyrmion-disk.toml\nspinode split"), provenance)
        XCTAssertTrue(provenance.contains("samples 200 ..< 1000 of 1000 of trace 'run'"), provenance)
    }

    func testExplicitTimesSplitAtFirstSampleAtOrAfterTheCut() throws {
        let dir = try makeTemporaryDirectory(self)
        let source = dir + "/times.h5", out = dir + "/split.h5"
        // Jittered times t_i = i + 0.3 sin(i) (s): the cut at 10.5 s falls between t_10 = 9.84 and t_11 = 10.70.
        let times = (0..<40).map { Double($0) + 0.3 * sin(Double($0)) }
        let original = sampleTrace(count: 40, sampling: .times(times))
        try TraceFile.write([original], to: source)
        try runSpinode(["split", source, "--at", "10.5", "--names", "a,b", "--out", out])
        let a = try TraceFile.read(out, trace: "a"), b = try TraceFile.read(out, trace: "b")
        XCTAssertEqual(a.count, 11)
        XCTAssertEqual(b.count, 29)
        XCTAssertEqual(bits(a.times + b.times), bits(times))
        XCTAssertEqual(bits(a.outputs.storage + b.outputs.storage), bits(original.outputs.storage))
        XCTAssertEqual(bits(a.inputs.storage + b.inputs.storage), bits(original.inputs.storage))
    }

    func testBadRequestsFailWithOneLineAndNoFile() throws {
        let dir = try makeTemporaryDirectory(self)
        let source = dir + "/run.h5", out = dir + "/split.h5"
        let original = sampleTrace(count: 100, sampling: .uniform(t0: 0, dt: 1e-12))
        try TraceFile.write([original, { var t = original; t.name = "other"; return t }()], to: source)
        let cases: [([String], String)] = [
            (["split", dir + "/missing.h5", "--trace", "run", "--at", "5e-11", "--out", out], "no such file"),
            (["split", source, "--trace", "nope", "--at", "5e-11", "--out", out], "no trace 'nope'"),
            (["split", source, "--at", "5e-11", "--out", out], "choose one with --trace"),
            // The first sample is at 0 s, the last at 99e-12 s: both parts must keep at least one sample.
            (["split", source, "--trace", "run", "--at", "0", "--out", out], "leaves an empty part"),
            (["split", source, "--trace", "run", "--at=-1e-12", "--out", out], "leaves an empty part"),
            (["split", source, "--trace", "run", "--at", "1.000001e-10", "--out", out], "leaves an empty part"),
            (["split", source, "--trace", "run", "--at", "5e-11", "--names", "same,same", "--out", out], "two different"),
        ]
        for (arguments, expected) in cases {
            let result = try runProcess(try spinode(), arguments)
            let command = "spinode " + arguments.joined(separator: " ")
            XCTAssertNotEqual(result.status, 0, command)
            XCTAssertEqual(result.stderrLines.count, 1, "\(command): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(expected), "\(command): \(result.stderr)")
            XCTAssertTrue(result.stdout.isEmpty, command)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(command) left \(out)")
        }
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: dir)), ["run.h5"])  // no temporaries left
        // The last sample itself is a valid cut: the second part is that one sample.
        try runSpinode(["split", source, "--trace", "run", "--at", "99e-12", "--out", out])
        XCTAssertEqual(try TraceFile.read(out, trace: "test").count, 1)
    }

    /// --at-event: the cut is the first sample from which the condition holds to the end (a crossing that
    /// comes back is not a cut); an output the trace does not have, an event that never settles, and --at
    /// with --at-event are refused with one line before anything is written.
    func testSplitAtAnEvent() throws {
        let dir = try makeTemporaryDirectory(self)
        let source = dir + "/run.h5", out = dir + "/parts.h5"
        var trace = sampleTrace()
        // mz 0.6 +- noise; above 0.95 at samples 300-309 (comes back), then from 640 to the end.
        for i in 300..<310 { trace.outputs[i, 0] = 0.97 }
        for i in 640..<1000 { trace.outputs[i, 0] = 0.98 + 0.001 * Double(i % 3) }
        try TraceFile.write([trace], to: source)
        let summary = try jsonObject(try runSpinode(["split", source, "--at-event", "mz>0.95", "--names", "skyrmion,uniform",
                                                     "--out", out, "--json"]).stdout)
        XCTAssertEqual(summary["cut_sample"] as? Int, 640)
        XCTAssertEqual(summary["at_s"] as? Double, trace.time(640))
        XCTAssertEqual(summary["at_event"] as? String, "mz>0.95")
        let parts = try TraceFile.read(out)
        XCTAssertEqual(parts.first { $0.name == "skyrmion" }?.count, 640)
        XCTAssertEqual(parts.first { $0.name == "uniform" }?.count, 360)
        for (arguments, says) in [(["--at-event", "q>0.5"], "no output 'q'"), (["--at-event", "mz>0.99"], "does not hold to the end"),
                                  (["--at-event", "mz=1"], "NAME<VALUE"), (["--at", "2e-9", "--at-event", "mz>0.95"], "exactly one"),
                                  ([], "exactly one")] {
            let refused = dir + "/refused.h5"
            let r = try runProcess(try spinode(), ["split", source, "--out", refused] + arguments, timeout: 60)
            XCTAssertNotEqual(r.status, 0, "\(arguments)")
            XCTAssertTrue(r.stderr.contains(says), "\(arguments): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: refused), "\(arguments)")
        }
    }
}
