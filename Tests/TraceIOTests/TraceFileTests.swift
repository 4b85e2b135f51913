import Foundation
import Numerics
import TraceIO
import XCTest

/// Round trips of the trace schema (docs/trace-format.md) through HDF5, and interoperability
/// with h5py in both directions. Float64 storage is lossless, so values must match exactly.
final class TraceFileTests: XCTestCase {
    private func randomTrace(name: String, count: Int, inputs: Int, outputs: Int, parameters: Int,
                             uniform: Bool, seed: UInt64) -> Trace {
        var rng = SeededRandom(seed: seed)
        let dt = 5e-12
        let sampling: Trace.Sampling = uniform
            ? .uniform(t0: 1.5e-9, dt: dt)
            : .times((0..<count).map { 2e-9 + Double($0) * dt + Double.random(in: 0..<(0.1 * dt), using: &rng) })
        return Trace(
            name: name, sampling: sampling,
            inputs: Matrix(rows: count, columns: inputs) { _, _ in Double.random(in: -1...1, using: &rng) * 8e5 },
            outputs: Matrix(rows: count, columns: outputs) { _, _ in Double.random(in: -1...1, using: &rng) },
            parameters: (0..<parameters).map { _ in Double.random(in: 0...1, using: &rng) },
            inputNames: (0..<inputs).map { "Ku1.region\($0)" }, outputNames: (0..<outputs).map { "m\($0)" },
            parameterNames: (0..<parameters).map { "alpha\($0)" },
            inputUnits: Array(repeating: "J/m3", count: inputs), outputUnits: Array(repeating: "", count: outputs),
            parameterUnits: Array(repeating: "", count: parameters), description: "random test trace ü")
    }

