import Foundation
import TraceIO
import XCTest

/// `spinode sweep`: reservoir tasks on the software echo state network with few nodes (fast), run serially,
/// one at a time (the Slurm array path) and under mpirun; failures isolated, finished tasks skipped on a
/// rerun, the gather read back (docs/scaling.md).
final class SweepCommandTests: XCTestCase {
    /// Four mackey-glass tasks (--input-scaling 0.3, 0.6 x --nodes 6, 10; keys in name order) plus, optionally, a task whose
    /// device file is not HDF5 (passes the up-front checks, fails when run).
    private func writeSweep(in folder: String, failing: Bool = false, seed: Int = 42) throws -> String {
        var text = """
        [sweep]
        command = "reservoir"
        seed = \(seed)
        arguments = ["mackey-glass", "--device", "esn"]
        [grid]
        "--nodes" = [6, 10]
        "--input-scaling" = [0.3, 0.6]

        """
        if failing {
            try Data("not a model".utf8).write(to: URL(fileURLWithPath: folder + "/broken.h5"))
            text += "[[task]]\n\"--device\" = \"broken.h5\"\n\"--nodes\" = 6\n"
        }
        let path = folder + "/sweep.toml"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func metrics(_ results: String, _ index: Int) throws -> [String: Double] {
        let text = try String(contentsOfFile: results + String(format: "/tasks/%06d/summary.json", index), encoding: .utf8)
        return try XCTUnwrap(try jsonObject(text)["metrics"] as? [String: Double])
    }

    private func status(_ results: String, _ index: Int) throws -> [String: Any] {
        try jsonObject(try String(contentsOfFile: results + String(format: "/tasks/%06d/status.json", index), encoding: .utf8))
    }

    func testListShowsTasksAndDerivedSeeds() throws {
        let dir = try makeTemporaryDirectory(self)
        let sweep = try writeSweep(in: dir)
        let listed = try jsonObject(try runSpinode(["sweep", sweep, "--list", "--json"]).stdout)
        XCTAssertEqual(listed["tasks"] as? Int, 4)
        let list = try XCTUnwrap(listed["list"] as? [[String: Any]])
        XCTAssertEqual(list.map { $0["parameters"] as? String }, [
            "--input-scaling = 0.3, --nodes = 6", "--input-scaling = 0.3, --nodes = 10",
            "--input-scaling = 0.6, --nodes = 6", "--input-scaling = 0.6, --nodes = 10",
        ])
        let seeds = list.compactMap { $0["seed"] as? Int }
        XCTAssertEqual(Set(seeds).count, 4, "distinct seeds per task: \(seeds)")
    }

    /// The bundled sweep files pass the sweep's up-front checks (every task's command line parsed and
    /// validated, every spec key present): the benchmark's (scripts/bench/sweeps, run by
    /// scripts/bench/sweep-scaling, with the task counts docs/scaling.md measures) and issue 18's regime data.
    func testBundledSweepFilesList() throws {
        let root = repositoryRoot()
        for (file, count, first) in [("scripts/bench/sweeps/fit20.toml", 20, "--batch = 25, --seed = 0"),
                                     ("scripts/bench/sweeps/res200.toml", 200, "--input-scaling = 0.2, --nodes = 50, --spectral-radius = 0.7"),
                                     ("scripts/bench/sweeps/mm8.toml", 8, "material.Dind = 0.0033, seed = 1"),
                                     ("Datasets/specs/regime/skyrmion-disk-regime.sweep.toml", 24,
                                      "drive.vcma.high = 2.0, drive.vcma.low = -2.0, seed = 3001")] {
            let listed = try jsonObject(try runSpinode(["sweep", root + "/" + file, "--list", "--json"]).stdout)
            XCTAssertEqual(listed["tasks"] as? Int, count, file)
            let list = try XCTUnwrap(listed["list"] as? [[String: Any]])
            XCTAssertEqual(list.first?["parameters"] as? String, first, file)
        }
    }

    /// The serial sweep, then each task alone (--task, as a Slurm array would run it) into another folder:
    /// every task's scores are bit-identical, whichever order and process ran them.
    func testTaskByTaskEqualsSerialAndGatherReadsBack() throws {
        let dir = try makeTemporaryDirectory(self)
        let sweep = try writeSweep(in: dir)
        let serial = dir + "/serial", array = dir + "/array"
        let summary = try jsonObject(try runSpinode(["sweep", sweep, "--out", serial, "--json", "--quiet"]).stdout)
        XCTAssertEqual(summary["ok"] as? Int, 4)
        XCTAssertEqual(summary["missing"] as? [Int], [])
        for i in [3, 1, 0, 2] {   // out of order
            try runSpinode(["sweep", sweep, "--out", array, "--task", String(i), "--quiet"])
        }
        let partial = try jsonObject(try runSpinode(["sweep", sweep, "--out", array, "--gather", "--json"]).stdout)
        XCTAssertEqual(partial["ok"] as? Int, 4)
        for i in 0..<4 {
            XCTAssertEqual(try metrics(serial, i), try metrics(array, i), "task \(i)")
            XCTAssertEqual(try status(serial, i)["seed"] as? Int, try status(array, i)["seed"] as? Int)
        }
        // The gather: one group per task with its parameters; the summary table's columns.
        let gathered = try SweepResultsFile.read(serial + "/sweep.h5")
        XCTAssertEqual(gathered.command, "reservoir")
        XCTAssertEqual(gathered.tasks.map(\.status), ["ok", "ok", "ok", "ok"])
        XCTAssertEqual(gathered.tasks[1].parameters.first { $0.key == "--nodes" }?.value, .integer(10))
        XCTAssertEqual(gathered.tasks[2].parameters.first { $0.key == "--input-scaling" }?.value, .number(0.6))
        XCTAssertEqual(gathered.tasks[0].output, "tasks/000000/summary.json")
        let column = try SweepResultsFile.column("nrmse_mean", in: serial + "/sweep.h5")
        XCTAssertEqual(column, try (0..<4).map { try XCTUnwrap(try metrics(serial, $0)["nrmse_mean"]) })
        XCTAssertEqual(try SweepResultsFile.column("--nodes", in: serial + "/sweep.h5"), [6, 10, 6, 10])
        // `spinode inspect` reads the gathered file: counts, and each task's parameters and figures.
        let inspected = try jsonObject(try runSpinode(["inspect", serial + "/sweep.h5", "--json"]).stdout)
        XCTAssertEqual(inspected["format"] as? String, "spinode-sweep")
        XCTAssertEqual(inspected["tasks_ok"] as? Int, 4)
        XCTAssertEqual(inspected["missing_tasks"] as? [Int], [])
        let tasks = try XCTUnwrap(inspected["tasks"] as? [[String: Any]])
        XCTAssertEqual(tasks.count, 4)
        XCTAssertEqual((tasks[1]["parameters"] as? [String: Any])?["--nodes"] as? Int, 10)
        XCTAssertEqual((tasks[3]["figures"] as? [String: Any])?["nrmse_mean"] as? Double, column[3])
        if let python = python(with: ["h5py"]) {
            let script = "import h5py; f = h5py.File('\(serial)/sweep.h5', 'r'); "
                + "print(f.attrs['format'], len(f['tasks']), f['summary/--nodes'][:].tolist(), f['tasks/000003'].attrs['parameter --input-scaling'])"
            let r = try runProcess(python, ["-c", script])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "spinode-sweep 4 [6.0, 10.0, 6.0, 10.0] 0.6")
        }
    }

