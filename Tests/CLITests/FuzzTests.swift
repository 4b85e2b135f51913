import Foundation
import XCTest

/// The fuzz run of issue 13 ("Done"): a few hundred generated malformed tables, trace files, model files,
/// specs and flag values (MalformedInputs, MalformedFlags) through every subcommand of the built binary.
///
/// Each case runs in a fresh output folder with a 10 s limit, two cases at a time. A case is clean when:
/// - it was not ended by a signal (else a crash) and finished within the limit (else a hang);
/// - a refusal exits non-zero with one clear line on stderr: exactly one non-empty line of at least 10
///   characters, or ArgumentParser's own parse error, whose first line starts with "Error: " and names the
///   problem and whose other lines are its usage block ("Usage:", "Help:", indented lines); no Swift
///   debug text ("Optional(", "SIMD3<", "Fatal error") in it;
/// - a refused run creates nothing in its output folder, and an existing --out keeps its bytes (else a
///   file lost);
/// - no ".spinode-tmp-" or ".spinode-lock" file is left anywhere, and no corpus or seed file changed
///   (else a file lost);
/// - a positive control (CRLF or BOM table, valid files) exits 0.
/// The counts line "fuzz: N cases, N clean, N crashes, N hangs, N files lost" is printed on every run and
/// heads the failure message, which lists every failing case. SPINODE_FUZZ_DIR=PATH keeps the corpus and
/// the cases' folders in PATH (replaced at each run) to reproduce a case by hand.
final class FuzzTests: XCTestCase {
    static let caseTimeout = 10.0

    enum Outcome {
        case clean
        case crash(String)
        case hang(String)
        case fileLost(String)
        case bad(String)

        var problem: String? {
            switch self {
            case .clean: return nil
            case .crash(let s), .hang(let s), .fileLost(let s), .bad(let s): return s
            }
        }
    }

    func testFuzzRun() throws {
        let binary = try spinode()
        // SPINODE_FUZZ_DIR=PATH keeps the corpus and every case's folder there for a look afterwards.
        let dir: String
        if let kept = ProcessInfo.processInfo.environment["SPINODE_FUZZ_DIR"] {
            dir = kept
            try? FileManager.default.removeItem(atPath: dir)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } else {
            dir = try makeTemporaryDirectory(self)
        }
        let seedsDir = dir + "/seeds", corpus = dir + "/corpus", outs = dir + "/out"
        for folder in [seedsDir, corpus, outs] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        }
        let seeds = try makeSeeds(in: seedsDir)

        var generator = MalformedInputs(seeds: seeds, corpus: corpus)
        let cases = try generator.tables() + generator.traceFiles() + generator.modelFiles() + generator.specs()
            + MalformedFlags(seeds: seeds).cases()
        let inputsBefore = try Self.snapshot(seedsDir).merging(try Self.snapshot(corpus)) { a, _ in a }

        let started = Date()
        let outcomes = Self.runAll(cases, binary: binary, outs: outs)
        let seconds = Date().timeIntervalSince(started)

        var failures: [String] = []
        var counts = (clean: 0, crashes: 0, hangs: 0, lost: 0)
        for (fuzzCase, outcome) in zip(cases, outcomes) {
            switch outcome {
            case .clean: counts.clean += 1
            case .crash: counts.crashes += 1
            case .hang: counts.hangs += 1
            case .fileLost: counts.lost += 1
            case .bad: break
            }
            if let problem = outcome.problem {
                failures.append("\(fuzzCase.label): spinode \(fuzzCase.arguments.joined(separator: " ")): \(problem)")
            }
        }
        // Inputs changed or removed by any case, and temporaries left next to them.
        let inputsAfter = try Self.snapshot(seedsDir).merging(try Self.snapshot(corpus)) { a, _ in a }
        for (name, bytes) in inputsBefore.sorted(by: { $0.key < $1.key }) where inputsAfter[name] != bytes {
            counts.lost += 1
            failures.append("input \(name): changed or removed by the run")
        }
        for leftover in try Self.leftovers(in: seedsDir) + Self.leftovers(in: corpus) {
            failures.append("left behind: \(leftover)")
        }

