import Foundation
import XCTest

/// `predict --precision float32` and `reservoir --precision float32` (the network in Float32 on the
/// fused RK4 kernel) on the bundled zero-order-hold spin-torque-oscillator model, and their refusals.
final class PredictPrecisionTests: XCTestCase {
    /// The held-out trace `test` (10,000 samples): the Float32 NRMSE within 1e-6 relative of the Float64
    /// one (not equal), the JSON naming the precision; a cubic model is refused with one line and no file.
    func testFloat32PredictionAndRefusal() throws {
        let root = repositoryRoot(), dir = try makeTemporaryDirectory(self)
        var nrmse = [String: Double]()
        for precision in ["float64", "float32"] {
            let result = try runSpinode(["predict", root + "/Models/spin-torque-oscillator.h5", root + "/Datasets/spin-torque-oscillator.h5",
                                         "--trace", "test", "--out", dir + "/\(precision).h5", "--precision", precision, "--json"])
            let json = try jsonObject(result.stdout)
            XCTAssertEqual(json["precision"] as? String, precision)
            let report = try XCTUnwrap((json["predictions"] as? [[String: Any]])?.first)
            let metric = try XCTUnwrap((report["metrics"] as? [[String: Any]])?.first)
            nrmse[precision] = try number(metric["nrmse"])
        }
        let a = try XCTUnwrap(nrmse["float64"]), b = try XCTUnwrap(nrmse["float32"])
        XCTAssertEqual(b, a, accuracy: 1e-6 * a)
        XCTAssertNotEqual(b, a)

        let refused = try runProcess(try spinode(), ["predict", root + "/Models/skyrmion-disk.h5", root + "/Datasets/skyrmion-disk.h5",
                                                     "--trace", "test", "--out", dir + "/cubic.h5", "--precision", "float32"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("Float32 prediction needs the fused kernel"), refused.stderr)
        XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/cubic.h5"))

        let reservoir = try runSpinode(["reservoir", "narma10", "--device", root + "/Models/spin-torque-oscillator.h5", "--nodes", "10",
                                        "--precision", "float32", "--json"])
        XCTAssertTrue((try jsonObject(reservoir.stdout)["source"] as? String)?.contains(", float32 network") ?? false, reservoir.stdout)

        let esn = try runProcess(try spinode(), ["reservoir", "narma10", "--device", "esn", "--nodes", "10", "--precision", "float32"])
        XCTAssertNotEqual(esn.status, 0)
        XCTAssertTrue(esn.stderr.contains("--precision float32 applies to a surrogate device MODEL.h5 only"), esn.stderr)
    }
}
