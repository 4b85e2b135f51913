import Foundation
import Plot
import Surrogate

/// `spinode fit --plot`: the minibatch training loss after every iteration (top) and the validation NRMSE
/// at every validation (bottom, markers; iteration 0 is the untrained network's baseline), both against
/// the iteration on a log y axis, the best validated iteration (the model written) marked. Non-finite
/// values (a diverged step or validation) leave gaps.
public enum TrainingFigure {
    /// The training loss as `spinode fit` sees it, one entry per iteration run in this process (a resumed
    /// run starts at the checkpoint's iteration).
    public struct LossHistory: Sendable {
        public var iterations: [Int] = []
        public var losses: [Double] = []

        public init() {}

        public mutating func record(iteration: Int, loss: Double) {
            iterations.append(iteration)
            losses.append(loss)
        }
    }

    /// The figure; the validation panel only when there were validations with a finite NRMSE.
    public static func figure(loss: LossHistory, validation: [ValidationRecord], bestIteration: Int?,
                              title: String) -> PanelFigure {
        var panels = [LinePlot]()
        panels.append(LinePlot(
            title: title + ": training loss",
            xLabel: "iteration", yLabel: "loss (MSE, normalised units, dimensionless)",
            series: [.init(name: "minibatch loss", x: loss.iterations.map(Double.init), y: loss.losses,
                           colour: LinePlot.palette[0])],
            yScale: .logarithmic))
        var series: [LinePlot.Series] = [.init(name: "validation NRMSE", x: validation.map { Double($0.iteration) },
                                               y: validation.map(\.nrmse), colour: LinePlot.palette[1], markers: true)]
        if let best = bestIteration, let record = validation.last(where: { $0.iteration == best }), record.nrmse.isFinite {
            series.append(.init(name: "best (iteration \(best), the model written)", x: [Double(best)], y: [record.nrmse],
                                colour: LinePlot.palette[6], markers: true))
        }
        panels.append(LinePlot(title: title + ": validation (free run)", xLabel: "iteration",
                               yLabel: "validation NRMSE (dimensionless)", series: series, yScale: .logarithmic))
        return PanelFigure(panels: panels.filter { (try? $0.frame()) != nil })
    }
}