    func testRoundTripIsExact() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir + "/traces.h5"
        let traces = [
            randomTrace(name: "uniform", count: 57, inputs: 2, outputs: 3, parameters: 2, uniform: true, seed: 1),
            randomTrace(name: "explicit", count: 31, inputs: 1, outputs: 1, parameters: 0, uniform: false, seed: 2),
            randomTrace(name: "undriven", count: 10, inputs: 0, outputs: 2, parameters: 1, uniform: true, seed: 3),
        ]
        try TraceFile.write(traces, to: path, description: "test file")
        let back = try TraceFile.read(path)
        XCTAssertEqual(back.map(\.name), ["explicit", "undriven", "uniform"])  // HDF5 name order
        for trace in traces {
            XCTAssertEqual(back.first { $0.name == trace.name }, trace, trace.name)
        }
        let root = try HDF5File.open(path).root
        XCTAssertEqual(try root.stringAttribute("format"), "spinode-traces")
        XCTAssertEqual(try root.integerAttribute("version"), 1)
        // No temporary left behind by the atomic write.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["traces.h5"])
    }

    func testWindowReadsMatchTheWholeTraceAndLargeDataIsCompressed() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir + "/long.h5"
        let long = randomTrace(name: "long", count: 20_000, inputs: 1, outputs: 2, parameters: 0, uniform: true, seed: 4)
        let jittered = randomTrace(name: "jittered", count: 9_000, inputs: 2, outputs: 1, parameters: 1, uniform: false, seed: 5)
        try TraceFile.write([long, jittered], to: path)
        let file = try TraceFile(path: path)
        for (start, count) in [(0, 20), (12_345, 20), (19_980, 20), (4_000, 5_000)] {
            XCTAssertEqual(try file.window("long", start: start, count: count), long.window(start: start, count: count))
        }
        XCTAssertEqual(try file.window("jittered", start: 8_190, count: 7), jittered.window(start: 8_190, count: 7))
        let outputs = try HDF5File.open(path).root.dataset("traces/long/outputs")
        XCTAssertEqual(outputs.shape, [20_000, 2])
        XCTAssertTrue(outputs.storageDescription.hasPrefix("chunked [512, 2] shuffle gzip"), outputs.storageDescription)
        XCTAssertTrue(outputs.storageDescription.contains("gzip"), outputs.storageDescription)
        let info = try file.info("long")
        XCTAssertEqual(info.count, 20_000)
        XCTAssertTrue(info.isUniform)
        XCTAssertEqual(info.meanInterval, 5e-12)
        XCTAssertEqual(info.lastTime, 1.5e-9 + 19_999 * 5e-12)
        assertTraceIOError(.invalidValue, file: path, object: "/traces/long") {
            _ = try file.window("long", start: 19_990, count: 20)
        }
    }

    /// h5py reads what we write: every value bit for bit (compared as float.hex), and the
    /// variable-length UTF-8 string attributes.
    func testH5pyReadsOurFiles() throws {
        guard let python = python(with: ["h5py", "numpy"]) else { throw XCTSkip("python3 with h5py not available") }
        let dir = try makeTemporaryDirectory(self)
        let path = dir + "/ours.h5"
        let trace = randomTrace(name: "run1", count: 5000, inputs: 1, outputs: 2, parameters: 1, uniform: false, seed: 6)
        try TraceFile.write([trace], to: path)
        let script = """
        import sys, h5py, json
        with h5py.File(sys.argv[1], 'r') as f:
            g = f['traces/run1']
            print(json.dumps({
                'format': f.attrs['format'], 'version': int(f.attrs['version']),
                't': [float(v).hex() for v in g['t'][:]],
                'outputs': [float(v).hex() for v in g['outputs'][:].ravel()],
                'inputs': [float(v).hex() for v in g['inputs'][:].ravel()],
                'parameters': [float(v).hex() for v in g['parameters'][:]],
                'output_names': list(g.attrs['output_names']), 'units': list(g.attrs['units']),
                'description': g.attrs['description'], 'compression': g['outputs'].compression}))
        """
        let out = try runPython(python, script, [path])
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        func hex(_ values: [Double]) -> [String] {
            values.map { v in
                // Python's float.hex format: [-]0x1.<13 hex digits>p<exp>
                if v == 0 { return v.sign == .minus ? "-0x0.0p+0" : "0x0.0p+0" }
                let mantissa = String(v.significandBitPattern, radix: 16)
                let padded = String(repeating: "0", count: 13 - mantissa.count) + mantissa
                let exp = v.exponent
                return (v < 0 ? "-" : "") + "0x1.\(padded)p\(exp >= 0 ? "+" : "")\(exp)"
            }
        }
        XCTAssertEqual(json["format"] as? String, "spinode-traces")
        XCTAssertEqual(json["version"] as? Int, 1)
        XCTAssertEqual(json["t"] as? [String], hex(trace.times))
        XCTAssertEqual(json["outputs"] as? [String], hex(trace.outputs.storage))
        XCTAssertEqual(json["inputs"] as? [String], hex(trace.inputs.storage))
        XCTAssertEqual(json["parameters"] as? [String], hex(trace.parameters))
        XCTAssertEqual(json["output_names"] as? [String], ["m0", "m1"])
        XCTAssertEqual(json["units"] as? [String], ["J/m3", "", "", ""])
        XCTAssertEqual(json["description"] as? String, "random test trace ü")
        XCTAssertEqual(json["compression"] as? String, "gzip")
    }

    /// We read what h5py writes: Float32 chunked gzip outputs of rank 1, Float64 inputs of rank 2,
    /// variable-length and fixed-length string attributes, integer version, uniform sampling.
    func testWeReadH5pyFiles() throws {
        guard let python = python(with: ["h5py", "numpy"]) else { throw XCTSkip("python3 with h5py not available") }
        let dir = try makeTemporaryDirectory(self)
        let path = dir + "/theirs.h5"
        let script = """
        import sys, h5py, numpy as np
        n = 3000
        with h5py.File(sys.argv[1], 'w') as f:
            f.attrs['format'] = 'spinode-traces'
            f.attrs['version'] = 1
            g = f.create_group('traces/run')
            g.attrs['t0'] = 0.0
            g.attrs['dt'] = np.float32(0.25)
            g.create_dataset('outputs', data=(np.arange(n) / 8.0).astype(np.float32), chunks=(256,), compression='gzip')
            g.create_dataset('inputs', data=np.stack([np.arange(n) * 0.5, -np.arange(n) * 2.0], axis=1))
            g.create_dataset('parameters', data=np.array([0.125], dtype=np.float32))
            g.attrs['input_names'] = ['B_extx', 'B_exty']
            g.attrs['output_names'] = np.array([b'mz'], dtype='S8')
            g.attrs['parameter_names'] = np.array([b'alpha'], dtype='S5')
            g.attrs['units'] = np.array([b'T', b'T', b'', b''], dtype='S3')
            g.attrs['description'] = np.bytes_(b'written by h5py')
        """
        try runPython(python, script, [path])
        let trace = try TraceFile.read(path, trace: "run")
        XCTAssertEqual(trace.count, 3000)
        XCTAssertEqual(trace.sampling, .uniform(t0: 0, dt: 0.25))
        XCTAssertEqual(trace.outputs.storage, (0..<3000).map { Double($0) / 8 })
        XCTAssertEqual(trace.inputs.row(7), [3.5, -14])
        XCTAssertEqual(trace.parameters, [0.125])
        XCTAssertEqual(trace.inputNames, ["B_extx", "B_exty"])
        XCTAssertEqual(trace.outputNames, ["mz"])
        XCTAssertEqual(trace.parameterNames, ["alpha"])
        XCTAssertEqual(trace.inputUnits, ["T", "T"])
        XCTAssertEqual(trace.outputUnits, [""])
        XCTAssertEqual(trace.description, "written by h5py")
        let window = try TraceFile(path: path).window("run", start: 1000, count: 300)
        XCTAssertEqual(window.outputs.storage, (1000..<1300).map { Double($0) / 8 })
        XCTAssertEqual(window.sampling, .uniform(t0: 250, dt: 0.25))
    }

    func testAttributesOfEveryKindRoundTrip() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir + "/attributes.h5"
        let values: [String: HDF5AttributeValue] = [
            "s": .string("skyrmion ∂"), "ss": .strings(["a", "", "ccc"]), "x": .number(-2.5e-12),
            "xs": .numbers([1, 2.5, .pi]), "i": .integer(-7), "is": .integers([50, 50, 2]),
        ]
        do {
            let file = try HDF5File.create(path)
            let group = try file.root.createGroup("g")
            for (name, value) in values { try group.setAttribute(name, value) }
            try group.setAttribute("i", 8)  // replacing keeps one attribute
            try file.close()
        }
        let group = try HDF5File.open(path).root.group("g")
        XCTAssertEqual(try group.attributeNames(), ["i", "is", "s", "ss", "x", "xs"])
        for (name, value) in values where name != "i" { XCTAssertEqual(try group.attribute(name), value, name) }
        XCTAssertEqual(try group.attribute("i"), .integer(8))
        XCTAssertEqual(try group.doubleAttribute("i"), 8)
        XCTAssertEqual(try group.integerArrayAttribute("is"), [50, 50, 2])
        assertTraceIOError(.wrongType, file: path, object: "/g attribute 's'") { _ = try group.doubleAttribute("s") }
        assertTraceIOError(.wrongType, file: path, object: "/g attribute 'x'") { _ = try group.stringAttribute("x") }
        assertTraceIOError(.wrongType, file: path, object: "/g attribute 'xs'") { _ = try group.integerArrayAttribute("xs") }
        assertTraceIOError(.missingObject, file: path, object: "/g attribute 'nope'") { _ = try group.stringAttribute("nope") }
    }
}
