import Foundation
import XCTest

/// `spinode --help` and `spinode <command> --help` for every command: exit 0, text on stdout, and
/// the SI units named where a command takes or reports physical quantities (STYLE.md: help text a
/// physicist understands).
final class HelpTests: XCTestCase {
    /// Every command path, with words its help must contain (units where relevant).
    static let commands: [(path: [String], mustName: [String])] = [
        ([], ["SI units", "seconds", "tesla", "A/m", "J/m^3", "--seed"]),
        (["fit"], ["seconds", "Chen et al."]),            // --time-scale in seconds
        (["predict"], ["NRMSE", "frequency"]),
        (["ensemble"], ["spread", "--trust-margin", "seed"]),
        (["import"], ["mumax3", "OOMMF", "CSV", "units"]),
        (["import", "csv"], ["seconds", "unit"]),         // --time, --from, --to in seconds; 'name (unit)' headers
        (["import", "mumax"], ["seconds"]),
        (["export"], ["safetensors", "npz", "json"]),
        (["inspect"], ["units", "sampling interval"]),
        (["reservoir"], ["seconds", "1/s", "Mackey-Glass"]),  // --sample-interval in s, noise intensity in 1/s
        (["simulate"], ["SI units", "seconds", "J/m3"]),  // drive values in SI units, checkpoint interval in s
        (["split"], ["seconds"]),                         // --at in seconds
        (["merge"], ["provenance", "bit for bit"]),
        (["sweep"], ["mpirun", "SLURM_ARRAY_TASK_ID", "seed"]),
        (["demo"], ["NRMSE", "J/m^3", "seconds"]),        // input scale in J/m^3, segment lengths in seconds
        (["bench"], []),
        (["bench", "surrogate-rk4"], ["steps"]),
        (["bench", "devices"], []),
        (["bench", "reservoir"], []),
        (["bench", "node64"], []),
        (["bench", "sp4"], []),
        (["bench", "threads"], ["skyrmion"]),
        (["bench", "fit-paper"], []),
        (["bench", "traceio"], []),
    ]

    func testEveryCommandHasHelp() throws {
        for (path, words) in Self.commands {
            let result = try runSpinode(path + ["--help"])
            let name = (["spinode"] + path).joined(separator: " ")
            XCTAssertTrue(result.stdout.contains("USAGE: \(name)"), "\(name) --help: no usage line\n\(result.stdout)")
            XCTAssertTrue(result.stderr.isEmpty, "\(name) --help wrote to stderr: \(result.stderr)")
            for word in words {
                XCTAssertTrue(result.stdout.contains(word), "\(name) --help does not name '\(word)'")
            }
        }
    }

    /// The list above covers every subcommand the binary lists (a new command must be added here).
    func testListCoversEverySubcommand() throws {
        for parent in [[], ["bench"], ["import"]] as [[String]] {
            let text = try runSpinode(parent + ["--help"]).stdout
            let section = try XCTUnwrap(text.components(separatedBy: "SUBCOMMANDS:").last)
            // Subcommand lines are indented two spaces, name first.
            let names = section.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }
                return line.split(separator: " ").first.map(String.init)
            }.filter { $0 != "See" }
            XCTAssertFalse(names.isEmpty, "no subcommands parsed from \(parent) --help")
            for name in names {
                XCTAssertTrue(Self.commands.contains { $0.path == parent + [name] },
                              "'spinode \((parent + [name]).joined(separator: " "))' has no help test")
            }
        }
    }

    /// Help paragraphs are written as paragraphs and wrapped by the argument parser only: a paragraph
    /// hard-wrapped in the source comes out ragged, a short line whose text goes on in the next line
    /// (lower-case start), as `bench sp4 --help` did. Indented lines (lists, examples) are left alone.
    func testHelpParagraphsAreNotHardWrapped() throws {
        for (path, _) in Self.commands {
            let text = try runSpinode(path + ["--help"]).stdout
            let overview = text.components(separatedBy: "USAGE:").first ?? ""
            let lines = overview.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (a, b) in zip(lines, lines.dropFirst()) where !a.isEmpty && !a.hasPrefix(" ") && !b.hasPrefix(" ") {
                guard let first = b.first, first.isLowercase else { continue }
                XCTAssertGreaterThanOrEqual(a.count, 50, "spinode \(path.joined(separator: " ")) --help: ragged line '\(a)' before '\(b)'")
            }
        }
    }

    func testVersion() throws {
        let result = try runSpinode(["--version"])
        XCTAssertNotNil(result.stdout.range(of: #"^\d+\.\d+\.\d+\s*$"#, options: .regularExpression), result.stdout)
    }
}
