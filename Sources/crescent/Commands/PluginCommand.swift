import ArgumentParser
import CrescentChannels
import Foundation

/// `crescent plugin test plugins/NAME`: a plugin against a local fake remote side.
struct PluginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin",
        abstract: "Work with channel plugins.",
        subcommands: [Test.self])

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Send a plugin's fixture messages to a local server and print what it received.",
            discussion: """
            Starts an HTTP gateway or SMTP sink on 127.0.0.1 (random port), points the plugin's \
            URLs and allowed hosts at it, sends plugins/NAME/fixtures.json through the dispatcher \
            (retries, rate limit, idempotency) and prints each request and outcome. Secret config \
            values are redacted; unset secrets get stand-in values.
            """)

        @Argument(help: "The plugin folder, e.g. plugins/sms.")
        var folder: String

        func run() throws {
            let folder = self.folder
            do { try runAsync { try await PluginTestHarness.run(folder: folder) }.forEach { print($0) } }
            catch let error as PluginLoadError { throw ScriptFailure(description: error.description) }
            catch { throw ScriptFailure(description: "\(error)") }
        }
    }
}
