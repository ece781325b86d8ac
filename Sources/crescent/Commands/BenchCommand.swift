import ArgumentParser

/// `crescent bench …`: the project's benchmark commands (figures go to docs/PERFORMANCE.md).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print their figures next to a baseline run in the same command.",
        subcommands: [BenchRFMCommand.self, BenchSegmentCommand.self, BenchDryRunCommand.self, BenchJourneysCommand.self,
                       BenchIssueCommand.self, BenchServeCommand.self, BenchBacktestCommand.self, BenchScaleCommand.self])
}
