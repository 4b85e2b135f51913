import Foundation
import Numerics
import TestSupport
import Workflows
import XCTest

/// `ReferenceStatesFile`: the `--compare-states` cache round-trips exactly and refuses another configuration.
final class ReferenceStatesFileTests: XCTestCase {
    func sample() -> ReferenceStatesFile {
        var rng = SeededRandom(seed: 7)
        let states = [Matrix(rows: 5, columns: 3) { _, _ in rng.normal() }, Matrix(rows: 4, columns: 3) { _, _ in rng.normal() }]
        return ReferenceStatesFile(states: states, wallSeconds: 12.5, sampleInterval: 5e-12, created: "2026-12-03T03:00:00Z",
                                   configuration: ["nodes": "3", "seed": "1", "reference": "spec.toml"])
    }

    func testRoundTripIsExact() throws {
        let path = try makeTemporaryDirectory(self) + "/states.h5"
        let written = sample()
        try written.write(to: path)
        let read = try ReferenceStatesFile.read(path, expecting: written.configuration)
        XCTAssertEqual(read.states.count, 2)
        for (a, b) in zip(read.states, written.states) {
            XCTAssertEqual(a.rows, b.rows)
            XCTAssertEqual(a.columns, b.columns)
            XCTAssertEqual(a.storage, b.storage)
        }
        XCTAssertEqual(read.wallSeconds, 12.5)
        XCTAssertEqual(read.sampleInterval, 5e-12)
        XCTAssertEqual(read.created, "2026-12-03T03:00:00Z")
    }

    func testAnotherConfigurationIsRefusedNamingTheEntry() throws {
        let path = try makeTemporaryDirectory(self) + "/states.h5"
        try sample().write(to: path)
        var other = sample().configuration
        other["seed"] = "2"
        XCTAssertThrowsError(try ReferenceStatesFile.read(path, expecting: other)) { error in
            XCTAssertTrue("\(error)".contains("recorded for seed = 1, this command has 2"), "\(error)")
        }
        other = sample().configuration
        other["hold"] = "2"
        XCTAssertThrowsError(try ReferenceStatesFile.read(path, expecting: other)) { error in
            XCTAssertTrue("\(error)".contains("recorded for hold = (absent)"), "\(error)")
        }
    }

    /// The cache: the first call runs and writes, the second reads the states back exactly without running,
    /// with the recorded wall time and where they came from.
    func testCachedRunsOnceThenReads() throws {
        let path = try makeTemporaryDirectory(self) + "/cache.h5"
        let states = sample().states
        var runs = 0, notes: [String] = []
        func cached() throws -> DeviceComparison.TimedStates {
            try ReferenceStatesFile.cached(at: path, reference: "spec.toml", configuration: ["seed": "1"],
                                           created: "2026-12-03T04:00:00Z", note: { notes.append($0) }) {
                runs += 1
                return DeviceComparison.TimedStates(states: states, wallSeconds: 3.25, sampleInterval: 5e-12)
            }
        }
        let first = try cached()
        XCTAssertNil(first.reusedFrom)
        let second = try cached()
        XCTAssertEqual(runs, 1)
        XCTAssertEqual(second.states.map(\.storage), states.map(\.storage))
        XCTAssertEqual(second.wallSeconds, 3.25)
        XCTAssertEqual(second.reusedFrom, "\(path) (recorded 2026-12-03T04:00:00Z)")
        XCTAssertEqual(notes, ["reference node states written to \(path)",
                               "reference spec.toml: node states read from \(path) (recorded 2026-12-03T04:00:00Z)"])
        let uncached = try ReferenceStatesFile.cached(at: nil, reference: "x", configuration: [:], created: "", note: { _ in }) {
            DeviceComparison.TimedStates(states: states, wallSeconds: 1, sampleInterval: 1)
        }
        XCTAssertNil(uncached.reusedFrom)
    }
}
