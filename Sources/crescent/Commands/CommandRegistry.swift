import ArgumentParser

/// Every subcommand, in the order `--help` lists them.
enum CommandRegistry {
    static let all: [ParsableCommand.Type] = [
        RunCommand.self,
        CheckCommand.self,
        PluginCommand.self,
    ]
}
