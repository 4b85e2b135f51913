import Foundation
import Numerics
import TraceIO
import XCTest

/// Model files (docs/model-file.md): exact round trips and named errors for each broken part.
final class ModelFileTests: XCTestCase {
    /// A small model: k = 2, n_out = 1, augment = 1, n_in = 1, n_par = 1, widths 6 -> 5 -> 4 -> 3.
    static func sampleModel(seed: UInt64 = 7, interpolation: SurrogateModelFile.InputInterpolation = .zoh,
                            linear: Bool = true) -> SurrogateModelFile {
        var rng = SeededRandom(seed: seed)
        let widths = [6, 5, 4, 3]
        let activations: [SurrogateModelFile.Activation] = [.tanh, .softplus, .identity]
        let layers = (0..<3).map { l in
            SurrogateModelFile.Layer(
                weight: Matrix(rows: widths[l + 1], columns: widths[l]) { _, _ in 0.4 * rng.normal() },
                bias: (0..<widths[l + 1]).map { _ in 0.1 * rng.normal() }, activation: activations[l])
        }
        return SurrogateModelFile(
            embeddingOrder: 2, augment: 1, outputCount: 1, inputCount: 1, parameterCount: 1, layers: layers,
            inputInterpolation: interpolation, sampleInterval: 5e-12, outputNames: ["mz"], inputNames: ["Ku1"],
            parameterNames: ["alpha"], outputUnits: [""], inputUnits: ["J/m3"], parameterUnits: [""],
            normalisation: .init(outputMean: [0.91], outputStd: [0.05], inputMean: [8e5], inputStd: [1e5],
                                 parameterMean: [0.01], parameterStd: [0.002]),
            linearTerm: linear ? Matrix(rows: 3, columns: 3) { i, j in i == j ? -0.5 : 0.1 * Double(i - j) } : nil,
            provenance: .init(traceFile: "traces.h5", traceFileSHA256: String(repeating: "ab", count: 32),
                              traceNames: ["train", "validate"],
                              windows: [.init(trace: "train", start: 0, count: 20), .init(trace: "train", start: 517, count: 20),
                                        .init(trace: "validate", start: 3, count: 20)],
                              seed: 0xFEDC_BA98_7654_3210, optimiser: "adam",
                              optimiserSettings: ["learning_rate": 1e-3, "beta1": 0.9, "batch_size": 50],
                              metrics: ["train_mse": 1.25e-4, "validation_nrmse": 0.031],
                              toolkitVersion: "0.1.0", created: "2026-11-29T09:00:00Z"),
            trainingCommand: "spinode fit traces.h5 --seed 42")
    }

