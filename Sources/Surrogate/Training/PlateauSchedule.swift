/// Learning-rate reduction on a validation plateau, and the convergence rule built on it: after
/// `patience` validations in a row without a new best validation NRMSE, the learning rate is multiplied
/// by `factor` (as `torch.optim.lr_scheduler.ReduceLROnPlateau(mode="min", factor, patience)` counted in
/// validations, with threshold 0); after `maxReductions` reductions, the next such plateau ends the run
/// as converged.
///
/// The state is a pure function of the validation history (the untrained baseline at iteration 0 is
/// skipped, as in `ValidationTracker`), so a checkpoint, which stores the history, resumes it exactly.
public struct PlateauSchedule: Sendable, Equatable, Codable {
    /// Validations without improvement before the rate is reduced (>= 1).
    public var patience: Int
    /// Multiplier of the learning rate at each reduction, in (0, 1).
    public var factor: Double
    /// Reductions before the next plateau stops the run (>= 0).
    public var maxReductions: Int

    public init(patience: Int, factor: Double, maxReductions: Int) {
        self.patience = patience
        self.factor = factor
        self.maxReductions = maxReductions
    }

    /// Where a run stands after `history`.
    public struct State: Equatable, Sendable {
        /// Reductions made so far.
        public var reductions = 0
        /// Validations without improvement since the last best or the last reduction.
        public var sinceProgress = 0
        /// A plateau followed the last allowed reduction: the run has converged.
        public var converged = false

        public init(reductions: Int = 0, sinceProgress: Int = 0, converged: Bool = false) {
            self.reductions = reductions
            self.sinceProgress = sinceProgress
            self.converged = converged
        }
    }

    /// Replays `history` (in order).
    public func state(after history: [ValidationRecord]) -> State {
        var s = State()
        var best = Double.infinity
        for record in history where record.iteration > 0 {
            if record.nrmse < best {
                best = record.nrmse
                s.sinceProgress = 0
                continue
            }
            s.sinceProgress += 1
            guard s.sinceProgress >= patience else { continue }
            if s.reductions < maxReductions {
                s.reductions += 1
                s.sinceProgress = 0
            } else {
                s.converged = true
            }
        }
        return s
    }

    /// The learning-rate multiplier after `reductions` reductions: factor^reductions.
    public func multiplier(reductions: Int) -> Double {
        var m = 1.0
        for _ in 0..<reductions { m *= factor }
        return m
    }
}
