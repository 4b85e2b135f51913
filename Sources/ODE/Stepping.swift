/// How the solver chooses its steps: a fixed step, or adaptive steps under error control.
public enum Stepping: Sendable {
    /// Steps of `step` (seconds, or the system's time unit) from t0; the last step before each jump
    /// time and before t1 is shortened to land on it.
    case fixed(step: Double)
    /// Steps chosen by an error controller; see `AdaptiveStepping`.
    case adaptive(AdaptiveStepping)

    /// Adaptive stepping with the given tolerances and the defaults of `AdaptiveStepping` otherwise.
    public static func adaptive(rtol: Double, atol: Double,
                                controller: StepSizeController = .proportionalIntegral()) -> Stepping {
        .adaptive(AdaptiveStepping(rtol: rtol, atol: atol, controller: controller))
    }
}

/// Options of adaptive stepping.
///
/// A step is accepted when the error norm
///
///     err = sqrt( (1/N) sum_i ( est_i / (atol + rtol max(|y_n,i|, |y_{n+1},i|)) )^2 )
///
/// is at most 1 (root mean square over all N components; HNW I, II.4, eq. (4.11)); est is the
/// embedded estimate h sum_i e_i k_i. The next step is h times the controller's factor, clamped to
/// [minFactor, maxFactor] (never above 1 right after a rejection).
public struct AdaptiveStepping: Sendable {
    /// Relative tolerance (dimensionless).
    public var rtol: Double
    /// Absolute tolerance (units of the state).
    public var atol: Double
    /// Step-size controller.
    public var controller: StepSizeController
    /// Safety factor applied to every proposed step (HNW I, II.4: 0.8 to 0.9).
    public var safety: Double
    /// Largest growth factor of the step from one step to the next.
    public var maxFactor: Double
    /// Smallest shrink factor after a rejection.
    public var minFactor: Double
    /// First step; nil selects it by Hairer's algorithm (HNW I, II.4, p. 169).
    public var initialStep: Double?
    /// Largest step allowed.
    public var maxStep: Double
    /// Smallest step allowed; smaller proposals throw `ODEError.stepSizeUnderflow`. Steps are also
    /// refused when they no longer change t in floating point.
    public var minStep: Double
    /// Largest number of attempted (accepted + rejected) steps per solve.
    public var maxSteps: Int

    public init(rtol: Double, atol: Double, controller: StepSizeController = .proportionalIntegral(),
                safety: Double = 0.9, maxFactor: Double = 10, minFactor: Double = 0.2,
                initialStep: Double? = nil, maxStep: Double = .infinity, minStep: Double = 0,
                maxSteps: Int = 100_000) {
        self.rtol = rtol
        self.atol = atol
        self.controller = controller
        self.safety = safety
        self.maxFactor = maxFactor
        self.minFactor = minFactor
        self.initialStep = initialStep
        self.maxStep = maxStep
        self.minStep = minStep
        self.maxSteps = maxSteps
    }
}

/// The rule that turns error norms into the next step size, with k = q + 1 for an error estimate
/// of order q (the embedded order):
///
///     h_{n+1} = h_n * safety * err_n^(-beta1 / k) * err_{n-1}^(beta2 / k).
///
/// beta2 = 0 is the classical integral (I) controller (HNW I, II.4, eq. (4.13)); beta1 = 0.7,
/// beta2 = 0.4 is the proportional-integral (PI) controller of Gustafsson as recommended in
/// Hairer and Wanner, Solving ODEs II, IV.2, eq. (2.43c); Soderlind, ACM TOMS 29, 1 (2003) gives
/// the general digital-filter view.
public struct StepSizeController: Sendable, Equatable {
    public var beta1: Double
    public var beta2: Double

    public init(beta1: Double, beta2: Double) {
        self.beta1 = beta1
        self.beta2 = beta2
    }

    /// The PI controller (default beta1 = 0.7, beta2 = 0.4; HW II, IV.2).
    public static func proportionalIntegral(beta1: Double = 0.7, beta2: Double = 0.4) -> StepSizeController {
        StepSizeController(beta1: beta1, beta2: beta2)
    }

    /// The I controller, h_{n+1} = h_n * safety * err_n^(-1/k) (HNW I, II.4).
    public static let integral = StepSizeController(beta1: 1, beta2: 0)
}
