/// One way to compute the training loss of a minibatch (`WindowLoss`) and its gradient with respect
/// to the network's parameters theta. The choice is made once per run from the solver, the network
/// and the precision (`SurrogateTrainer.gradientMethod(...)`); every method computes the same
/// mathematical quantity (tests compare them).
protocol MinibatchGradientMethod: AnyObject {
    /// The loss at parameters `theta` of the minibatch in `workspace` (its `y0`, `targets` and drive
    /// already set), writing dL/dtheta to `workspace.gradient`. `iteration` (0-based) names the
    /// iteration in errors.
    func lossAndGradient(parameters theta: [Double], workspace: MinibatchWorkspace, iteration: Int) throws -> Double
}
