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
}
