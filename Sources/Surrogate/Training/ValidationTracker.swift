/// The validation history of a run and the early-stopping decision drawn from it.
struct ValidationTracker {
    var lastNRMSE: Double?
    var bestNRMSE: Double?
    var bestIteration = 0
    var withoutImprovement = 0
    /// Every validation, in order (the one at iteration 0 is the untrained baseline).
    var history: [ValidationRecord] = []

    /// Records the validation of `iteration` and returns whether it is the new best. The baseline at
    /// iteration 0 is recorded but never the best, so a fit never keeps its random initial weights.
    mutating func record(iteration: Int, nrmse value: Double, loss: Double?) -> Bool {
        lastNRMSE = value
        history.append(ValidationRecord(iteration: iteration, nrmse: value, loss: loss))
        if iteration == 0 { return false }
        if let best = bestNRMSE, !(value < best) {
            withoutImprovement += 1
            return false
        }
        bestNRMSE = value
        bestIteration = iteration
        withoutImprovement = 0
        return true
    }

    /// Why training stops now, if it does: the target reached, the patience used up; `.iterations`
    /// otherwise (the caller compares the budget).
    func stopReason(target: Double?, patience: Int?) -> SurrogateTrainer.StopReason {
        if let target, let best = bestNRMSE, best <= target { return .target }
        if let patience, withoutImprovement >= patience { return .patience }
        return .iterations
    }
}
