/// A `spinode fit` command recorded in a model file (`@training_command`), turned back into arguments
/// that rerun the fit as it ran: the defaults of `fit` have changed over time, so an option the
/// recorded command left out is added with the value the recorded run used, read from the model's
/// provenance (`TrainingProvenance.optimiserSettings`) where it is recorded there.
public enum RecordedFitCommand {
    /// The arguments after "fit" in a recorded command line ("/path/spinode fit TRACES --trace train ..."),
    /// or nil when it is not a fit command.
    public static func fitArguments(recorded command: String) -> [String]? {
        let tokens = command.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
        guard let fit = tokens.firstIndex(of: "fit") else { return nil }
        return Array(tokens[(fit + 1)...])
    }

    /// The recorded arguments plus the options their run took from defaults that have changed since:
    /// - provenance without `lr_plateau` (written before the plateau schedule existed): 1000 iterations at
    ///   a constant rate, validated on the training traces;
    /// - provenance with `lr_plateau` > 0 and a command that does not name `--lr-plateau` (the plateau
    ///   schedule was the default for part of 2026-12-03): that patience and its reductions.
    /// The validation `auto` resolved to is not in the provenance, so a command recorded under its 20 %
    /// tail (also 2026-12-03) reruns with today's.
    public static func rerunArguments(_ arguments: [String], optimiserSettings settings: [String: Double]) -> [String] {
        func names(_ option: String) -> Bool {
            arguments.contains { $0 == option || $0.hasPrefix(option + "=") }
        }
        var added: [String] = []
        guard let patience = settings["lr_plateau"] else {
            for (option, value) in [("--iterations", "1000"), ("--validation", "training"), ("--lr-plateau", "0")]
            where !names(option) {
                added += [option, value]
            }
            return arguments + added
        }
        if patience > 0 && !names("--lr-plateau") {
            added += ["--lr-plateau", String(Int(patience))]
            if let reductions = settings["lr_reductions"], !names("--lr-reductions") {
                added += ["--lr-reductions", String(Int(reductions))]
            }
        }
        return arguments + added
    }
}
