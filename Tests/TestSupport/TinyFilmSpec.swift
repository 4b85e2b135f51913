/// The small simulation spec the spec-runner and `spinode simulate` tests run: a 16 x 8 x 1 permalloy film
/// (4 x 4 x 3 nm cells, Msat 800 kA/m, Aex 13 pJ/m, alpha 0.02) from a near-uniform state, optionally relaxed,
/// then driven for `duration` seconds by a 4 GHz sine-carrier field along z (10 mT, 50 ps period) under a
/// static in-plane field, sampled every 10 ps (docs/spec-format.md). Durations are given as the TOML text.
public enum TinyFilmSpec {
    public static func text(title: String = "tiny film", demag: Bool = false, relax: Bool = true, duration: String,
                            carrierBounds: Bool = true, checkpointEvery: String? = nil) -> String {
        var lines = [
            "title = \"\(title)\"", "seed = 3",
            "[mesh]", "cells = [16, 8, 1]", "cell_size = [4e-9, 4e-9, 3e-9]",
            "[material]", "Msat = 800e3", "Aex = 13e-12", "alpha = 0.02",
            "[terms]", "demag = \(demag)",
            "[initial]", "uniform = [1, 0.1, 0]",
        ]
        if relax { lines += ["[[stage]]", "kind = \"relax\"", "torque_tolerance = 1e-2"] }
        lines += [
            "[[stage]]", "kind = \"run\"", "duration = \(duration)", "field = [-0.03, 0.005, 0]", "record = true",
            "drive = \"k\"", "[drive.k]", "kind = \"sine-carrier\"", "target = \"field_z\"", "amplitude = 0.01",
            "frequency = 4e9", "period = 50e-12",
        ]
        if carrierBounds { lines += ["low = -2", "high = 2"] }
        lines += ["[output]", "interval = 10e-12"]
        if let checkpointEvery { lines.append("checkpoint_every = \(checkpointEvery)") }
        return lines.joined(separator: "\n")
    }
}
