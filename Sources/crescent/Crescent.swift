import ArgumentParser
import CrescentStore
import Foundation

/// `crescent`: rules and campaign scripting for member marketing.
@main
struct Crescent: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crescent",
        abstract: "Write, check and dry-run member-marketing playbooks in Lua.",
        discussion: """
        Every script runs in a sandbox: no files, no network, no clock but the host's, and \
        limits on instructions, memory and time.

        Start here:
          crescent check scripts/*.lua          find every problem in your scripts
          crescent run FILE.lua                 run a script and print what it returns

        Exit codes: 0 ok, 1 a script or assertion failed, 2 the command line was wrong.
        """,
        subcommands: CommandRegistry.all
    )

    /// Maps errors to the documented exit codes: 1 for script problems, 2 for usage.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as ScriptFailure {
            FileHandle.standardError.write(Data((failure.description + "\n").utf8))
            Foundation.exit(1)
        } catch let refused as ImportError {
            // A bad input file, as the README promises: exit 2, not ArgumentParser's 1.
            FileHandle.standardError.write(Data(("error: " + refused.description + "\n").utf8))
            Foundation.exit(2)
        } catch let usage as UsageError {
            FileHandle.standardError.write(Data(("error: " + usage.message + "\n").utf8))
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .success || code == .failure && !(error is ExitCode) {
                exit(withError: error)
            }
            if error is ExitCode { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

/// A script-level failure already reported to the user: exit code 1.
struct ScriptFailure: Error, CustomStringConvertible {
    var description: String
}

/// A bad command line or a missing input file: exit code 2.
struct UsageError: Error {
    var message: String
}
