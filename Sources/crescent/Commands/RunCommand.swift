import ArgumentParser
import CrescentLua

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a Lua script in the sandbox and print what it returns.",
        discussion: "Returned values are printed as JSON, one per line. `print` output comes first.")

    @Argument(help: "The script to run.")
    var file: String

    @OptionGroup var sandbox: SandboxOptions

    func run() throws {
        let source = try readScript(file)
        let box = Sandbox(limits: sandbox.limits, clock: try sandbox.clock(), seed: sandbox.seed)
        do {
            for value in try box.run(source: source, chunkName: file) { print(value) }
        } catch {
            throw ScriptFailure(description: "\(error) [\(error.kind.rawValue)]")
        }
    }
}