    /// A task that fails is recorded with its error line, the others finish; a rerun skips every task with a
    /// status, and --retry-failed runs the failed one again.
    func testFailingTaskIsIsolatedAndResumeSkipsFinished() throws {
        let dir = try makeTemporaryDirectory(self)
        let sweep = try writeSweep(in: dir, failing: true)
        let results = dir + "/results"
        let first = try runProcess(try spinode(), ["sweep", sweep, "--out", results, "--json", "--quiet"])
        XCTAssertEqual(first.status, 1, first.stderr)
        let summary = try jsonObject(first.stdout)
        XCTAssertEqual(summary["ok"] as? Int, 4)
        XCTAssertEqual(summary["failed"] as? Int, 1)
        let failed = try status(results, 4)
        XCTAssertEqual(failed["status"] as? String, "failed")
        let error = try XCTUnwrap(failed["error"] as? String)
        XCTAssertTrue(error.contains("broken.h5"), error)
        XCTAssertEqual(try SweepResultsFile.read(results + "/sweep.h5").tasks[4].error, error)

        // A killed sweep: task 1's status gone (it was running), the others finished.
        try FileManager.default.removeItem(atPath: results + "/tasks/000001/status.json")
        let resumed = try jsonObject(try runProcess(try spinode(), ["sweep", sweep, "--out", results, "--json", "--quiet"]).stdout)
        let run = try XCTUnwrap(resumed["run"] as? [String: Any])
        XCTAssertEqual(run["skipped"] as? Int, 4)
        XCTAssertEqual(run["ok"] as? Int, 1)
        XCTAssertEqual(run["failed"] as? Int, 0)
        let retried = try jsonObject(try runProcess(try spinode(), ["sweep", sweep, "--out", results, "--json", "--quiet", "--retry-failed"]).stdout)
        XCTAssertEqual((retried["run"] as? [String: Any])?["failed"] as? Int, 1)
        XCTAssertEqual((retried["run"] as? [String: Any])?["skipped"] as? Int, 4)
    }

