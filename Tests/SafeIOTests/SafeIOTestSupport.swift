import Foundation
import XCTest

/// A fresh temporary folder, removed by the test's teardown block.
func makeFolder(_ test: XCTestCase) throws -> String {
    let path = NSTemporaryDirectory() + "spinode-safeio-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

/// Names in `folder`, sorted.
func contents(_ folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
}
