import ArgumentParser
import Workflows

/// `spinode`: one command over the SpinODE library. Each verb is a thin command: parse, call the
/// library, print (and `--json` for scripts).
@main
struct Spinode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spinode",
        abstract: "Neural-ODE surrogates of spintronic devices: simulate, fit, predict, reservoir-compute.",
        discussion: """
        SI units throughout (seconds, tesla, A/m, J/m^3). Every random choice takes a --seed.
        Run `spinode <command> --help` for each command's options.
        """,
        version: SpinodeVersion.string,
        subcommands: [
            Bench.self,
            Fit.self,
            Predict.self,
            EnsembleCommand.self,
            Import.self,
            Export.self,
            Inspect.self,
            ReservoirCommand.self,
            Simulate.self,
            Split.self,
            Merge.self,
            Sweep.self,
            Demo.self,
            CheckHDF5.self,
        ]
    )

    /// Binds a sweep's task to its sweep (`SweepParentWatch`), enables the HDF5 preflight (except in the
    /// preflight's own child), then runs the command.
    static func main() {
        SweepParentWatch.bindToSweep()
        if CommandLine.arguments.dropFirst().first != "check-hdf5" { enableHDF5Preflight() }
        main(nil)
    }
}

enum SpinodeVersion {
    static let string = "0.1.0"
}
