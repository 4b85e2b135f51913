import Foundation
import Devices
import TraceIO

/// Collects every task's status and key figures into RESULTS/sweep.h5 (`SweepResultsFile`), atomically.
/// Key figures, from each task's `--json` summary:
/// - simulate: final <m> components `final_mx`, `final_my`, `final_mz` (unit-less, normalised);
/// - fit: `best_validation_nrmse` (held-out or training free-run NRMSE, docs/training.md), `iterations`,
///   `final_train_loss`;
/// - reservoir: every entry of the result's `metrics` under its own name (e.g. `nrmse`, `accuracy`,
///   `memory_capacity`, docs/reservoir-tasks.md).
/// A task without a status is recorded as missing; its index is listed in the file's `missing_tasks`.
public enum SweepGather {
    public static let fileName = "sweep.h5"

    /// The gathered results (not written).
    public static func collect(plan: SweepPlan, results: String) -> SweepResultsFile {
        var file = SweepResultsFile(command: plan.command.rawValue, seed: Int(plan.seed), tasks: [])
        for task in plan.tasks {
            let folder = results + "/tasks/" + task.folderName
            var record = SweepResultsFile.Task(index: task.index, seed: Int(task.seed), status: "missing",
                                               parameters: task.parameters.map { .init(key: $0.key, value: $0.value.attribute) })
            if let status = SweepTaskStatus.read(folder + "/status.json") {
                record.status = status.status
                record.error = status.error
                record.wallSeconds = status.wallSeconds
                record.output = status.output
                if status.isOK { record.figures = figures(plan.command, summary: folder + "/summary.json") }
            }
            file.tasks.append(record)
        }
        return file
    }

    /// Collects and writes RESULTS/sweep.h5; returns what was written.
    @discardableResult
    public static func gather(plan: SweepPlan, results: String) throws -> SweepResultsFile {
        let file = collect(plan: plan, results: results)
        try file.write(to: results + "/" + fileName)
        return file
    }

    /// The key figures of one task's JSON summary.
    static func figures(_ command: SweepPlan.Command, summary path: String) -> [SweepResultsFile.Figure] {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONDecoder().decode(SummaryFigures.self, from: data) else { return [] }
        switch command {
        case .simulate:
            guard let m = object.finalM, m.count == 3 else { return [] }
            return zip(["final_mx", "final_my", "final_mz"], m).map { .init(name: $0, value: $1) }
        case .fit:
            var out: [SweepResultsFile.Figure] = []
            out.append(.init(name: "best_validation_nrmse", value: object.bestValidationNRMSE ?? .nan))
            if let i = object.iterations { out.append(.init(name: "iterations", value: Double(i))) }
            if let l = object.finalTrainLoss { out.append(.init(name: "final_train_loss", value: l)) }
            return out
        case .reservoir:
            let metrics = object.metrics ?? object.result?.metrics ?? [:]
            return metrics.keys.sorted().map { .init(name: $0, value: metrics[$0]!) }
        }
    }

    /// The fields of the three commands' --json summaries the gather reads (numbers written as "nan"/"inf"
    /// strings by JSONOutput are read as such).
    struct SummaryFigures: Decodable {
        var finalM: [Double]?
        var bestValidationNRMSE: Double?
        var iterations: Int?
        var finalTrainLoss: Double?
        var metrics: [String: Double]?
        var result: Nested?
        struct Nested: Decodable { var metrics: [String: Double]? }

        enum CodingKeys: String, CodingKey {
            case finalM = "final_m", bestValidationNRMSE = "best_validation_nrmse", iterations
            case finalTrainLoss = "final_train_loss", metrics, result
        }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            finalM = try? c.decodeIfPresent([FlexibleNumber].self, forKey: .finalM)?.map(\.value)
            bestValidationNRMSE = (try? c.decodeIfPresent(FlexibleNumber.self, forKey: .bestValidationNRMSE))?.value
            iterations = try? c.decodeIfPresent(Int.self, forKey: .iterations)
            finalTrainLoss = (try? c.decodeIfPresent(FlexibleNumber.self, forKey: .finalTrainLoss))?.value
            metrics = (try? c.decodeIfPresent([String: FlexibleNumber].self, forKey: .metrics))?.mapValues(\.value)
            result = try? c.decodeIfPresent(Nested.self, forKey: .result)
        }
    }

    /// A JSON number, or "nan" / "inf" / "-inf" as JSONOutput writes non-finite numbers.
    struct FlexibleNumber: Decodable {
        var value: Double
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let d = try? c.decode(Double.self) { value = d; return }
            switch try c.decode(String.self) {
            case "inf": value = .infinity
            case "-inf": value = -.infinity
            default: value = .nan
            }
        }
    }
}

extension SpecValue {
    /// The value as an HDF5 attribute (booleans as 0/1 integers, arrays and tables as their TOML text).
    var attribute: HDF5AttributeValue {
        switch self {
        case let .string(s): return .string(s)
        case let .integer(i): return .integer(i)
        case let .double(d): return .number(d)
        case let .bool(b): return .integer(b ? 1 : 0)
        case .array, .table: return .string(tomlInline)
        }
    }
}
