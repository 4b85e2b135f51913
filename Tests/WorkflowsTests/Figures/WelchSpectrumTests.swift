import Foundation
import Workflows
import XCTest

/// `WelchSpectrum`: the amplitude spectrum reads a sinusoid's peak amplitude in the signal's unit, and the
/// density integrates to the variance (Parseval), for a sine centred on a bin.
final class WelchSpectrumTests: XCTestCase {
    func testAmplitudeOfABinCentredSineIsItsAmplitude() {
        // a = 0.3 at f = 64 / (2048 dt): 64 whole periods per 2048-sample segment, so bin 64 exactly; the Hann
        // window's coherent gain is undone by dividing by sum w_n: A_64 = 2 |X_64| / sum w = a.
        let dt = 5e-12, a = 0.3, f = 64 / (2048 * dt)
        let signal = (0..<4096).map { 0.7 + a * cos(2 * Double.pi * f * Double($0) * dt + 0.4) }
        let s = WelchSpectrum(signal, sampleInterval: dt)
        XCTAssertEqual(s.segmentLength, 2048)
        XCTAssertEqual(s.segments, 3)   // overlapping by half: starts 0, 1024, 2048
        XCTAssertEqual(s.frequencies[64], f, accuracy: 1e-6 * f)
        XCTAssertEqual(s.amplitude[64], a, accuracy: 1e-12)
        // Hann leakage reaches the neighbouring bins only (a / 2 each), nothing beyond.
        XCTAssertEqual(s.amplitude[63], a / 2, accuracy: 1e-12)
        XCTAssertLessThan(s.amplitude[70], 1e-12)
        // Parseval: sum_k P_k / (L dt) = variance a^2 / 2, up to the window's spread of the one peak.
        let variance = s.density.reduce(0, +) / (Double(s.segmentLength) * dt)
        XCTAssertEqual(variance, a * a / 2, accuracy: 1e-3 * a * a)
    }
}
