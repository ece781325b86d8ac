import ArgumentParser
import CrescentLua

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Compile and load scripts in the sandbox and report every problem.",
        discussion: "Each file is loaded in its own sandbox; all problems are listed, not just the first.")

    @Argument(help: "The scripts to check.")
    var files: [String]

    @OptionGroup var sandbox: SandboxOptions

    func run() throws {
        var problems: [String] = []
        for file in files {
            let source = try readScript(file)
            let box = Sandbox(limits: sandbox.limits, clock: try sandbox.clock(), seed: sandbox.seed)
            box.printHandler = { _ in }
            do { _ = try box.run(source: source, chunkName: file) }
            catch { problems.append("\(error) [\(error.kind.rawValue)]") }
        }
        if problems.isEmpty {
            print("ok: \(files.count) script\(files.count == 1 ? "" : "s") checked, no problems")
            return
        }
        throw ScriptFailure(description: problems.joined(separator: "\n")
            + "\n\(problems.count) problem\(problems.count == 1 ? "" : "s") in \(files.count) script\(files.count == 1 ? "" : "s")")
    }
}