    func testGatherOfPartialSweepListsMissingTasks() throws {
        let dir = try makeTemporaryDirectory(self)
        let sweep = try writeSweep(in: dir)
        let results = dir + "/results"
        try runSpinode(["sweep", sweep, "--out", results, "--task", "2", "--quiet"])
        let r = try runSpinode(["sweep", sweep, "--out", results, "--gather", "--json"])
        XCTAssertEqual(try jsonObject(r.stdout)["missing"] as? [Int], [0, 1, 3])
        XCTAssertTrue(r.stderr.contains("3 of 4 tasks have no result yet: 0-1, 3"), r.stderr)
        let file = try SweepResultsFile.read(results + "/sweep.h5")
        XCTAssertEqual(file.missingTasks, [0, 1, 3])
        XCTAssertEqual(try SweepResultsFile.column("status_code", in: results + "/sweep.h5"), [-1, -1, 1, -1])
    }

    func testBadSweepFilesAreRefusedBeforeAnythingRuns() throws {
        let dir = try makeTemporaryDirectory(self)
        let cases: [(String, String)] = [
            ("[sweep]\ncommand = \"train\"\nseed = 1\narguments = []\n[grid]\n\"--nodes\" = [1]\n", "sweep.command = \"train\" is not simulate, fit or reservoir"),
            ("[sweep]\ncommand = \"reservoir\"\nseed = 1\narguments = [\"mackey-glass\"]\n[grid]\n", "[grid] is empty"),
            ("[sweep]\ncommand = \"reservoir\"\nseed = 1\narguments = [\"mackey-glass\"]\n[grid]\n\"--nodes\" = []\n", "grid key '--nodes' has no values"),
            ("[sweep]\ncommand = \"reservoir\"\nseed = 1\nargs = []\n", "unknown key 'sweep.args'"),
            ("[sweep]\ncommand = \"reservoir\"\nseed = 1\narguments = [\"mackey-glass\"]\n[grid]\n\"--nodes\" = [5, -1]\n", "task 1 (--nodes = -1)"),
            ("[sweep]\ncommand = \"reservoir\"\nseed = 1\narguments = [\"mackey-glass\", \"--seed\", \"3\"]\n[[task]]\n\"--nodes\" = 5\n", "--seed is derived per task"),
            ("[sweep]\ncommand = \"simulate\"\nseed = 1\nspec = \"film.toml\"\n[grid]\n\"material.Dind\" = [1e-3]\n", "has no key 'material.Dind'"),
        ]
        try Data(TinyFilmSpec.text(duration: "1e-10").utf8).write(to: URL(fileURLWithPath: dir + "/film.toml"))
        for (text, expected) in cases {
            let path = dir + "/bad.toml"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let r = try runProcess(try spinode(), ["sweep", path, "--out", dir + "/results"])
            XCTAssertNotEqual(r.status, 0, text)
            XCTAssertEqual(r.stderrLines.count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(expected), "\(text)\n-> \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/results/tasks/000000"), text)
        }
    }

    /// A simulate sweep over a spec key (the tiny film's damping): each task's spec has the key replaced and
    /// the task's own seed; the gather holds the final <m>.
    func testSimulateSweepReplacesSpecKeys() throws {
        let dir = try makeTemporaryDirectory(self)
        try Data(TinyFilmSpec.text(relax: false, duration: "2e-11").utf8).write(to: URL(fileURLWithPath: dir + "/film.toml"))
        let text = "[sweep]\ncommand = \"simulate\"\nseed = 5\nspec = \"film.toml\"\n[grid]\n\"material.alpha\" = [0.02, 0.5]\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/sweep.toml"))
        let summary = try jsonObject(try runSpinode(["sweep", dir + "/sweep.toml", "--out", dir + "/r", "--json", "--quiet"], timeout: 300).stdout)
        XCTAssertEqual(summary["ok"] as? Int, 2)
        let spec1 = try String(contentsOfFile: dir + "/r/tasks/000001/spec.toml", encoding: .utf8)
        XCTAssertTrue(spec1.contains("alpha = 0.5"), spec1)
        let file = try SweepResultsFile.read(dir + "/r/sweep.h5")
        let mx = file.tasks.map { $0.figures.first { $0.name == "final_mx" }?.value ?? .nan }
        XCTAssertTrue(mx.allSatisfy(\.isFinite), "\(mx)")
        XCTAssertNotEqual(mx[0], mx[1])   // damping 25x stronger moves <m> differently
        let s1 = try status(dir + "/r", 1)
        XCTAssertTrue(spec1.contains("seed = \(s1["seed"] as? Int ?? -1)"), spec1)
        let traces = try TraceFile.read(dir + "/r/tasks/000000/trace.h5")
        XCTAssertEqual(traces.map(\.name), ["film"])
    }

    /// A relative --out is the current directory's, not SWEEP.toml's folder (where the tasks run): run from
    /// elsewhere, the task writes its trace into ./r (before, every task failed: its spec path was relative).
    func testRelativeResultsFolderFromAnotherDirectory() throws {
        let dir = try makeTemporaryDirectory(self)
        try FileManager.default.createDirectory(atPath: dir + "/specs", withIntermediateDirectories: true)
        try Data(TinyFilmSpec.text(relax: false, duration: "2e-11").utf8).write(to: URL(fileURLWithPath: dir + "/specs/film.toml"))
        let text = "[sweep]\ncommand = \"simulate\"\nseed = 5\nspec = \"film.toml\"\n[grid]\n\"material.alpha\" = [0.02]\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/specs/sweep.toml"))
        let r = try runProcess(try spinode(), ["sweep", "specs/sweep.toml", "--out", "r", "--json", "--quiet"], timeout: 300,
                               currentDirectory: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try jsonObject(r.stdout)["ok"] as? Int, 1)
        XCTAssertEqual(try TraceFile.read(dir + "/r/tasks/000000/trace.h5").map(\.name), ["film"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/r/sweep.h5"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/specs/r"))
    }

    /// A simulate task killed after a checkpoint continues from it when the sweep is rerun (`--resume` on its
    /// command line) and ends where the uninterrupted run ended.
    func testKilledSimulateTaskResumesFromItsCheckpoint() throws {
        let dir = try makeTemporaryDirectory(self)
        let spec = TinyFilmSpec.text(relax: false, duration: "4e-11", checkpointEvery: "1e-11")
        try Data(spec.utf8).write(to: URL(fileURLWithPath: dir + "/film.toml"))
        let text = "[sweep]\ncommand = \"simulate\"\nseed = 5\nspec = \"film.toml\"\n[[task]]\n\"material.alpha\" = 0.1\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/sweep.toml"))
        try runSpinode(["sweep", dir + "/sweep.toml", "--out", dir + "/r", "--quiet"], timeout: 300)
        let task = dir + "/r/tasks/000000"
        let uninterrupted = try SweepResultsFile.read(dir + "/r/sweep.h5").tasks[0].figures
        // The state a killed sweep leaves: no status, no trace, a checkpoint part-way.
        try FileManager.default.removeItem(atPath: task + "/status.json")
        try FileManager.default.removeItem(atPath: task + "/trace.h5")
        try runSpinode(["simulate", task + "/spec.toml", "--out", task + "/trace.h5", "--stop-after-checkpoints", "1", "--quiet"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: task + "/trace.h5.checkpoint"))
        let earlier = "a line of the run before the resume\n"
        try Data(earlier.utf8).write(to: URL(fileURLWithPath: task + "/stderr.log"))
        let summary = try jsonObject(try runSpinode(["sweep", dir + "/sweep.toml", "--out", dir + "/r", "--json", "--quiet"], timeout: 300).stdout)
        XCTAssertEqual((summary["run"] as? [String: Any])?["ok"] as? Int, 1)
        XCTAssertTrue(try String(contentsOfFile: task + "/stderr.log", encoding: .utf8).hasPrefix(earlier), "the resumed task's log replaced the earlier one")
        XCTAssertEqual((try status(dir + "/r", 0)["command"] as? [String])?.last, "--resume")
        XCTAssertEqual(try SweepResultsFile.read(dir + "/r/sweep.h5").tasks[0].figures, uninterrupted)
        XCTAssertEqual(uninterrupted.count, 3)
    }

    /// `--status` reads where each task stands and writes nothing: finished (ok), unfinished with its
    /// checkpoint's simulated time (killed after a checkpoint), running (another process holds the lock on
    /// its output: here flock(1) on the lock file, as a running task's FileLock), waiting.
    func testStatusShowsEachTaskWithoutWriting() throws {
        let dir = try makeTemporaryDirectory(self)
        let spec = TinyFilmSpec.text(relax: false, duration: "4e-11", checkpointEvery: "1e-11")
        try Data(spec.utf8).write(to: URL(fileURLWithPath: dir + "/film.toml"))
        let text = "[sweep]\ncommand = \"simulate\"\nseed = 5\nspec = \"film.toml\"\n[grid]\n\"material.alpha\" = [0.1, 0.2, 0.3, 0.4]\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/sweep.toml"))
        let results = dir + "/r"
        let refused = try runProcess(try spinode(), ["sweep", dir + "/sweep.toml", "--out", results, "--status"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("holds no sweep results"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: results))
        for i in 0..<2 { try runSpinode(["sweep", dir + "/sweep.toml", "--out", results, "--task", "\(i)", "--quiet"], timeout: 300) }
        // Task 1 as a killed run leaves it: no status, no trace, its checkpoint after 1e-11 s.
        let task1 = results + "/tasks/000001"
        try FileManager.default.removeItem(atPath: task1 + "/status.json")
        try FileManager.default.removeItem(atPath: task1 + "/trace.h5")
        try runSpinode(["simulate", task1 + "/spec.toml", "--out", task1 + "/trace.h5", "--stop-after-checkpoints", "1", "--quiet"])
        // Task 2 is held by another process, as a running task holds its output.
        let task2 = results + "/tasks/000002"
        try FileManager.default.createDirectory(atPath: task2, withIntermediateDirectories: true)
        let lockFile = task2 + "/.trace.h5.spinode-lock"
        FileManager.default.createFile(atPath: lockFile, contents: nil)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = ["-x", lockFile, "sleep", "30"]
        try holder.run()
        defer { holder.terminate() }
        let inode = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: lockFile)[.systemFileNumber] as? NSNumber)
        var held = false
        for _ in 0..<250 where !held {
            held = ((try? String(contentsOfFile: "/proc/locks", encoding: .utf8)) ?? "").contains(":\(inode.uint64Value) ")
            if !held { usleep(20_000) }
        }
        XCTAssertTrue(held, "flock(1) did not take the lock within 5 s")
        func listing() throws -> [String] {
            try FileManager.default.subpathsOfDirectory(atPath: results).sorted().map { path in
                let a = try FileManager.default.attributesOfItem(atPath: results + "/" + path)
                return "\(path) \(a[.size] ?? 0) \((a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
            }
        }
        let before = try listing()
        let report = try jsonObject(try runSpinode(["sweep", dir + "/sweep.toml", "--out", results, "--status", "--json"]).stdout)
        XCTAssertEqual(try listing(), before, "--status changed the results folder")
        let states = try XCTUnwrap(report["states"] as? [[String: Any]])
        XCTAssertEqual(states.map { $0["state"] as? String }, ["ok", "unfinished", "running", "waiting"])
        XCTAssertEqual(try number(states[1]["simulated_s"]), 1e-11, accuracy: 1e-21)
        XCTAssertEqual(try number(states[1]["total_s"]), 4e-11, accuracy: 1e-21)
        // Task 1's log is its first (whole) run's: the last progress line, at the end of the run.
        XCTAssertTrue((states[1]["last_log_line"] as? String)?.contains("t = 0.04 / 0.04 ns (100.0 %)") ?? false, "\(states[1])")
        XCTAssertGreaterThanOrEqual(try number(states[1]["log_age_s"]), 0)
        XCTAssertNil(states[2]["last_log_line"] as? String)   // no log in task 2's folder
        XCTAssertNotNil(states[2]["pid"] as? Int)
        XCTAssertEqual((report["counts"] as? [String: Any])?["waiting"] as? Int, 1)
        let textReport = try runSpinode(["sweep", dir + "/sweep.toml", "--out", results, "--status"]).stdout
        XCTAssertTrue(textReport.contains("checkpoint at 0.01 of 0.04 ns simulated\n    last log line ("), textReport)
        XCTAssertTrue(textReport.contains("1 ok, 1 running, 1 unfinished, 1 waiting of 4 tasks"), textReport)
    }

    /// A second sweep on the same results leaves the task the first is running to it (the task's lock) and
    /// runs the others; the running task gets no status from the second, and `--status` names the first
    /// sweep as its runner. (Before, the second started the task again: it failed on the output's lock and
    /// was marked failed while it ran on.)
    func testSecondSweepLeavesARunningTaskToTheFirst() throws {
        #if os(Linux)
        let dir = try makeTemporaryDirectory(self)
        try Data(TinyFilmSpec.text(relax: false, duration: "1e-6").utf8).write(to: URL(fileURLWithPath: dir + "/film.toml"))
        let text = "[sweep]\ncommand = \"simulate\"\nseed = 5\nspec = \"film.toml\"\n"
            + "[[task]]\n\"stage.0.duration\" = 1e-6\n[[task]]\n\"stage.0.duration\" = 4e-11\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/sweep.toml"))
        let results = dir + "/r"
        let (first, task) = try Self.startSweepWithItsTask(["sweep", dir + "/sweep.toml", "--out", results, "--task", "0", "--quiet"])
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        XCTAssertNotNil(task, "the first sweep started no task within 60 s")
        let second = try runProcess(try spinode(), ["sweep", dir + "/sweep.toml", "--out", results, "--json"], timeout: 300)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stderr.contains("task 0 (stage.0.duration = 1e-06): running in another process (pid \(first.processIdentifier)); left to it"),
                      second.stderr)
        let run = try XCTUnwrap(try jsonObject(second.stdout)["run"] as? [String: Any])
        XCTAssertEqual(run["ok"] as? Int, 1)
        XCTAssertEqual(run["failed"] as? Int, 0)
        XCTAssertEqual(run["running_elsewhere"] as? Int, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: results + "/tasks/000000/status.json"))
        XCTAssertEqual(try jsonObject(String(contentsOfFile: results + "/tasks/000001/status.json", encoding: .utf8))["status"] as? String, "ok")
        if let task { XCTAssertTrue(Self.isAlive(task), "the first sweep's task did not run on") }
        let report = try jsonObject(try runSpinode(["sweep", dir + "/sweep.toml", "--out", results, "--status", "--json"]).stdout)
        let states = try XCTUnwrap(report["states"] as? [[String: Any]])
        XCTAssertEqual(states.map { $0["state"] as? String }, ["running", "ok"])
        XCTAssertEqual(states[0]["pid"] as? Int, Int(first.processIdentifier))
        kill(first.processIdentifier, SIGTERM)
        first.waitUntilExit()
        let after = try jsonObject(try runSpinode(["sweep", dir + "/sweep.toml", "--out", results, "--status", "--json"]).stdout)
        XCTAssertEqual((after["states"] as? [[String: Any]])?.first?["state"] as? String, "unfinished")
        #else
        throw XCTSkip("the lock holder is found in /proc/locks (Linux)")
        #endif
    }

    /// A sweep killed with SIGKILL (no handler can run) takes its running simulate task with it: the task
    /// (a child of the sweep) ends within seconds instead of running on as an orphan (`SweepParentWatch`).
    func testKilledSweepEndsItsRunningTask() throws {
        #if os(Linux)
        let dir = try makeTemporaryDirectory(self)
        try Data(TinyFilmSpec.text(relax: false, duration: "1e-6").utf8).write(to: URL(fileURLWithPath: dir + "/film.toml"))
        let text = "[sweep]\ncommand = \"simulate\"\nseed = 5\nspec = \"film.toml\"\n[[task]]\n\"material.alpha\" = 0.1\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/sweep.toml"))
        let (sweep, found) = try Self.startSweepWithItsTask(["sweep", dir + "/sweep.toml", "--out", dir + "/r", "--quiet"])
        guard let task = found else {
            sweep.terminate()
            return XCTFail("the sweep started no task within 60 s")
        }
        usleep(300_000)  // the task is past its start-up (and its parent check)
        XCTAssertTrue(Self.isAlive(task), "the task ended before its sweep was killed")
        kill(sweep.processIdentifier, SIGKILL)
        sweep.waitUntilExit()
        let end = Date().addingTimeInterval(20)
        while Self.isAlive(task), Date() < end { usleep(20_000) }
        let orphan = Self.isAlive(task)
        if orphan { kill(task, SIGKILL) }
        XCTAssertFalse(orphan, "the simulate task (pid \(task)) ran on 20 s after its sweep was killed")
        #else
        throw XCTSkip("prctl(PR_SET_PDEATHSIG) is Linux only")
        #endif
    }

    /// Starts `spinode ARGUMENTS` (a sweep) and waits up to 60 s for its simulate child: the sweep and the
    /// child's pid (nil if none came up).
    private static func startSweepWithItsTask(_ arguments: [String]) throws -> (Process, Int32?) {
        let sweep = Process()
        sweep.executableURL = URL(fileURLWithPath: try spinode())
        sweep.arguments = arguments
        sweep.standardOutput = FileHandle.nullDevice
        sweep.standardError = FileHandle.nullDevice
        try sweep.run()
        var task: Int32?
        let deadline = Date().addingTimeInterval(60)
        while task == nil, Date() < deadline, sweep.isRunning {
            task = children(of: sweep.processIdentifier).first { commandLine($0).contains(" simulate ") }
            if task == nil { usleep(20_000) }
        }
        return (sweep, task)
    }

    /// Processes whose parent is `pid` (from /proc/PID/stat).
    private static func children(of pid: Int32) -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap(Int32.init).filter { statFields($0)?.parent == pid }
    }

    /// A process's state letter and parent id, from /proc/PID/stat (fields after the command's closing ")").
    private static func statFields(_ pid: Int32) -> (state: Character, parent: Int32)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 2, let state = fields[0].first, let parent = Int32(fields[1]) else { return nil }
        return (state, parent)
    }

    /// Running (a zombie waiting to be reaped counts as ended).
    private static func isAlive(_ pid: Int32) -> Bool {
        guard let s = statFields(pid) else { return false }
        return s.state != "Z" && s.state != "X"
    }

    private static func commandLine(_ pid: Int32) -> String {
        let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
        return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
    }

    /// A fit sweep over --hidden on a tiny oscillator trace: each task's model and summary, the gathered
    /// best validation NRMSE equal to the task's own summary, and the two tasks' models trained differently.
    func testFitSweepGathersValidationNRMSE() throws {
        let dir = try makeTemporaryDirectory(self)
        _ = try importOscillator(DrivenOscillator(samples: 200), into: dir)
        let text = """
        [sweep]
        command = "fit"
        seed = 2
        arguments = ["traces.h5", "--iterations", "20", "--validate-every", "10", "--window", "10", "--batch", "4", "--quiet"]
        [grid]
        "--hidden" = ["4", "6,6"]

        """
        try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/sweep.toml"))
        let summary = try jsonObject(try runSpinode(["sweep", dir + "/sweep.toml", "--out", dir + "/r", "--json", "--quiet"]).stdout)
        XCTAssertEqual(summary["ok"] as? Int, 2, "\(summary)")
        let file = try SweepResultsFile.read(dir + "/r/sweep.h5")
        for i in 0..<2 {
            let own = try jsonObject(try String(contentsOfFile: dir + "/r/tasks/00000\(i)/summary.json", encoding: .utf8))
            let nrmse = try XCTUnwrap(file.tasks[i].figures.first { $0.name == "best_validation_nrmse" }?.value)
            XCTAssertEqual(nrmse, try number(own["best_validation_nrmse"]))
            XCTAssertEqual(file.tasks[i].figures.first { $0.name == "iterations" }?.value, 20)
            XCTAssertEqual(file.tasks[i].output, "tasks/00000\(i)/model.h5")
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/r/tasks/00000\(i)/model.h5"))
        }
    }

    /// Under mpirun -n 2 the tasks are spread over two ranks; the gather equals the serial sweep's.
    func testMPISweepEqualsSerial() throws {
        let mpirun = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .map { $0 + "/mpirun" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let mpirun else { throw XCTSkip("mpirun not on PATH") }
        let dir = try makeTemporaryDirectory(self)
        let sweep = try writeSweep(in: dir)
        try runSpinode(["sweep", sweep, "--out", dir + "/serial", "--quiet"])
        let r = try runProcess(mpirun, ["-n", "2", "--oversubscribe", "--allow-run-as-root", try spinode(), "sweep", sweep,
                                        "--out", dir + "/mpi", "--json"], timeout: 300)
        XCTAssertEqual(r.status, 0, r.stderr)
        let summary = try jsonObject(r.stdout)
        XCTAssertEqual((summary["run"] as? [String: Any])?["ranks"] as? Int, 2)
        XCTAssertEqual(summary["ok"] as? Int, 4)
        XCTAssertTrue(r.stderr.contains("rank 1: task"), "rank 1 ran no task:\n\(r.stderr)")
        let serial = try SweepResultsFile.read(dir + "/serial/sweep.h5"), mpi = try SweepResultsFile.read(dir + "/mpi/sweep.h5")
        XCTAssertEqual(serial.tasks.map(\.figures), mpi.tasks.map(\.figures))
        XCTAssertEqual(serial.tasks.map(\.parameters), mpi.tasks.map(\.parameters))
        XCTAssertEqual(serial.tasks.map(\.seed), mpi.tasks.map(\.seed))
    }
}
