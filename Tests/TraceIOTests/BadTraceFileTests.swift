import CHDF5
import Foundation
import Numerics
import TraceIO
import XCTest

/// The bad-input corpus of docs/trace-format.md ("Errors"): each malformed file is generated
/// here (with the Swift writer, raw libhdf5 calls, and h5py when importable) and must fail with
/// the right `TraceIOError.Kind` and a one-line message naming the file and the object.
final class BadTraceFileTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws {
        dir = try makeTemporaryDirectory(self)
    }

    /// A file with valid root attributes and a group /traces/run filled by `fill`.
    private func makeFile(_ name: String, format: String = "spinode-traces", version: Int = 1,
                          fill: (HDF5Group) throws -> Void) throws -> String {
        let path = dir + "/" + name
        let file = try HDF5File.create(path)
        let root = try file.root
        try root.setAttribute("format", format)
        try root.setAttribute("version", version)
        let run = try root.createGroup("traces").createGroup("run")
        try fill(run)
        try file.close()
        return path
    }

    private func valid(_ g: HDF5Group, n: Int = 4) throws {
        try g.createDataset("t", shape: [n], values: (0..<n).map { Double($0) * 1e-12 })
        try g.createDataset("inputs", shape: [n], values: (0..<n).map { Double($0) })
        try g.createDataset("outputs", shape: [n, 2], values: (0..<(2 * n)).map { Double($0) })
    }

    private func expect(_ kind: TraceIOError.Kind, _ path: String, object: String?, line: UInt = #line) {
        assertTraceIOError(kind, file: path, object: object, { _ = try TraceFile.read(path) }, line: line)
    }

    func testFileLevelErrors() throws {
        expect(.fileNotFound, dir + "/absent.h5", object: nil)

        let text = dir + "/notes.h5"
        try "# t (s)\tmz ()\n0\t1\n".write(toFile: text, atomically: true, encoding: .utf8)
        expect(.notHDF5, text, object: nil)

        let empty = dir + "/empty.h5"
        FileManager.default.createFile(atPath: empty, contents: Data())
        expect(.notHDF5, empty, object: nil)

        // A valid file cut in half: the signature is there, the end of the file is not.
        let whole = try makeFile("whole.h5") { try valid($0, n: 5000) }
        let data = try Data(contentsOf: URL(fileURLWithPath: whole))
        let truncated = dir + "/truncated.h5"
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: truncated))
        expect(.unreadableFile, truncated, object: nil)

        let wrongFormat = try makeFile("model.h5", format: "spinode-model") { try valid($0) }
        expect(.wrongFormat, wrongFormat, object: "/ attribute 'format'")
        let wrongVersion = try makeFile("v2.h5", version: 2) { try valid($0) }
        expect(.wrongFormat, wrongVersion, object: "/ attribute 'version'")

        let noTraces = dir + "/no-traces.h5"
        do {
            let file = try HDF5File.create(noTraces)
            try file.root.setAttribute("format", "spinode-traces")
            try file.root.setAttribute("version", 1)
            try file.close()
        }
        expect(.missingObject, noTraces, object: "/traces")

        let noFormat = dir + "/plain.h5"
        do {
            let file = try HDF5File.create(noFormat)
            try file.root.createGroup("traces")
            try file.close()
        }
        expect(.wrongFormat, noFormat, object: "/ attribute 'format'")
    }

    func testMissingObjectsAndWrongShapes() throws {
        expect(.missingObject, try makeFile("no-outputs.h5") {
            try $0.createDataset("t", shape: [3], values: [0, 1, 2])
        }, object: "/traces/run/outputs")
        expect(.missingObject, try makeFile("no-time.h5") {
            try $0.createDataset("outputs", shape: [3], values: [0, 1, 2])
        }, object: "/traces/run/t")
        expect(.wrongRank, try makeFile("rank3.h5") {
            try $0.createDataset("t", shape: [3], values: [0, 1, 2])
            try $0.createDataset("outputs", shape: [3, 1, 1], values: [0, 1, 2])
        }, object: "/traces/run/outputs")
        expect(.wrongRank, try makeFile("t-rank2.h5") {
            try $0.createDataset("t", shape: [3, 1], values: [0, 1, 2])
            try $0.createDataset("outputs", shape: [3], values: [0, 1, 2])
        }, object: "/traces/run/t")
        expect(.lengthMismatch, try makeFile("short-t.h5") {
            try $0.createDataset("t", shape: [2], values: [0, 1])
            try $0.createDataset("outputs", shape: [3], values: [0, 1, 2])
        }, object: "/traces/run/t")
        expect(.lengthMismatch, try makeFile("short-inputs.h5") {
            try $0.createDataset("t", shape: [3], values: [0, 1, 2])
            try $0.createDataset("inputs", shape: [2, 2], values: [0, 1, 2, 3])
            try $0.createDataset("outputs", shape: [3], values: [0, 1, 2])
        }, object: "/traces/run/inputs")
        expect(.emptyTrace, try makeFile("empty-trace.h5") {
            try $0.createDataset("t", shape: [0], values: [])
            try $0.createDataset("outputs", shape: [0, 2], values: [])
        }, object: "/traces/run")
        expect(.lengthMismatch, try makeFile("names.h5") {
            try valid($0)
            try $0.setAttribute("output_names", ["mz"])
        }, object: "/traces/run attribute 'output_names'")
    }

    func testBadValues() throws {
        expect(.nonFinite, try makeFile("nan.h5") {
            try $0.createDataset("t", shape: [3], values: [0, 1, 2])
            try $0.createDataset("outputs", shape: [3], values: [0, .nan, 2])
        }, object: "/traces/run/outputs")
        expect(.nonFinite, try makeFile("inf.h5") {
            try $0.createDataset("t", shape: [3], values: [0, 1, 2])
            try $0.createDataset("inputs", shape: [3], values: [0, 1, -.infinity])
            try $0.createDataset("outputs", shape: [3], values: [0, 1, 2])
        }, object: "/traces/run/inputs")
        expect(.nonFinite, try makeFile("nan-t.h5") {
            try $0.createDataset("t", shape: [3], values: [0, .nan, 2])
            try $0.createDataset("outputs", shape: [3], values: [0, 1, 2])
        }, object: "/traces/run/t")
        let backwards = try makeFile("backwards.h5") {
            try $0.createDataset("t", shape: [4], values: [0, 1, 1, 3])
            try $0.createDataset("outputs", shape: [4], values: [0, 1, 2, 3])
        }
        expect(.nonIncreasingTime, backwards, object: "/traces/run/t")
        assertTraceIOError(.nonIncreasingTime, file: backwards, object: "t[2] = 1.0 s") { _ = try TraceFile.read(backwards) }
        expect(.invalidSampling, try makeFile("dt0.h5") {
            try $0.setAttribute("t0", 0.0)
            try $0.setAttribute("dt", 0.0)
            try $0.createDataset("outputs", shape: [3], values: [0, 1, 2])
        }, object: "/traces/run attribute 'dt'")
        expect(.invalidSampling, try makeFile("dt-negative.h5") {
            try $0.setAttribute("t0", 0.0)
            try $0.setAttribute("dt", -5e-12)
            try $0.createDataset("outputs", shape: [3], values: [0, 1, 2])
        }, object: "/traces/run attribute 'dt'")
        expect(.wrongType, try makeFile("integers.h5") {
            try $0.createDataset("t", shape: [3], values: [0, 1, 2])
            try $0.createDataset("outputs", shape: [3], integers: [0, 1, 2])
        }, object: "/traces/run/outputs")
        expect(.wrongType, try makeFile("dt-string.h5") {
            try $0.setAttribute("t0", 0.0)
            try $0.setAttribute("dt", "5 ps")
            try $0.createDataset("outputs", shape: [3], values: [0, 1, 2])
        }, object: "/traces/run attribute 'dt'")
    }

    /// Raw libhdf5: a variable-length string dataset where outputs should be, and Float32
    /// storage (which must read, converted exactly).
    func testRawLibHDF5Files() throws {
        func raw(_ name: String, _ body: (hid_t) -> Void) -> String {
            let path = dir + "/" + name
            spinode_H5_silence_errors()
            let file = H5Fcreate(path, spinode_H5F_ACC_TRUNC(), spinode_H5P_DEFAULT(), spinode_H5P_DEFAULT())
            let group = H5Gcreate2(file, "traces", spinode_H5P_DEFAULT(), spinode_H5P_DEFAULT(), spinode_H5P_DEFAULT())
            let run = H5Gcreate2(group, "run", spinode_H5P_DEFAULT(), spinode_H5P_DEFAULT(), spinode_H5P_DEFAULT())
            body(run)
            H5Gclose(run); H5Gclose(group); H5Fclose(file)
            // Root attributes through the wrapper.
            let f = try! HDF5File.open(path, writable: true)
            try! f.root.setAttribute("format", "spinode-traces")
            try! f.root.setAttribute("version", 1)
            try! f.close()
            return path
        }
        func dataset(_ loc: hid_t, _ name: String, type: hid_t, count: Int, _ buffer: UnsafeRawPointer) {
            var dims = [hsize_t(count)]
            let space = H5Screate_simple(1, &dims, nil)
            let d = H5Dcreate2(loc, name, type, space, spinode_H5P_DEFAULT(), spinode_H5P_DEFAULT(), spinode_H5P_DEFAULT())
            H5Dwrite(d, type, spinode_H5S_ALL(), spinode_H5S_ALL(), spinode_H5P_DEFAULT(), buffer)
            H5Dclose(d); H5Sclose(space)
        }
        let times: [Double] = [0, 1, 2]
        let strings = raw("strings.h5") { run in
            times.withUnsafeBytes { dataset(run, "t", type: spinode_H5T_NATIVE_DOUBLE(), count: 3, $0.baseAddress!) }
            let type = H5Tcopy(spinode_H5T_C_S1())
            H5Tset_size(type, spinode_H5T_VARIABLE())
            let texts: [UnsafeMutablePointer<CChar>?] = ["a", "b", "c"].map { (s: String) in strdup(s) }
            texts.withUnsafeBytes { dataset(run, "outputs", type: type, count: 3, $0.baseAddress!) }
            texts.forEach { free($0) }
            H5Tclose(type)
        }
        expect(.wrongType, strings, object: "/traces/run/outputs")

        let singles: [Float] = [0.1, -2.5, 3e-7]
        let float32 = raw("float32.h5") { run in
            times.withUnsafeBytes { dataset(run, "t", type: spinode_H5T_NATIVE_DOUBLE(), count: 3, $0.baseAddress!) }
            singles.withUnsafeBytes { dataset(run, "outputs", type: spinode_H5T_NATIVE_FLOAT(), count: 3, $0.baseAddress!) }
        }
        XCTAssertEqual(try TraceFile.read(float32, trace: "run").outputs.storage, singles.map { Double($0) })
    }

    /// h5py-written bad files: bytes strings and integer time stamps where numbers are expected.
    func testH5pyWrittenBadFiles() throws {
        guard let python = python(with: ["h5py", "numpy"]) else { throw XCTSkip("python3 with h5py not available") }
        let script = """
        import sys, h5py, numpy as np
        d = sys.argv[1]
        def base(name):
            f = h5py.File(d + '/' + name, 'w'); f.attrs['format'] = 'spinode-traces'; f.attrs['version'] = 1
            return f, f.create_group('traces/run')
        f, g = base('py-strings.h5'); g['t'] = [0.0, 1.0]; g['outputs'] = np.array([b'1.0', b'2.0']); f.close()
        f, g = base('py-int-time.h5'); g['t'] = np.array([0, 1, 2]); g['outputs'] = [0.0, 1.0, 2.0]; f.close()
        f, g = base('py-nan.h5'); g.attrs['t0'] = 0.0; g.attrs['dt'] = 1e-12
        g.create_dataset('outputs', data=np.r_[np.zeros(5000), np.nan], chunks=(512,), compression='gzip'); f.close()
        """
        try runPython(python, script, [dir])
        expect(.wrongType, dir + "/py-strings.h5", object: "/traces/run/outputs")
        expect(.wrongType, dir + "/py-int-time.h5", object: "/traces/run/t")
        expect(.nonFinite, dir + "/py-nan.h5", object: "/traces/run/outputs")
        assertTraceIOError(.nonFinite, file: dir + "/py-nan.h5", object: "index 5000") {
            _ = try TraceFile(path: self.dir + "/py-nan.h5").window("run", start: 4990, count: 11)
        }
        XCTAssertNoThrow(try TraceFile(path: dir + "/py-nan.h5").window("run", start: 4990, count: 10))
    }

    /// The writer validates before touching the disk and leaves no file behind on failure.
    func testWriterRefusesBadTraces() throws {
        let path = dir + "/out.h5"
        let good = Trace(name: "ok", sampling: .uniform(t0: 0, dt: 1e-12), inputs: Matrix(rows: 3, columns: 1),
                         outputs: Matrix(rows: 3, columns: 1))
        var nan = good; nan.name = "nan"; nan.outputs[1, 0] = .nan
        assertTraceIOError(.nonFinite, file: path, object: "/traces/nan/outputs") { try TraceFile.write([good, nan], to: path) }
        var dt = good; dt.sampling = .uniform(t0: 0, dt: -1)
        assertTraceIOError(.invalidSampling, file: path, object: "/traces/ok attribute 'dt'") { try TraceFile.write([dt], to: path) }
        var short = good; short.inputs = Matrix(rows: 2, columns: 1)
        assertTraceIOError(.lengthMismatch, file: path, object: "/traces/ok/inputs") { try TraceFile.write([short], to: path) }
        var empty = good; empty.outputs = Matrix(rows: 0, columns: 1); empty.inputs = Matrix(rows: 0, columns: 1)
        assertTraceIOError(.emptyTrace, file: path, object: "/traces/ok") { try TraceFile.write([empty], to: path) }
        assertTraceIOError(.invalidValue, file: path, object: "/traces/ok") { try TraceFile.write([good, good], to: path) }
        var slash = good; slash.name = "a/b"
        assertTraceIOError(.invalidValue, file: path, object: "/traces/a/b") { try TraceFile.write([slash], to: path) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
    }
}
