import Foundation
import XCTest

/// The oscillator trace file (300 samples) and a 2-iteration model (--hidden 8) fitted on it, in `dir`:
/// the smallest valid pair of trace and model files for tests of the commands that read them.
func importAndFitTinyModel(into dir: String, file: StaticString = #filePath, line: UInt = #line) throws
    -> (traces: String, model: String) {
    let traces = try importOscillator(DrivenOscillator(samples: 300), into: dir, file: file, line: line)
    let model = dir + "/model.h5"
    try runSpinode(["fit", traces, "--out", model, "--iterations", "2", "--hidden", "8", "--quiet"], file: file, line: line)
    return (traces, model)
}
