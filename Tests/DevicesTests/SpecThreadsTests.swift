import Devices
import Foundation
import XCTest

/// The solver's thread count from a spec (`threads` in a stage), from `SimulationRunner.threads`
/// (`spinode simulate --threads`) and in `MicromagneticDevice` (`solverThreads`).
final class SpecThreadsTests: XCTestCase {
    /// SpecDemagKernelTests' two-layer film with demag on a 24 x 16 x 2 mesh, 40 RK4 steps of 10 fs.
    static func spec(threads: String = "") -> String { """
    title = "threads"
    [mesh]
    cells = [24, 16, 2]
    cell_size = [5e-9, 4e-9, 3e-9]
    [material]
    Msat = 800e3
    Aex = 13e-12
    alpha = 0.1
    [terms]
    demag = true
    field = [0, 0.05, 0]
    [initial]
    uniform = [1, 0.3, 0.2]
    [[stage]]
    kind = "run"
    duration = 4e-13
    solver = "rk4"
    step = 1e-14
    record = true
    \(threads)
    [output]
    interval = 1e-13
    quantities = ["mx", "my", "mz"]
    """ }

    func testThreadsKeyIsParsedAndBadValuesAreRefused() throws {
        let s = try SimulationSpec(text: Self.spec(threads: "threads = 3"))
        guard case .run(let run)? = s.stages.first else { return XCTFail("no run stage") }
        XCTAssertEqual(run.threads, 3)
        guard case .run(let plain)? = try SimulationSpec(text: Self.spec()).stages.first else { return XCTFail("no run stage") }
        XCTAssertNil(plain.threads)
        for bad in ["threads = 0", "threads = -2", "threads = 5000"] {
            XCTAssertThrowsError(try SimulationSpec(text: Self.spec(threads: bad), file: "t.toml")) { error in
                XCTAssertTrue("\(error)".contains("threads") && "\(error)".contains("from 1 to 4096"), "\(bad): \(error)")
            }
        }
        XCTAssertThrowsError(try SimulationSpec(text: Self.spec(threads: "threads = 1.5"), file: "t.toml"))
    }

    /// The same spec on 1, 2 and 3 threads (the runner's override, and the stage key): the samples agree
    /// to 1e-12 (round-off of the threaded demag FFTs; ThreadedLLGTests states the bound), and two runs
    /// on 2 threads are bit-identical.
    func testRunnerThreadCountsAgreeAndRepeat() throws {
        func samples(_ text: String, threads: Int?) throws -> [[Double]] {
            let runner = SimulationRunner(spec: try SimulationSpec(text: text))
            runner.threads = threads
            return try runner.run().outputs
        }
        let one = try samples(Self.spec(), threads: 1)
        XCTAssertEqual(one.count, 5)
        XCTAssertGreaterThan(abs(one[4][2] - one[0][2]), 1e-4, "m moved")
        let two = try samples(Self.spec(), threads: 2)
        XCTAssertEqual(try samples(Self.spec(), threads: 2), two)
        XCTAssertEqual(try samples(Self.spec(threads: "threads = 2"), threads: nil), two)
        for other in [two, try samples(Self.spec(), threads: 3)] {
            let gap = zip(other.joined(), one.joined()).map { abs($0 - $1) }.max()!
            XCTAssertLessThanOrEqual(gap, 1e-12)
        }
    }

    /// `threads` in relax and minimize stages: parsed and range-checked as in run stages, and used: a spec
    /// whose minimisation and run both say `threads = 1` gives the bits of `SimulationRunner.threads = 1`.
    func testRelaxAndMinimizeStagesTakeThreads() throws {
        func spec(_ prepare: String, run: String = "") -> String {
            Self.spec(threads: run).replacingOccurrences(of: "[[stage]]\nkind = \"run\"", with: prepare + "\n[[stage]]\nkind = \"run\"")
        }
        let minimize = "[[stage]]\nkind = \"minimize\"\nstop = 1e-4\n"
        for (kind, stage) in [("minimize", minimize), ("relax", "[[stage]]\nkind = \"relax\"\ntorque_tolerance = 1e-2\n")] {
            let keyed = try SimulationSpec(text: spec(stage + "threads = 2"))
            XCTAssertEqual(keyed.stages.count, 2, kind)
            XCTAssertEqual(keyed.stages.first?.threads, 2, kind)
            XCTAssertNil(try SimulationSpec(text: spec(stage)).stages.first?.threads, kind)
            for bad in ["threads = 0", "threads = 5000"] {
                XCTAssertThrowsError(try SimulationSpec(text: spec(stage + bad), file: "t.toml")) { error in
                    XCTAssertTrue("\(error)".contains("threads") && "\(error)".contains("from 1 to 4096"), "\(kind) \(bad): \(error)")
                }
            }
        }
        let overridden = SimulationRunner(spec: try SimulationSpec(text: spec(minimize)))
        overridden.threads = 1
        let keyed = SimulationRunner(spec: try SimulationSpec(text: spec(minimize + "threads = 1", run: "threads = 1")))
        let a = try overridden.run().outputs, b = try keyed.run().outputs
        XCTAssertEqual(a.count, 5)
        XCTAssertEqual(a, b)
    }

    func testDeviceSolverThreads() throws {
        let s = try SimulationSpec(text: Self.spec())
        let cores = ProcessInfo.processInfo.activeProcessorCount
        XCTAssertEqual(try MicromagneticDevice(spec: s, input: .target(.field_z), sampleInterval: 1e-13).solverThreads, cores)
        XCTAssertEqual(try MicromagneticDevice(spec: s, input: .target(.field_z), sampleInterval: 1e-13, threads: 2).solverThreads,
                       max(1, cores / 2))
        XCTAssertEqual(try MicromagneticDevice(spec: s, input: .target(.field_z), sampleInterval: 1e-13, solverThreads: 3).solverThreads, 3)
        let keyed = try SimulationSpec(text: Self.spec(threads: "threads = 2"))
        XCTAssertEqual(try MicromagneticDevice(spec: keyed, input: .target(.field_z), sampleInterval: 1e-13).solverThreads, 2)
    }
}
