import ArgumentParser

/// Every subcommand, in the order `--help` lists them.
enum CommandRegistry {
    static let all: [ParsableCommand.Type] = [
        RunCommand.self,
        CheckCommand.self,
        ImportCommand.self,
        StatsCommand.self,
        GenerateCommand.self,
        SegmentCommand.self,
        DryRunCommand.self,
        RunPlaybookCommand.self,
        RedeemCommand.self,
        BenchCommand.self,
    ]
}
