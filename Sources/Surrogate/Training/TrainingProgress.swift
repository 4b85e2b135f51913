/// One validation during training.
public struct ValidationRecord: Sendable, Codable, Equatable {
    public var iteration: Int
    public var nrmse: Double
    /// Training loss of the iteration just before (nil before the first iteration).
    public var loss: Double?

    public init(iteration: Int, nrmse: Double, loss: Double?) {
        self.iteration = iteration
        self.nrmse = nrmse
        self.loss = loss
    }
}

/// What the trainer reports after each iteration.
public struct TrainingProgress: Sendable {
    public var iteration: Int
    public var iterations: Int
    public var loss: Double
    /// Set on iterations that validated.
    public var validationNRMSE: Double?
    public var bestValidationNRMSE: Double?
    public var iterationsPerSecond: Double
    public var secondsRemaining: Double
}
