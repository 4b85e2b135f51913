import Devices
import Foundation
import Workflows
import XCTest

/// `DemoReference.shortened`: the demo prepares the micromagnetic reference briefly, never touching the
/// driven (recorded) stage. On the bundled spec (Datasets/specs/skyrmion-disk.toml): minimise, settle 1 ns,
/// then the recorded 150 ns run.
final class DemoReferenceTests: XCTestCase {
    static let spec = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Datasets/specs/skyrmion-disk.toml").path

    func runs(_ spec: SimulationSpec) -> [(duration: Double, record: Bool)] {
        spec.stages.compactMap { if case .run(let r) = $0 { return (r.duration, r.record) } else { return nil } }
    }

    func testSettlingIsCappedAndTheDrivenStageKept() throws {
        let spec = try SimulationSpec(contentsOf: Self.spec)
        XCTAssertEqual(runs(spec).map(\.duration), [1e-9, 150e-9])
        let short = DemoReference.shortened(spec, settle: 5e-11)
        XCTAssertEqual(runs(short).map(\.duration), [5e-11, 150e-9])
        XCTAssertEqual(runs(short).map(\.record), [false, true])
        XCTAssertEqual(short.stages.count, spec.stages.count)
    }

    func testZeroSettlingDropsTheSettlingRun() throws {
        let spec = try SimulationSpec(contentsOf: Self.spec)
        let short = DemoReference.shortened(spec, settle: 0)
        XCTAssertEqual(runs(short).map(\.duration), [150e-9])
        XCTAssertEqual(short.stages.count, spec.stages.count - 1)
    }
}
