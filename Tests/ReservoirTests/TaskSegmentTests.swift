import Numerics
import Reservoir
import XCTest

/// `SegmentableTask.segment`: the short copy of a task that `spinode reservoir --compare` runs on a
/// reference device keeps the task's inputs (a prefix of the full task's) and scales its split.
final class TaskSegmentTests: XCTestCase {
    func testMackeyGlassSegmentIsAPrefixWithScaledSplit() throws {
        let full = MackeyGlassPrediction()
        let segment = try XCTUnwrap(try full.segment(samples: 200) as? MackeyGlassPrediction)
        // 200 of 10,000 samples: washout max(300 x 0.02, 200 / 10) = 20, train end 5000 x 0.02 = 100,
        // horizons up to 200 - 100 - 200 / 8 = 75.
        XCTAssertEqual(segment.length, 200)
        XCTAssertEqual(segment.discard, 20)
        XCTAssertEqual(segment.trainEnd, 100)
        XCTAssertEqual(segment.horizons, 0...75)
        let a = try full.inputSequences()[0], b = try segment.inputSequences()[0]
        XCTAssertEqual(Array(a.storage.prefix(200)), b.storage)
        XCTAssertThrowsError(try full.segment(samples: 20))
    }

    func testNARMA10AndCapacitySegmentsArePrefixes() throws {
        let tasks: [any SegmentableTask] = [NARMA10Emulation(seed: 3), MemoryCapacity(maxDelay: 10, seed: 3),
                                            ParityCheckCapacity(maxDelay: 5, seed: 3)]
        for task in tasks {
            let segment = try task.segment(samples: 400)
            let a = try task.inputSequences()[0], b = try segment.inputSequences()[0]
            XCTAssertEqual(b.rows, 400, task.name)
            XCTAssertEqual(Array(a.storage.prefix(400)), b.storage, task.name)
        }
        let narma = try XCTUnwrap(try NARMA10Emulation().segment(samples: 400) as? NARMA10Emulation)
        // 400 of 5,000: washout max(200 x 0.08, 40) = 40, train end 3000 x 0.08 = 240.
        XCTAssertEqual(narma.washout, 40)
        XCTAssertEqual(narma.trainEnd, 240)
    }

    func testSineSquareSegmentKeepsWholePeriods() throws {
        let segment = try XCTUnwrap(try SineSquareClassification().segment(samples: 805) as? SineSquareClassification)
        XCTAssertEqual(segment.periods, 100)
        XCTAssertEqual(segment.trainPeriods, 50)
        XCTAssertEqual(try segment.inputSequences()[0].rows, 800)
    }
}
