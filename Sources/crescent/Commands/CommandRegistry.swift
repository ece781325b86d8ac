import ArgumentParser

/// Every subcommand, in the order `--help` lists them.
enum CommandRegistry {
    static let all: [ParsableCommand.Type] = [
        RunCommand.self,
        CheckCommand.self,
        SegmentCommand.self,
        DryRunCommand.self,
        ExplainCommand.self,
        DiffCommand.self,
        TestCommand.self,
        ImportCommand.self,
        StatsCommand.self,
        GenerateCommand.self,
        RunPlaybookCommand.self,
        DeliverCommand.self,
        RedeemCommand.self,
        ServeCommand.self,
        PluginCommand.self,
        BenchCommand.self,
    ]
}
