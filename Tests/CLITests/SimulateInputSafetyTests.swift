import Foundation
import XCTest

/// `simulate` never writes over the files its spec reads (issue 13): the drive file and the initial OVF are
/// inputs of `OutputTarget.claim`, so neither --out nor its checkpoint may be one of them; the snapshot
/// folder (`[output] snapshot_dir`) is checked before any compute (not a folder, or an input under a
/// snapshot's name inside it, is refused up front instead of failing mid-run).
final class SimulateInputSafetyTests: XCTestCase {
    /// The fuzz run's 16 x 8 film, run 20 ps under a piecewise drive read from drive.csv, with snapshots.
    static func spec(initial: String = "uniform = [1, 0.1, 0]", snapshots: String = "snaps") -> String {
        FuzzSeeds.spec
            .replacingOccurrences(of: "uniform = [1, 0.1, 0]", with: initial)
            .replacingOccurrences(of: "drive = \"k\"", with: "drive = \"f\"")
            .replacingOccurrences(of: "[output]", with: """
            [drive.f]
            kind = "piecewise"
            target = "field_z"
            hold = 5e-12
            file = "drive.csv"
            [output]
            snapshot_every = 10e-12
            snapshot_dir = "\(snapshots)"
            """)
    }

    private func assertRefused(_ arguments: [String], expected: String, untouched: [String: Data], dir: String,
                               line: UInt = #line) throws {
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
        let result = try runProcess(try spinode(), arguments, timeout: 60)
        XCTAssertFalse(result.signalled, line: line)
        XCTAssertNotEqual(result.status, 0, "\(arguments) exited 0", line: line)
        XCTAssertEqual(result.stderrLines.count, 1, result.stderr, line: line)
        XCTAssert(result.stderr.contains(expected), "\(result.stderr) lacks \(expected)", line: line)
        for (path, bytes) in untouched {
            XCTAssertEqual(FileManager.default.contents(atPath: path), bytes, "\(path) changed", line: line)
        }
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: dir)), before, "files created", line: line)
    }

    func testSpecInputsAreNeverOutputsAndTheSnapshotFolderIsCheckedFirst() throws {
        let dir = try makeTemporaryDirectory(self)
        let drive = dir + "/drive.csv", spec = dir + "/film.toml"
        try "0.01\n0.02\n0.01\n0\n".write(toFile: drive, atomically: true, encoding: .utf8)
        try Self.spec().write(toFile: spec, atomically: true, encoding: .utf8)
        // A valid run writes the trace and three snapshots (t = 0, 10, 20 ps).
        try runSpinode(["simulate", spec, "--out", dir + "/film.h5", "--quiet"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/snaps").sorted(),
                       ["m000000.ovf", "m000001.ovf", "m000002.ovf"])
        let ovf = dir + "/snaps/m000001.ovf"
        let inputs = [drive: try Data(contentsOf: URL(fileURLWithPath: drive)),
                      ovf: try Data(contentsOf: URL(fileURLWithPath: ovf))]

        // --out, or --out's checkpoint, naming the drive file.
        try assertRefused(["simulate", spec, "--out", drive, "--quiet"],
                          expected: "--out '\(drive)': is the same file as the input", untouched: inputs, dir: dir)
        try FileManager.default.moveItem(atPath: drive, toPath: dir + "/run.h5.checkpoint")
        try Self.spec().replacingOccurrences(of: "drive.csv", with: "run.h5.checkpoint").write(toFile: spec, atomically: true, encoding: .utf8)
        try assertRefused(["simulate", spec, "--out", dir + "/run.h5", "--quiet"],
                          expected: "is the same file as the input '\(dir)/run.h5.checkpoint'",
                          untouched: [dir + "/run.h5.checkpoint": inputs[drive]!], dir: dir)
        try FileManager.default.moveItem(atPath: dir + "/run.h5.checkpoint", toPath: drive)

        // --out naming the initial OVF; a snapshot folder holding the initial OVF under a snapshot's name.
        try Self.spec(initial: "ovf = \"snaps/m000001.ovf\"", snapshots: "snaps2").write(toFile: spec, atomically: true, encoding: .utf8)
        try assertRefused(["simulate", spec, "--out", ovf, "--quiet"],
                          expected: "--out '\(ovf)': is the same file as the input", untouched: inputs, dir: dir)
        try Self.spec(initial: "ovf = \"snaps/m000001.ovf\"").write(toFile: spec, atomically: true, encoding: .utf8)
        try assertRefused(["simulate", spec, "--out", dir + "/new.h5", "--quiet"],
                          expected: "[output] snapshot_dir '\(dir)/snaps': holds the input '\(ovf)', which a snapshot would replace",
                          untouched: inputs, dir: dir)

        // A snapshot folder that is a regular file or a device, refused before the run.
        for notAFolder in ["drive.csv", "/dev/null"] {
            try Self.spec(snapshots: notAFolder).write(toFile: spec, atomically: true, encoding: .utf8)
            let shown = notAFolder.hasPrefix("/") ? notAFolder : dir + "/" + notAFolder
            try assertRefused(["simulate", spec, "--out", dir + "/new.h5", "--quiet"],
                              expected: "[output] snapshot_dir '\(shown)': exists and is not a folder", untouched: inputs, dir: dir)
        }
    }
}
