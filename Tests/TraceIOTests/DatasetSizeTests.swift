import CHDF5
import Foundation
import Numerics
import TraceIO
import XCTest

/// Datasets whose claimed shape the file cannot hold, or the machine's memory cannot, are refused
/// before any value is read (issue 13, item 13: a 7.9 KB file claiming 3e9 samples aborted with
/// "failed to allocate"; 3e8 used 2.4 GB). The files are written here with raw libhdf5 calls: a
/// dataset created and never written is a valid HDF5 file of a few KB whatever its shape.
final class DatasetSizeTests: XCTestCase {
    private var dir = ""
    override func setUpWithError() throws { dir = try makeTemporaryDirectory(self) }

    /// A trace file whose /traces/run/outputs has shape [samples] and is never written; `chunked`
    /// stores it in chunks of 1024 values (none written), else contiguous (late allocation, the default).
    private func claimingFile(_ name: String, samples: UInt64, chunked: Bool) throws -> String {
        let path = dir + "/" + name
        spinode_H5_silence_errors()
        let file = H5Fcreate(path, spinode_H5F_ACC_TRUNC(), spinode_H5P_DEFAULT(), spinode_H5P_DEFAULT())
        XCTAssertGreaterThanOrEqual(file, 0)
        let group = H5Gcreate2(file, "traces", spinode_H5P_DEFAULT(), spinode_H5P_DEFAULT(), spinode_H5P_DEFAULT())
        let run = H5Gcreate2(group, "run", spinode_H5P_DEFAULT(), spinode_H5P_DEFAULT(), spinode_H5P_DEFAULT())
        var dims: [hsize_t] = [samples]
        let space = H5Screate_simple(1, &dims, nil)
        let properties = H5Pcreate(spinode_H5P_DATASET_CREATE())
        if chunked {
            var chunk: [hsize_t] = [1024]
            H5Pset_chunk(properties, 1, &chunk)
        }
        let dataset = H5Dcreate2(run, "outputs", spinode_H5T_NATIVE_DOUBLE(), space, spinode_H5P_DEFAULT(), properties,
                                 spinode_H5P_DEFAULT())
        XCTAssertGreaterThanOrEqual(dataset, 0)
        let attributeSpace = H5Screate(H5S_SCALAR)
        for (name, value) in [("t0", 0.0), ("dt", 5e-12)] {
            let attribute = H5Acreate2(run, name, spinode_H5T_NATIVE_DOUBLE(), attributeSpace, spinode_H5P_DEFAULT(),
                                       spinode_H5P_DEFAULT())
            var v = value
            H5Awrite(attribute, spinode_H5T_NATIVE_DOUBLE(), &v)
            H5Aclose(attribute)
        }
        H5Sclose(attributeSpace)
        H5Dclose(dataset); H5Pclose(properties); H5Sclose(space); H5Gclose(run); H5Gclose(group)
        H5Fclose(file)
        let h = try HDF5File.open(path, writable: true)
        let r = try h.root
        try r.setAttribute("format", TraceFile.format)
        try r.setAttribute("version", TraceFile.version)
        try h.close()
        return path
    }

    func testNeverWrittenContiguousDatasetClaimingBillionsIsRefused() throws {
        for samples: UInt64 in [3_000_000_000, 300_000_000] {
            let path = try claimingFile("claims-\(samples).h5", samples: samples, chunked: false)
            let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            XCTAssertLessThan(size, 10_000, "the test file should be a few KB")
            assertTraceIOError(.tooLarge, file: path, object: "/traces/run/outputs") { _ = try TraceFile.read(path) }
            do {
                _ = try TraceFile.read(path)
            } catch {
                let text = "\(error)"
                XCTAssertTrue(text.contains("claims \(samples) values"), text)
                XCTAssertTrue(text.contains(ByteCount(Double(samples) * 8).description), text)
                XCTAssertTrue(text.contains("never written"), text)
            }
        }
    }

    func testChunkedDatasetWithUnwrittenChunksIsRefused() throws {
        let path = try claimingFile("chunked.h5", samples: 3_000_000_000, chunked: true)
        assertTraceIOError(.tooLarge, file: path, object: "only 0 of its 2929688 chunks were written") {
            _ = try TraceFile.read(path)
        }
        // A window read is refused the same way: the fill values would be wrong data.
        assertTraceIOError(.tooLarge, file: path, object: "/traces/run/outputs") {
            _ = try TraceFile(path: path).window("run", start: 0, count: 10)
        }
    }

    /// A consistent dataset larger than the memory said to be available: refused with both sizes.
    func testReadLargerThanAvailableMemoryIsRefused() throws {
        let path = dir + "/small.h5"
        let values = (0..<5000).map(Double.init)
        let trace = Trace(name: "run", sampling: .uniform(t0: 0, dt: 1e-12), inputs: Matrix(rows: 5000, columns: 0),
                          outputs: Matrix(rows: 5000, columns: 1, storage: values))
        try TraceFile.write([trace], to: path)
        let dataset = try HDF5File.open(path).root.group("traces/run").dataset("outputs")
        XCTAssertNoThrow(try dataset.checkReadable(values: 5000, availableMemory: { 1_000_000 }, threshold: 0))
        assertTraceIOError(.tooLarge, file: path, object: "more than the 1.0 KB of memory available (MemAvailable)") {
            try dataset.checkReadable(values: 5000, availableMemory: { 1000 }, threshold: 0)
        }
        assertTraceIOError(.tooLarge, file: path, object: "claims 5000 values (40 KB as Float64)") {
            try dataset.checkReadable(values: 5000, availableMemory: { 1000 }, threshold: 0)
        }
        // The whole file still reads (its 40 KB are below the default threshold and any real machine's memory).
        XCTAssertEqual(try TraceFile.read(path, trace: "run").outputs.storage, values)
    }

    /// A window whose end overflows Int is refused as outside the trace (start + count trapped before).
    func testWindowOfHugeCountIsRefused() throws {
        let path = dir + "/w.h5"
        let trace = Trace(name: "run", sampling: .uniform(t0: 0, dt: 1e-12), inputs: Matrix(rows: 3, columns: 0),
                          outputs: Matrix(rows: 3, columns: 1, storage: [1, 2, 3]))
        try TraceFile.write([trace], to: path)
        let file = try TraceFile(path: path)
        assertTraceIOError(.invalidValue, file: path, object: "outside the trace's 3 samples") {
            _ = try file.window("run", start: 1, count: Int.max)
        }
        XCTAssertEqual(try file.window("run", start: 1, count: 2).outputs.storage, [2, 3])
    }

    func testAvailableMemoryIsReadOnLinux() throws {
        let bytes = try XCTUnwrap(AvailableMemory.bytes(), "/proc/meminfo has MemAvailable on Linux")
        XCTAssertGreaterThan(bytes, 1 << 20)
        XCTAssertEqual(ByteCount(24_000_000_000).description, "24 GB")
        XCTAssertEqual(ByteCount(7_900).description, "7.9 KB")
        XCTAssertEqual(ByteCount(512).description, "512 B")
    }
}
