import Workflows
import XCTest

/// `RecordedFitCommand`: a recorded fit command reruns with the defaults its run had.
final class RecordedFitCommandTests: XCTestCase {
    func testFitArgumentsAfterTheSubcommand() {
        XCTAssertEqual(RecordedFitCommand.fitArguments(recorded: "/opt/x/spinode fit t.h5 --trace train\n--seed 2"),
                       ["t.h5", "--trace", "train", "--seed", "2"])
        XCTAssertNil(RecordedFitCommand.fitArguments(recorded: "spinode predict m.h5 t.h5"))
        XCTAssertNil(RecordedFitCommand.fitArguments(recorded: ""))
    }

    /// Written before the plateau schedule existed (no `lr_plateau` in the provenance): 1000 iterations at a
    /// constant rate on the training traces, except what the command names itself.
    func testBeforeThePlateauScheduleExisted() {
        let settings = ["learning_rate": 1e-3]
        XCTAssertEqual(RecordedFitCommand.rerunArguments(["t.h5", "--seed", "1"], optimiserSettings: settings),
                       ["t.h5", "--seed", "1", "--iterations", "1000", "--validation", "training", "--lr-plateau", "0"])
        XCTAssertEqual(RecordedFitCommand.rerunArguments(["t.h5", "--iterations=10000", "--validation", "tail:0.2"],
                                                         optimiserSettings: settings),
                       ["t.h5", "--iterations=10000", "--validation", "tail:0.2", "--lr-plateau", "0"])
    }

    /// Recorded while the plateau schedule was the default: its patience and reductions are added unless named;
    /// with the schedule off (0), nothing is added.
    func testUnderThePlateauDefault() {
        let plateau = ["lr_plateau": 10.0, "lr_reductions": 3]
        XCTAssertEqual(RecordedFitCommand.rerunArguments(["t.h5"], optimiserSettings: plateau),
                       ["t.h5", "--lr-plateau", "10", "--lr-reductions", "3"])
        XCTAssertEqual(RecordedFitCommand.rerunArguments(["t.h5", "--lr-plateau", "5"], optimiserSettings: ["lr_plateau": 5, "lr_reductions": 3]),
                       ["t.h5", "--lr-plateau", "5"])
        XCTAssertEqual(RecordedFitCommand.rerunArguments(["t.h5", "--seed", "4"], optimiserSettings: ["lr_plateau": 0]),
                       ["t.h5", "--seed", "4"])
    }
}
