import Foundation
import TraceIO
import XCTest

/// `HDF5Walk`, the read-through the HDF5 preflight runs in a child process: it visits every group, dataset
/// and attribute and announces each step before taking it (so a crash names the object), and it collects
/// the errors libhdf5 reports instead of stopping at the first.
final class HDF5WalkTests: XCTestCase {
    func testWalkVisitsEveryObjectAndAttributeInOrder() throws {
        let path = try makeTemporaryDirectory(self) + "/walk.h5"
        try HDF5File.writeAtomically(path) { root in
            try root.setAttribute("format", "test")
            let group = try root.createGroup("g")
            try group.setAttribute("names", ["a", "b"])
            try group.setAttribute("dt", 1e-10)
            let dataset = try group.createDataset("d", shape: [3, 2], values: [1, 2, 3, 4, 5, 6])
            try dataset.setAttribute("units", ["T", "A/m"])
            try group.createDataset("i", shape: [2], integers: [7, 8])
        }
        var steps: [String] = []
        let problems = HDF5Walk.run(path) { steps.append($0) }
        XCTAssertEqual(problems, [])
        XCTAssertEqual(steps, [
            "opening the file", "opening the root group",
            "listing the attributes of /", "reading / attribute 'format'",
            "listing the members of /", "opening /g",
            "listing the attributes of /g", "reading /g attribute 'dt'", "reading /g attribute 'names'",
            "listing the members of /g",
            "opening /g/d", "listing the attributes of /g/d", "reading /g/d attribute 'units'",
            "reading the storage layout of /g/d", "reading the data of /g/d",
            "opening /g/i", "listing the attributes of /g/i",
            "reading the storage layout of /g/i", "reading the data of /g/i",
            "closing the file (all objects were read)",
        ])
    }

    func testWalkReportsErrorsAndGoesOn() throws {
        let dir = try makeTemporaryDirectory(self)
        var steps: [String] = []
        XCTAssertEqual(HDF5Walk.run(dir + "/absent.h5") { steps.append($0) }, ["\(dir)/absent.h5: no such file"])
        XCTAssertEqual(steps, ["opening the file"])
        try "t,x\n".write(toFile: dir + "/table.h5", atomically: true, encoding: .utf8)
        XCTAssertEqual(HDF5Walk.run(dir + "/table.h5") { _ in }, ["\(dir)/table.h5: not an HDF5 file (no HDF5 signature)"])
    }

    func testMemoryExhaustionNamesTheObject() {
        let problems = ["f.h5: /g/d: reading dataset failed: no data",
                        "f.h5: / attribute 'training_command': reading strings failed: memory allocation failed for chunk"]
        XCTAssertEqual(HDF5Walk.memoryExhaustion(in: problems, file: "f.h5"),
                       "reading / attribute 'training_command' needs more than 1.1 GB of memory "
                       + "(libhdf5: reading strings failed: memory allocation failed for chunk)")
        XCTAssertNil(HDF5Walk.memoryExhaustion(in: Array(problems.prefix(1)), file: "f.h5"))
    }
}
