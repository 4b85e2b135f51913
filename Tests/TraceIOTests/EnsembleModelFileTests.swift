import CHDF5
import Foundation
import Numerics
import TraceIO
import XCTest

/// Ensemble model files (docs/model-file.md, "Ensembles"): exact round trips, members as single models,
/// refusal of members that differ in more than their weights, and each member's weights digest checked.
final class EnsembleModelFileTests: XCTestCase {
    static let trust = SurrogateModelFile.TrustCalibration(spreadThreshold: 0.062, margin: 2, calibrationMaxSpread: 0.031,
                                                           calibrationSamples: 1999, calibrationData: "tail of train")

    /// Three fits of the same configuration: ModelFileTests.sampleModel with the weights of seeds 7, 8, 9.
    static func members() -> [SurrogateModelFile] {
        [7, 8, 9].map { (seed: UInt64) in
            var m = ModelFileTests.sampleModel()
            m.layers = ModelFileTests.sampleModel(seed: seed).layers
            m.provenance.seed = seed
            m.provenance.metrics = ["validation_nrmse": Double(seed) / 100]
            return m
        }
    }

    func testEnsembleRoundTripAndMembers() throws {
        let dir = try makeTemporaryDirectory(self)
        let parts = Self.members()
        let ensemble = try SurrogateModelFile.ensemble(of: parts, trust: Self.trust)
        XCTAssertEqual(ensemble.memberCount, 3)
        try ensemble.write(to: dir + "/e.h5")
        let (read, check) = try SurrogateModelFile.readChecked(dir + "/e.h5")
        XCTAssertEqual(read, ensemble)
        XCTAssertEqual(check, .verified(parts[0].weightsDigest))
        XCTAssertEqual(read.trust, Self.trust)
        // Each member is the fit it came from (an ensemble carries no ensemble of its own members).
        for i in 0..<3 {
            XCTAssertEqual(try read.member(i), parts[i])
        }
        XCTAssertThrowsError(try read.member(3))
        // A single model is an ensemble of one: member 0 is itself.
        XCTAssertEqual(parts[0].memberCount, 1)
        XCTAssertEqual(try parts[0].member(0), parts[0])
        // Combining an ensemble with a further model appends its members after the ensemble's.
        let four = try SurrogateModelFile.ensemble(of: [ensemble, parts[1]], trust: nil)
        XCTAssertEqual(four.memberCount, 4)
        XCTAssertEqual(try four.member(3).layers, parts[1].layers)
        XCTAssertEqual(try four.member(2).layers, parts[2].layers)
        XCTAssertNil(four.trust)
        // The root of an ensemble file is a complete single model: readers that ignore /ensemble see member 0.
        let root = try HDF5File.open(dir + "/e.h5").root
        XCTAssertEqual(try root.group("mlp/layer1").dataset("weight").readDoubles(), parts[0].layers[0].weight.storage)
        XCTAssertEqual(try root.group("ensemble").integerAttribute("n_members"), 3)
        XCTAssertEqual(try root.group("ensemble/member3/mlp/layer2").dataset("bias").readDoubles(), parts[2].layers[1].bias)
    }

    /// Members that differ in anything but their weights, seeds and metrics are refused, naming the member.
    func testMembersOfDifferentFitsAreRefused() throws {
        var parts = Self.members()
        parts[1].normalisation.outputStd = [0.06]
        XCTAssertThrowsError(try SurrogateModelFile.ensemble(of: parts, trust: nil, names: ["a.h5", "b.h5", "c.h5"])) { error in
            XCTAssertTrue("\(error)".contains("b.h5"), "\(error)")
            XCTAssertTrue("\(error)".contains("differs from the first member in more than its weights"), "\(error)")
        }
        parts = Self.members()
        parts[2].layers[2].activation = .tanh
        XCTAssertThrowsError(try SurrogateModelFile.ensemble(of: parts, trust: nil)) { error in
            XCTAssertTrue("\(error)".contains("differs from the first member's"), "\(error)")
        }
        // A calibration needs at least two members.
        XCTAssertThrowsError(try SurrogateModelFile.ensemble(of: [parts[0]], trust: Self.trust))
    }

    /// A member's weight changed after writing is refused by its own digest, naming the member.
    func testEditedMemberIsRefused() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir + "/e.h5"
        try SurrogateModelFile.ensemble(of: Self.members(), trust: Self.trust).write(to: path)
        let file = try HDF5File.open(path, writable: true)
        let layer = try file.root.group("ensemble/member2/mlp/layer1")
        var weight = try layer.dataset("weight").readDoubles()
        weight[3] = weight[3].nextUp
        try layer.removeMember("weight")
        try layer.createDataset("weight", shape: [5, 6], values: weight)
        try file.close()
        XCTAssertThrowsError(try SurrogateModelFile.read(path)) { error in
            XCTAssertTrue("\(error)".contains("/ensemble/member2 attribute 'weights_sha256'"), "\(error)")
            XCTAssertTrue("\(error)".contains("weights digest mismatch"), "\(error)")
        }
    }

    /// A member with a missing group or a wrongly shaped layer is refused with the object named.
    func testBrokenEnsembleGroupIsRefused() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir + "/e.h5"
        try SurrogateModelFile.ensemble(of: Self.members(), trust: Self.trust).write(to: path)
        let file = try HDF5File.open(path, writable: true)
        try file.root.group("ensemble").setAttribute("n_members", 4)
        try file.close()
        XCTAssertThrowsError(try SurrogateModelFile.read(path)) { error in
            XCTAssertTrue("\(error)".contains("/ensemble/member4"), "\(error)")
        }
    }

    /// scripts/model_digest.py (h5py) recomputes the root's and every further member's digest.
    func testPythonRecomputesMemberDigests() throws {
        guard let python = python(with: ["h5py", "numpy"]) else { throw XCTSkip("python3 with h5py not available") }
        let dir = try makeTemporaryDirectory(self)
        let ensemble = try SurrogateModelFile.ensemble(of: Self.members(), trust: Self.trust)
        try ensemble.write(to: dir + "/e.h5")
        let result = try runProcess(python, [repositoryRoot() + "/scripts/model_digest.py", dir + "/e.h5"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").map(String.init),
                       [ensemble.weightsDigest, "member2 " + (try ensemble.member(1).weightsDigest),
                        "member3 " + (try ensemble.member(2).weightsDigest)])
    }
}
