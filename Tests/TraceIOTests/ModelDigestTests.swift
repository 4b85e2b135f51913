import CHDF5
import Foundation
import Numerics
import TraceIO
import XCTest

/// The weights digest of model files (docs/model-file.md, "Weights digest"): written, verified on every
/// read, an edit of any covered value refused, files without one read unverified, and recomputable from
/// h5py with scripts/model_digest.py.
final class ModelDigestTests: XCTestCase {
    static let mismatch = "weights digest mismatch (file changed after it was written)"

    /// `good` written to `dir/name`, then edited in place through the HDF5 API.
    func edited(_ good: SurrogateModelFile, _ dir: String, _ name: String, _ edit: (HDF5Group) throws -> Void) throws -> String {
        let path = dir + "/" + name
        try good.write(to: path)
        let file = try HDF5File.open(path, writable: true)
        try edit(try file.root)
        try file.close()
        return path
    }

    func testWrittenDigestIsStoredAndVerified() throws {
        let dir = try makeTemporaryDirectory(self)
        let model = ModelFileTests.sampleModel()
        try model.write(to: dir + "/m.h5")
        let digest = model.weightsDigest
        XCTAssertEqual(digest.count, 64)
        XCTAssertTrue(digest.allSatisfy { "0123456789abcdef".contains($0) }, digest)
        XCTAssertEqual(try HDF5File.open(dir + "/m.h5").root.stringAttribute("weights_sha256"), digest)
        let (read, check) = try SurrogateModelFile.readChecked(dir + "/m.h5")
        XCTAssertEqual(read, model)
        XCTAssertEqual(check, .verified(digest))
    }

    /// Each covered value, changed after writing (a weight to 1e308, a bias, a normalisation std, the time
    /// scale, a channel name, the interpolation), makes the read fail with one line naming the file.
    func testEditedModelIsRefused() throws {
        let dir = try makeTemporaryDirectory(self)
        let good = ModelFileTests.sampleModel()
        func replaced(_ group: HDF5Group, _ name: String, shape: [Int], _ values: [Double]) throws {
            try group.removeMember(name)
            try group.createDataset(name, shape: shape, values: values)
        }
        var weight = good.layers[0].weight.storage
        weight[0] = 1e308
        let edits: [(String, (HDF5Group) throws -> Void)] = [
            ("weight.h5", { try replaced(try $0.group("mlp/layer1"), "weight", shape: [5, 6], weight) }),
            ("bias.h5", { root in
                var bias = good.layers[2].bias
                bias[1] = bias[1].nextUp
                try replaced(try root.group("mlp/layer3"), "bias", shape: [3], bias)
            }),
            ("std.h5", { try replaced(try $0.group("normalisation"), "output_std", shape: [1], [0.06]) }),
            ("scale.h5", { try $0.setAttribute("time_scale", 2 * good.timeScale) }),
            ("names.h5", { try $0.setAttribute("output_names", ["mx"]) }),
            ("interp.h5", { try $0.setAttribute("input_interpolation", "linear") }),
            ("linear.h5", { try replaced($0, "linear_term", shape: [3, 3], Array(repeating: 0, count: 9)) }),
        ]
        for (name, edit) in edits {
            let path = try edited(good, dir, name, edit)
            do {
                _ = try SurrogateModelFile.read(path)
                XCTFail("\(name): an edited model was read")
            } catch let error as TraceIOError {
                XCTAssertEqual(error.kind, .invalidValue, name)
                XCTAssertEqual(error.object, "/ attribute 'weights_sha256'", name)
                XCTAssertTrue(error.description.hasPrefix(path + ": "), error.description)
                XCTAssertTrue(error.description.contains(Self.mismatch), error.description)
                XCTAssertFalse(error.description.contains("\n"))
            }
        }
        // Provenance is descriptive and not covered: editing a metric keeps the model readable.
        let metrics = try edited(good, dir, "metrics.h5") { try $0.group("provenance/metrics").setAttribute("train_mse", 1.0) }
        XCTAssertEqual(try SurrogateModelFile.readChecked(metrics).digest, .verified(good.weightsDigest))
    }

    /// A model file written before digests existed (no `/@weights_sha256`) is read, reported unverified.
    func testFileWithoutDigestIsReadUnverified() throws {
        let dir = try makeTemporaryDirectory(self)
        let good = ModelFileTests.sampleModel()
        let path = dir + "/old.h5"
        try good.write(to: path)
        let file = H5Fopen(path, spinode_H5F_ACC_RDWR(), spinode_H5P_DEFAULT())
        XCTAssertGreaterThanOrEqual(file, 0)
        XCTAssertGreaterThanOrEqual(H5Adelete_by_name(file, "/", "weights_sha256", spinode_H5P_DEFAULT()), 0)
        H5Fclose(file)
        XCTAssertFalse(try HDF5File.open(path).root.hasAttribute("weights_sha256"))
        let (read, check) = try SurrogateModelFile.readChecked(path)
        XCTAssertEqual(read, good)
        XCTAssertEqual(check, .absent)
    }

    /// Every covered field moves the digest, also by one ulp or the sign of a zero.
    func testDigestCoversEveryField() {
        let good = ModelFileTests.sampleModel()
        var variants: [SurrogateModelFile] = []
        var m = good; m.sampleInterval = m.sampleInterval.nextUp; variants.append(m)
        m = good; m.timeScale = m.timeScale.nextDown; variants.append(m)
        m = good; m.layers[1].weight[2, 3] = m.layers[1].weight[2, 3].nextUp; variants.append(m)
        m = good; m.layers[1].bias[0] = 0; variants.append(m)
        var z = m; z.layers[1].bias[0] = -0.0; variants.append(z)
        m = good; m.layers[1].activation = .tanh; variants.append(m)
        m = good; m.inputUnits = ["T"]; variants.append(m)
        m = good; m.parameterNames = ["alpha2"]; variants.append(m)
        m = good; m.normalisation.parameterMean = [0.011]; variants.append(m)
        m = good; m.linearTerm = nil; variants.append(m)
        m = good; m.inputInterpolation = .cubic; variants.append(m)
        let digests = Set(([good] + variants).map(\.weightsDigest))
        XCTAssertEqual(digests.count, variants.count + 1)
        // Provenance and the command are not covered.
        m = good; m.provenance.metrics["train_mse"] = 1; m.trainingCommand = "edited"
        XCTAssertEqual(m.weightsDigest, good.weightsDigest)
    }

    /// scripts/model_digest.py (h5py, hashlib) recomputes the stored digest from the documented bytes.
    func testPythonRecomputesTheDocumentedDigest() throws {
        guard let python = python(with: ["h5py", "numpy"]) else { throw XCTSkip("python3 with h5py not available") }
        let dir = try makeTemporaryDirectory(self)
        for (i, model) in [ModelFileTests.sampleModel(), ModelFileTests.sampleModel(seed: 9, interpolation: .cubic, linear: false)]
            .enumerated() {
            let path = dir + "/m\(i).h5"
            try model.write(to: path)
            let result = try runProcess(python, [repositoryRoot() + "/scripts/model_digest.py", path])
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertEqual(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines), model.weightsDigest)
        }
    }
}
