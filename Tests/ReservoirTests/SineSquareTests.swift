import Reservoir
import XCTest

final class SineSquareTests: XCTestCase {
    /// Each 8-point period is one of the two waveforms and every step carries its period's label; both
    /// classes occur about equally (seeded coin).
    func testSignalConsistsOfLabelledPeriods() {
        let (input, labels) = SineSquareClassification.signal(periods: 400, seed: 9)
        XCTAssertEqual(input.count, 3200)
        var squares = 0
        for p in 0..<400 {
            let period = Array(input[(8 * p)..<(8 * p + 8)])
            let label = labels[8 * p]
            XCTAssertEqual(Array(labels[(8 * p)..<(8 * p + 8)]), [Int](repeating: label, count: 8))
            XCTAssertEqual(period, label == 1 ? SineSquareClassification.square : SineSquareClassification.sine)
            squares += label
        }
        XCTAssertEqual(Double(squares) / 400, 0.5, accuracy: 0.08)
    }
}
