import Foundation
import Surrogate

/// The progress of a training run as `spinode fit` shows it: on a terminal one live line (carriage return,
/// redrawn at most ten times a second and on validations and the last iteration), otherwise a plain line at
/// every `logEvery` iterations and the last. `spinode demo --train` shows the fit's progress the same way.
public final class TrainingProgressPrinter {
    private let stream: FileHandle
    private let terminal: Bool
    private let logEvery: Int
    private let clock = ContinuousClock()
    private var lastDraw: ContinuousClock.Instant
    /// A live line is open (`finish()` ends it).
    public private(set) var lineOpen = false

    public init(stream: FileHandle, terminal: Bool, logEvery: Int) {
        self.stream = stream
        self.terminal = terminal
        self.logEvery = max(1, logEvery)
        lastDraw = clock.now
    }

    /// "iteration 10/100  loss 1.2e-02  validation NRMSE 0.1  best 0.1  12.3 it/s  ETA 7 s".
    public static func line(_ p: TrainingProgress, lastValidationNRMSE: Double?) -> String {
        let validationText = (p.validationNRMSE ?? lastValidationNRMSE).map { String(format: "%.4g", $0) } ?? "-"
        let eta = p.secondsRemaining.isFinite ? String(format: "%.0f s", p.secondsRemaining) : "-"
        return String(format: "iteration %d/%d  loss %.4e  validation NRMSE %@  best %@  %.1f it/s  ETA %@",
                      p.iteration, p.iterations, p.loss, validationText,
                      p.bestValidationNRMSE.map { String(format: "%.4g", $0) } ?? "-", p.iterationsPerSecond, eta)
    }

    public func report(_ p: TrainingProgress, trainer: SurrogateTrainer) {
        if terminal {
            let now = clock.now
            guard p.validationNRMSE != nil || p.iteration == p.iterations || now - lastDraw >= .milliseconds(100) else { return }
            lastDraw = now
            stream.write(Data(("\r" + Self.line(p, lastValidationNRMSE: trainer.lastValidationNRMSE) + "\u{1B}[K").utf8))
            lineOpen = true
        } else if p.iteration % logEvery == 0 || p.iteration == p.iterations {
            stream.write(Data((Self.line(p, lastValidationNRMSE: trainer.lastValidationNRMSE) + "\n").utf8))
        }
    }

    /// Ends the live line, if one is open.
    public func finish() {
        if lineOpen { stream.write(Data("\n".utf8)) }
        lineOpen = false
    }
}
