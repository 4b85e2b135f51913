import Numerics
import ArgumentParser
import Foundation
import Workflows
import Benchmarks
import ODE
import NeuralNet

/// `spinode bench node64`: seconds per loss-and-gradient of the NODE-64 neural ODE.
struct BenchNode64: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node64",
        abstract: "Gradient of a 5-64-64-4 neural ODE over 32 trajectories, t in [0, 50] (Dopri5, rtol 1e-6).",
        discussion: """
        The NODE-64 definition is in Sources/Benchmarks/Node64.swift; the same problem in diffrax and \
        torchdiffeq is scripts/bench/node64_peers.py. Reports the median of --repeats timed evaluations \
        after one warm-up, the loss and gradient norm with their errors against the tight-tolerance \
        reference (78.290497, 3000.8805), and the steps and evaluations of both passes.

        Example: spinode bench node64 --gradient discrete --json
        """
    )

    enum GradientMethod: String, ExpressibleByArgument, CaseIterable {
        case discrete, continuous
    }

    enum Controller: String, ExpressibleByArgument, CaseIterable {
        case pi, i
    }

    @Option(help: "Gradient method: discrete (exact, reverse through the steps) or continuous (backsolve adjoint).")
    var gradient: GradientMethod = .discrete

    @Option(help: "Step-size controller: i (integral, the default: what diffrax's PIDController does with its default coefficients, so both run the same algorithm) or pi.")
    var controller: Controller = .i

    @Option(help: "Timed repetitions after one warm-up (median reported).")
    var repeats: Int = 9

    enum Path: String, ExpressibleByArgument, CaseIterable {
        case automatic, blas, direct
    }

    @Option(help: "MLP kernel for the forward pass: automatic, blas or direct.")
    var mlpPath: Path = .automatic

    @Option(help: "OpenBLAS threads.")
    var threads: Int = 1

    @Option(help: "Relative tolerance (also of the continuous adjoint's backward solve).")
    var rtol: Double = 1e-6

    @Option(help: "Absolute tolerance.")
    var atol: Double = 1e-8

    @Flag(help: "Continuous adjoint: reset the backsolved state to the stored forward solution at each save time (the plain backsolve is unstable on NODE-64).")
    var resetState = false

    @Flag(help: "Use the toolkit's NeuralVectorField (no forward records) instead of Node64VectorField.")
    var noTape = false

    @Flag(help: "Fail unless the loss agrees with the reference to 1e-6 and the gradient norm to 1e-5 (relative).")
    var check = false

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        BLAS.settleWorkerThreads()
        let stepController: StepSizeController = controller == .pi ? .proportionalIntegral() : .integral
        let computePath: MLPComputePath = mlpPath == .blas ? .blas : (mlpPath == .direct ? .direct : .automatic)
        let result: Node64.Result
        switch gradient {
        case .discrete:
            result = try Node64.run(adjoint: DiscreteAdjoint(), methodName: "discrete adjoint (all stages stored)",
                                    controller: stepController, rtol: rtol, atol: atol, repeats: repeats, blasThreads: threads,
                                    computePath: computePath, taped: !noTape)
        case .continuous:
            result = try Node64.run(adjoint: ContinuousAdjoint(rtol: rtol, atol: atol, seminorm: true,
                                                               resetStateAtSaveTimes: resetState),
                                    methodName: "continuous adjoint (backsolve, seminorm\(resetState ? ", state reset at save times" : ""))",
                                    controller: stepController, rtol: rtol, atol: atol, repeats: repeats, blasThreads: threads,
                                    computePath: computePath, taped: !noTape)
        }
        if json {
            print(try JSONOutput.string(MachineTagged(result, machine: MachineDescription(threads: [threads]))))
        } else {
            print(MachineDescription(threads: [threads]).header)
            print("""
            NODE-64 \(result.gradient_method), \(result.vector_field), controller \(result.controller), rtol \(result.rtol), atol \(result.atol)
              seconds per gradient: \(result.seconds_per_gradient) (median of \(result.repeats))
              loss \(result.loss) (rel. error \(result.loss_relative_error)), gradient norm \(result.gradient_norm) (rel. error \(result.gradient_norm_relative_error))
              forward: \(result.accepted_steps) accepted, \(result.rejected_steps) rejected, \(result.rhs_evaluations) f
              backward: \(result.backward_accepted_steps) accepted, \(result.backward_rejected_steps) rejected, \(result.backward_rhs_evaluations) f, \(result.backward_vjp_evaluations) vjp
            """)
        }
        if check && !(result.loss_relative_error <= 1e-6 && result.gradient_norm_relative_error <= 1e-5) {
            throw Node64CheckFailure(description: "NODE-64 check failed: loss relative error \(result.loss_relative_error) (limit 1e-6), gradient norm relative error \(result.gradient_norm_relative_error) (limit 1e-5)")
        }
    }
}

/// The `--check` failure of `spinode bench node64`, one line.
struct Node64CheckFailure: Error, CustomStringConvertible {
    let description: String
}
