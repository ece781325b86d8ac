import CrescentChannels
import Foundation
import Testing

struct PluginDirectoryTests {
    static let settingsText = """
        [sms]
        sender_id = "SHOP"
        api_key = "file-key"

        [calltask]
        queue = "tyres"
        """

    @Test func settingsFileGivesATablePerPlugin() throws {
        let settings = try PluginSettingsFile.parse(Self.settingsText, path: "plugins.toml")
        #expect(settings == ["sms": ["sender_id": "SHOP", "api_key": "file-key"], "calltask": ["queue": "tyres"]])
        #expect(throws: PluginLoadError.self) { try PluginSettingsFile.parse("sms = 3", path: "plugins.toml") }
        do { _ = try PluginSettingsFile.parse("[sms]\nretries = [1, 2]", path: "p.toml"); Issue.record("accepted a list") }
        catch { #expect(error.description == "p.toml: sms.retries: must be a string, a whole number or a boolean") }
    }

    @Test func startsEveryShippedPluginWithFileSettingsAndTheEnvironment() async throws {
        let folder = TestPlugin.repoRoot + "/plugins"
        let plugins = try PluginDirectory.load(folder: folder)
        #expect(plugins.map(\.manifest.name) == ["calltask", "email", "inapp", "push", "sms", "webhook"])
        let settings = try PluginSettingsFile.parse(Self.settingsText, path: "plugins.toml")
        let env = ["CRESCENT_PUSH__SERVER_KEY": "k1", "CRESCENT_WEBHOOK__SIGNING_SECRET": "k2"]
        let started = try await PluginDirectory.start(plugins, settings: settings, environment: env)
        defer { started.stop() }
        let dispatcher = ChannelDispatcher(ledger: InMemoryDeliveryLedger())
        try await started.register(on: dispatcher)
        #expect(await dispatcher.channels == ["calltask", "email", "inapp", "push", "sms", "webhook"])

        // Without the push and webhook secrets, and with settings for a plugin not in the folder:
        // every problem is named.
        do {
            _ = try await PluginDirectory.start(plugins, settings: ["fax": ["url": "x"]], environment: [:])
            Issue.record("started without required secrets")
        } catch {
            let text = error.description
            #expect(text.contains("[fax] names no loaded plugin"))
            #expect(text.contains("plugins/push/manifest.toml: config.server_key: is required"))
            #expect(text.contains("plugins/sms/manifest.toml: config.api_key: is required"))
        }
    }
}