    /// FIPS 180-2 appendix B test vectors and a file hash.
    func testSHA256KnownAnswers() throws {
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // Streaming in uneven pieces equals one shot.
        var hasher = SHA256()
        let message = (0..<1000).map { UInt8($0 % 251) }
        for piece in stride(from: 0, to: 1000, by: 37) { hasher.update(message[piece..<min(piece + 37, 1000)]) }
        XCTAssertEqual(hasher.finalize(), {
            var h = SHA256(); h.update(message); return h.finalize()
        }())
        let dir = try makeTemporaryDirectory(self)
        try Data("abc".utf8).write(to: URL(fileURLWithPath: dir + "/abc.txt"))
        XCTAssertEqual(try SHA256.hexOfFile(dir + "/abc.txt"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testTimestampIsISO8601UTC() {
        // 1e9 s after the Unix epoch is 2001-09-09 01:46:40 UTC.
        XCTAssertEqual(SurrogateModelFile.Provenance.timestamp(Date(timeIntervalSince1970: 1e9)), "2001-09-09T01:46:40Z")
    }

    func testRoundTripIsExact() throws {
        let dir = try makeTemporaryDirectory(self)
        for (i, model) in [ModelFileTests.sampleModel(), ModelFileTests.sampleModel(seed: 8, interpolation: .cubic, linear: false)]
            .enumerated() {
            let path = dir + "/model\(i).h5"
            try model.write(to: path)
            XCTAssertEqual(try SurrogateModelFile.read(path), model)
        }
        let model = try SurrogateModelFile.read(dir + "/model0.h5")
        XCTAssertEqual(model.stateDimension, 3)
        XCTAssertEqual(model.networkInputDimension, 6)
        XCTAssertEqual(model.layerWidths, [6, 5, 4, 3])
        XCTAssertEqual(model.timeScale, 40 * 5e-12)
        XCTAssertEqual(model.provenance.seed, 0xFEDC_BA98_7654_3210)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), ["model0.h5", "model1.h5"])
    }

    /// Readers in Python see the documented layout.
    func testH5pyReadsTheDocumentedLayout() throws {
        guard let python = python(with: ["h5py", "numpy"]) else { throw XCTSkip("python3 with h5py not available") }
        let dir = try makeTemporaryDirectory(self)
        let model = ModelFileTests.sampleModel()
        try model.write(to: dir + "/m.h5")
        let out = try runPython(python, """
        import sys, h5py
        f = h5py.File(sys.argv[1], 'r')
        print(f.attrs['format'], int(f.attrs['version']), [int(v) for v in f.attrs['layer_widths']], list(f.attrs['activations']),
              f['mlp/layer2/weight'].shape, float(f['mlp/layer2/weight'][1, 3]).hex(), f.attrs['input_interpolation'],
              float(f['normalisation/input_std'][0]), f['provenance'].attrs['trace_file_sha256'][:4],
              float(f['provenance/optimiser'].attrs['learning_rate']), [int(v) for v in f['provenance/windows'][1]])
        """, [dir + "/m.h5"])
        let w = model.layers[1].weight[1, 3]
        let mantissa = String(w.significandBitPattern, radix: 16)
        let hex = (w < 0 ? "-" : "") + "0x1." + String(repeating: "0", count: 13 - mantissa.count) + mantissa
            + "p" + (w.exponent >= 0 ? "+" : "") + "\(w.exponent)"
        XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines),
                       "spinode-model 1 [6, 5, 4, 3] ['tanh', 'softplus', 'identity'] (4, 5) \(hex) zoh 100000.0 abab 0.001 [0, 517, 20]")
    }

    func testBrokenModelsAreNamed() throws {
        let dir = try makeTemporaryDirectory(self)
        let good = ModelFileTests.sampleModel()
        var m = good
        m.layers[1].weight = Matrix(rows: 4, columns: 4)
        assertTraceIOError(.invalidValue, file: dir + "/a.h5", object: "/mlp/layer2/weight") { try m.write(to: dir + "/a.h5") }
        m = good; m.layers[2].bias = [0, 0]
        assertTraceIOError(.lengthMismatch, file: dir + "/a.h5", object: "/mlp/layer3/bias") { try m.write(to: dir + "/a.h5") }
        m = good; m.layers[2].weight = Matrix(rows: 2, columns: 4); m.layers[2].bias = [0, 0]
        assertTraceIOError(.invalidValue, file: dir + "/a.h5", object: "state dimension") { try m.write(to: dir + "/a.h5") }
        m = good; m.normalisation.outputStd = [0]
        assertTraceIOError(.invalidValue, file: dir + "/a.h5", object: "/normalisation/output_std") { try m.write(to: dir + "/a.h5") }
        m = good; m.normalisation.inputMean = []
        assertTraceIOError(.lengthMismatch, file: dir + "/a.h5", object: "/normalisation/input_mean") { try m.write(to: dir + "/a.h5") }
        m = good; m.linearTerm = Matrix(rows: 2, columns: 2)
        assertTraceIOError(.invalidValue, file: dir + "/a.h5", object: "/linear_term") { try m.write(to: dir + "/a.h5") }
        m = good; m.layers[0].weight[0, 0] = .nan
        assertTraceIOError(.nonFinite, file: dir + "/a.h5", object: "/mlp/layer1/weight") { try m.write(to: dir + "/a.h5") }
        m = good; m.sampleInterval = 0
        assertTraceIOError(.invalidSampling, file: dir + "/a.h5", object: "sample_interval") { try m.write(to: dir + "/a.h5") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/a.h5"))

        // Files edited after writing: each problem is found on reading.
        func edited(_ name: String, _ edit: (HDF5Group) throws -> Void) throws -> String {
            let path = dir + "/" + name
            try good.write(to: path)
            let file = try HDF5File.open(path, writable: true)
            try edit(try file.root)
            try file.close()
            return path
        }
        let wrongFormat = try edited("f.h5") { try $0.setAttribute("format", "spinode-traces") }
        assertTraceIOError(.wrongFormat, file: wrongFormat, object: "/ attribute 'format'") { _ = try SurrogateModelFile.read(wrongFormat) }
        let v2 = try edited("v.h5") { try $0.setAttribute("version", 2) }
        assertTraceIOError(.wrongFormat, file: v2, object: "/ attribute 'version'") { _ = try SurrogateModelFile.read(v2) }
        let act = try edited("act.h5") { try $0.setAttribute("activations", ["tanh", "gelu", "identity"]) }
        assertTraceIOError(.invalidValue, file: act, object: "'gelu'") { _ = try SurrogateModelFile.read(act) }
        let interp = try edited("i.h5") { try $0.setAttribute("input_interpolation", "spline") }
        assertTraceIOError(.invalidValue, file: interp, object: "input_interpolation") { _ = try SurrogateModelFile.read(interp) }
        let widths = try edited("w.h5") { try $0.setAttribute("layer_widths", [6, 50, 4, 3]) }
        assertTraceIOError(.invalidValue, file: widths, object: "layer_widths") { _ = try SurrogateModelFile.read(widths) }
        let k3 = try edited("k.h5") { try $0.setAttribute("embedding_order", 3) }
        assertTraceIOError(.invalidValue, file: k3, object: "/mlp/layer1/weight") { _ = try SurrogateModelFile.read(k3) }
        let rank = try edited("r.h5") { try $0.group("mlp").createGroup("layer4") }
        assertTraceIOError(.lengthMismatch, file: rank, object: "activations") { _ = try SurrogateModelFile.read(rank) }
        let extra = try edited("extra.h5") { try $0.createGroup("extra") }
        XCTAssertEqual(try SurrogateModelFile.read(extra), good)  // unknown extra groups are ignored
        let intWeights = try edited("int.h5") { root in
            let layer = try root.group("mlp/layer1")
            try layer.removeMember("weight")
            try layer.createDataset("weight", shape: [5, 6], integers: Array(repeating: 1, count: 30))
        }
        assertTraceIOError(.wrongType, file: intWeights, object: "/mlp/layer1/weight") { _ = try SurrogateModelFile.read(intWeights) }
        let noBias = try edited("nobias.h5") { try $0.group("mlp/layer2").removeMember("bias") }
        assertTraceIOError(.missingObject, file: noBias, object: "/mlp/layer2/bias") { _ = try SurrogateModelFile.read(noBias) }
        let noNorm = try edited("nonorm.h5") { try $0.group("normalisation").removeMember("output_std") }
        assertTraceIOError(.missingObject, file: noNorm, object: "/normalisation/output_std") { _ = try SurrogateModelFile.read(noNorm) }
        assertTraceIOError(.wrongFormat, file: dir + "/m.h5", object: nil) {
            try TraceFile.write([Trace(name: "t", sampling: .uniform(t0: 0, dt: 1), inputs: Matrix(rows: 1, columns: 0),
                                       outputs: Matrix(rows: 1, columns: 1))], to: dir + "/m.h5")
            _ = try SurrogateModelFile.read(dir + "/m.h5")
        }
        assertTraceIOError(.fileNotFound, file: dir + "/none.h5", object: nil) { _ = try SurrogateModelFile.read(dir + "/none.h5") }
    }
}