        let summary = "fuzz: \(cases.count) cases, \(counts.clean) clean, \(counts.crashes) crashes, \(counts.hangs) hangs, "
            + "\(counts.lost) files lost"
        print(summary + String(format: " (%.1f s)", seconds))
        if !failures.isEmpty {
            XCTFail(([summary] + failures).joined(separator: "\n"))
        }
        XCTAssertGreaterThanOrEqual(cases.count, 300, "the corpus shrank")
    }

    /// Flipped bytes land in other HDF5 objects when the seeds hold paths of another length (the model's
    /// provenance names the trace file): the flipped-byte cases, under three folders whose names differ in
    /// length, must all be clean (a crash of libhdf5 on damaged metadata is refused by the preflight).
    /// SPINODE_FUZZ_DIR=PATH keeps them in PATH/flipped.
    func testFlippedBytesUnderThreeFolderLengths() throws {
        let binary = try spinode()
        let base: String
        if let kept = ProcessInfo.processInfo.environment["SPINODE_FUZZ_DIR"] {
            base = kept + "/flipped"
            try? FileManager.default.removeItem(atPath: base)
        } else {
            base = try makeTemporaryDirectory(self)
        }
        var failures: [String] = []
        var total = 0
        for name in ["a", "folder-of-medium-name", "a-much-longer-folder-name-that-shifts-every-offset-further"] {
            let dir = base + "/" + name
            let seedsDir = dir + "/seeds", corpus = dir + "/corpus", outs = dir + "/out"
            for folder in [seedsDir, corpus, outs] {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            var generator = MalformedInputs(seeds: try makeSeeds(in: seedsDir), corpus: corpus, seed: 0xF11B)
            let cases = try generator.flippedBytes(count: 6)
            total += cases.count
            for (fuzzCase, outcome) in zip(cases, Self.runAll(cases, binary: binary, outs: outs)) {
                if let problem = outcome.problem {
                    failures.append("\(name)/\(fuzzCase.label): spinode \(fuzzCase.arguments.joined(separator: " ")): \(problem)")
                }
            }
        }
        print("flipped bytes: \(total) cases under 3 folder lengths, \(total - failures.count) clean")
        XCTAssertEqual(total, 3 * (6 * 5 + 6 * 4), "6 trace files through 5 commands, 6 model files through 4, in 3 folders")
        XCTAssert(failures.isEmpty, failures.joined(separator: "\n"))
    }

    /// The valid seeds: the oscillator table, its trace file, a 2-iteration model and the tiny spec.
    private func makeSeeds(in dir: String) throws -> FuzzSeeds {
        let traces = try importOscillator(DrivenOscillator(samples: 300), into: dir)
        let model = dir + "/model.h5"
        try runSpinode(["fit", traces, "--out", model, "--iterations", "2", "--hidden", "8", "--quiet"])
        let spec = dir + "/film.toml"
        try FuzzSeeds.spec.write(toFile: spec, atomically: true, encoding: .utf8)
        return FuzzSeeds(table: dir + "/osc.csv", traces: traces, model: model, spec: spec)
    }

    /// Runs every case on two threads (each case is its own process), outcomes in case order.
    static func runAll(_ cases: [FuzzCase], binary: String, outs: String) -> [Outcome] {
        final class Results: @unchecked Sendable {
            var outcomes: [Outcome]
            let lock = NSLock()
            init(count: Int) { outcomes = Array(repeating: .clean, count: count) }
        }
        let results = Results(count: cases.count)
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            for index in stride(from: worker, to: cases.count, by: 2) {
                let outcome = run(cases[index], binary: binary, folder: outs + "/case\(index)")
                results.lock.lock()
                results.outcomes[index] = outcome
                results.lock.unlock()
            }
        }
        return results.outcomes
    }

    /// One case in its own fresh output folder.
    static func run(_ fuzzCase: FuzzCase, binary: String, folder: String) -> Outcome {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var kept: (path: String, bytes: Data)?
            if let existing = fuzzCase.existingOutput {
                let path = folder + "/" + existing.name
                try FileManager.default.copyItem(atPath: existing.source, toPath: path)
                kept = (path, try Data(contentsOf: URL(fileURLWithPath: path)))
            }
            let result: ProcessResult
            do {
                result = try runProcess(binary, fuzzCase.resolvedArguments(out: folder), timeout: caseTimeout)
            } catch let error as CLITestError {
                if case .timeout = error {
                    let left = (try? leftovers(in: folder)) ?? []
                    return .hang("still running after \(caseTimeout) s" + (left.isEmpty ? "" : "; left \(left.count) temporaries"))
                }
                throw error
            }
            let stderr = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            if result.signalled { return .crash("killed by signal \(result.status); stderr: \(stderr.prefix(120))") }

            if let kept, FileManager.default.contents(atPath: kept.path) != kept.bytes {
                return .fileLost("the existing --out \(kept.path) was changed or removed (status \(result.status))")
            }
            let leftovers = try leftovers(in: folder)
            if !leftovers.isEmpty { return .bad("left temporaries: \(leftovers.joined(separator: ", "))") }

            if result.status == 0 {
                if fuzzCase.expectation == .refused {
                    return .bad("exit 0 (expected a refusal); stderr: \(stderr.prefix(200))")
                }
                return .clean
            }
            if fuzzCase.expectation == .accepted {
                return .bad("exit \(result.status) for a valid input: \(stderr.prefix(300))")
            }
            if let problem = messageProblem(result) { return .bad("exit \(result.status), \(problem)") }
            let created = try FileManager.default.contentsOfDirectory(atPath: folder)
                .filter { $0 != fuzzCase.existingOutput?.name }
            if !created.isEmpty {
                return .bad("refused (\(result.stderrLines.first ?? "")) but created \(created.sorted().joined(separator: ", "))")
            }
            return .clean
        } catch {
            return .bad("the test could not run the case: \(error)")
        }
    }

    /// Nil if stderr is one clear line (see the type's documentation), else what is wrong with it.
    static func messageProblem(_ result: ProcessResult) -> String? {
        let lines = result.stderrLines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard let first = lines.first else { return "nothing on stderr" }
        for junk in ["Optional(", "SIMD3<", "Fatal error", "9223372036854775808"] where result.stderr.contains(junk) {
            return "stderr shows '\(junk)': \(first)"
        }
        guard first.trimmingCharacters(in: .whitespaces).count >= 10 else { return "stderr line too short: '\(first)'" }
        if lines.count == 1 { return nil }
        let usageBlock = lines.dropFirst().allSatisfy { $0.hasPrefix("Usage:") || $0.hasPrefix("Help:") || $0.hasPrefix(" ") }
        if first.hasPrefix("Error: "), usageBlock { return nil }
        return "stderr has \(lines.count) lines: " + lines.prefix(4).joined(separator: " | ").prefix(400)
    }

    /// Hidden temporaries and lock files under `dir`.
    static func leftovers(in dir: String) throws -> [String] {
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: dir)
        while let name = enumerator?.nextObject() as? String {
            if name.contains(".spinode-tmp-") || name.contains(".spinode-lock") { found.append(dir + "/" + name) }
        }
        return found
    }

    /// Bytes of every regular file under `dir`, by path relative to `dir`'s parent.
    static func snapshot(_ dir: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let base = (dir as NSString).lastPathComponent
        let enumerator = FileManager.default.enumerator(atPath: dir)
        while let name = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = dir + "/" + name
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[base + "/" + name] = FileManager.default.contents(atPath: path)
            }
        }
        return files
    }
}
