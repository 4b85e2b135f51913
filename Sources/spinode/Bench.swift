import ArgumentParser

/// `spinode bench ...`: the benchmarks behind every performance figure we report.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks of the hot paths (run on a release build; compare with scripts/bench/*_peers.py).",
        subcommands: [
            BenchSurrogateRK4.self,
            BenchDevices.self,
            BenchReservoir.self,
            BenchNode64.self,
            BenchSP4.self,
            BenchThreads.self,
            BenchFitPaper.self,
            BenchTraceIO.self,
        ]
    )
}
