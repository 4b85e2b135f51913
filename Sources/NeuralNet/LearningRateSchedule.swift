#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The learning rate as a function of the optimiser step t = 0, 1, 2, ... (t counts steps taken
/// before the current one), for a base rate lr_0.
public enum LearningRateSchedule: Sendable, Equatable {
    /// lr_0 at every step (the paper: Adam at 1e-3, Chen et al., Nat. Commun. 13, 1016 (2022)).
    case constant
    /// lr_0 factor^floor(t / interval): `torch.optim.lr_scheduler.StepLR(step_size: interval, gamma: factor)`
    /// stepped once per optimiser step.
    case stepDecay(interval: Int, factor: Double)
    /// Cosine annealing (Loshchilov and Hutter, ICLR 2017, without restarts):
    /// lr_min + (lr_0 - lr_min) (1 + cos(pi t / period)) / 2 for t <= period, lr_min after.
    case cosine(period: Int, minimum: Double)

    /// The rate at step t for base rate lr0.
    public func rate(base lr0: Double, step t: Int) -> Double {
        switch self {
        case .constant:
            return lr0
        case .stepDecay(let interval, let factor):
            return lr0 * pow(factor, Double(t / Swift.max(interval, 1)))
        case .cosine(let period, let minimum):
            if t >= period { return minimum }
            return minimum + (lr0 - minimum) * (1 + cos(Double.pi * Double(t) / Double(period))) / 2
        }
    }
}
