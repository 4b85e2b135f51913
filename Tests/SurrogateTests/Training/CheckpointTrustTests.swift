import Foundation
import XCTest
import Numerics
import Surrogate

/// Fit checkpoints are checked on reading (issue 13, item 11): the contents digest refuses an edited
/// value, and every value is validated on its own (also without a digest), each with one line naming
/// the file and the key.
final class CheckpointTrustTests: XCTestCase {
    func options() -> FitOptions {
        var o = FitOptions()
        o.hidden = [6]
        o.batchSize = 4
        o.windowLength = 6
        o.iterations = 5
        o.validationInterval = 5
        return o
    }

    /// A checkpoint of 5 iterations written to a fresh file, and its JSON as a dictionary.
    func written() throws -> (path: String, json: [String: Any]) {
        let trace = try DrivenDuffing.trace(name: "a", samples: 80, sampleInterval: 0.25, amplitude: 1, seed: 1)
        let trainer = try SurrogateTrainer(traces: [trace], options: options())
        _ = try trainer.run()
        let dir = NSTemporaryDirectory() + "spinode-checkpoint-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/run.checkpoint.json"
        try trainer.checkpoint().write(to: path)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        return (path, json)
    }

    func rewrite(_ json: [String: Any], to path: String) throws {
        try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted]).write(to: URL(fileURLWithPath: path))
    }

    func assertRefused(_ path: String, saying expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try TrainingCheckpoint.read(from: path), file: file, line: line) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(path), "does not name the file: \(text)", file: file, line: line)
            XCTAssertTrue(text.contains(expected), "lacks '\(expected)': \(text)", file: file, line: line)
            XCTAssertFalse(text.contains("\n"), file: file, line: line)
        }
    }

    func testWrittenCheckpointCarriesDigestAndReadsBack() throws {
        let (path, json) = try written()
        let digest = try XCTUnwrap(json["contentSHA256"] as? String)
        XCTAssertEqual(digest.count, 64)
        let c = try TrainingCheckpoint.read(from: path)
        XCTAssertEqual(c.contentSHA256, digest)
        XCTAssertEqual(try c.contentDigest(), digest)
        XCTAssertEqual(c.iteration, 5)
        // Reformatting (a line break and indent after every comma) is not a change of contents.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: ",", with: ",\n  ").write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try TrainingCheckpoint.read(from: path), c)
    }

    /// The examples: iteration -5, a weight of 1e308. With the digest: refused as changed.
    func testEditedCheckpointIsRefusedByDigest() throws {
        var (path, json) = try written()
        json["iteration"] = -5
        try rewrite(json, to: path)
        assertRefused(path, saying: "contents digest mismatch (file changed after it was written)")

        (path, json) = try written()
        var parameters = json["parameters"] as! [Double]
        parameters[0] = 1e308
        json["parameters"] = parameters
        try rewrite(json, to: path)
        assertRefused(path, saying: "contents digest mismatch (file changed after it was written)")
    }

    /// Without a digest (a checkpoint from before digests, or one whose digest was deleted), every value
    /// is still checked.
    func testValuesAreCheckedWithoutDigest() throws {
        let cases: [(String, ([String: Any]) -> [String: Any], String)] = [
            ("iteration", { var j = $0; j["iteration"] = -5; return j }, "key 'iteration': -5 must be >= 0"),
            ("nan weight", { var j = $0; var p = j["parameters"] as! [Any]; p[2] = "nan"; j["parameters"] = p; return j },
             "key 'parameters'[2] = nan is not finite"),
            ("inf moment", { var j = $0; var p = j["adamSecondMoment"] as! [Any]; p[1] = "inf"; j["adamSecondMoment"] = p; return j },
             "key 'adamSecondMoment'[1] = inf is not finite"),
            ("negative moment", { var j = $0; var p = j["adamSecondMoment"] as! [Double]; p[0] = -1; j["adamSecondMoment"] = p; return j },
             "key 'adamSecondMoment'[0] = -1.0 must be >= 0"),
            ("short moments", { var j = $0; var p = j["adamFirstMoment"] as! [Double]; p.removeLast(); j["adamFirstMoment"] = p; return j },
             "key 'adamFirstMoment': has"),
            ("best beyond", { var j = $0; j["bestIteration"] = 9; return j }, "key 'bestIteration': 9 must be in 0 ... iteration 5"),
        ]
        for (label, edit, expected) in cases {
            var (path, json) = try written()
            json.removeValue(forKey: "contentSHA256")
            json = edit(json)
            try rewrite(json, to: path)
            assertRefused(path, saying: expected)
            _ = label
        }
        // Unedited and without a digest: accepted (a checkpoint written before digests existed).
        var (path, json) = try written()
        json.removeValue(forKey: "contentSHA256")
        try rewrite(json, to: path)
        XCTAssertNil(try TrainingCheckpoint.read(from: path).contentSHA256)
    }
}
