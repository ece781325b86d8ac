@testable import CrescentChannels
import CrescentCore
import Foundation
import Testing

struct ManifestTests {
    @Test func everyProblemIsReportedWithFileAndKey() throws {
        let bad = """
        name = "bad"
        channel = "bad"
        alowed_hosts = ["x.example.com"]
        [rate_limit]
        per_second = -3
        burst = 2
        [retry]
        max_atempts = 3
        [config.token]
        type = "number"
        """
        let dir = try TestPlugin.folder(name: "bad", manifest: bad)
        #expect(throws: PluginLoadError.self) { try PluginLoader.load(folder: dir) }
        do { _ = try PluginLoader.load(folder: dir) } catch {
            let text = error.description
            let file = dir + "/manifest.toml"
            #expect(text.contains("\(file): rate_limit.per_second: must be a positive number"))
            #expect(text.contains("\(file): alowed_hosts: unknown key; did you mean \"allowed_hosts\"?"))
            #expect(text.contains("\(file): retry.max_atempts: unknown key; did you mean \"max_attempts\"?"))
            #expect(text.contains("\(file): config.token.type: must be one of: string, int, bool, url"))
            #expect(error.problems.count == 4)
        }
    }

    @Test func missingRequiredConfigNamesTheEnvironmentVariable() async throws {
        let plugin = try PluginLoader.load(folder: try TestPlugin.folder())
        await #expect(throws: PluginLoadError.self) { try await PluginRuntime.start(plugin, environment: [:]) }
        do { _ = try await PluginRuntime.start(plugin, environment: [:]) } catch {
            #expect(error.description.contains("config.api_key: is required; set it in the plugin settings or CRESCENT_FAKE__API_KEY"))
        }
        let fromEnv = try await PluginRuntime.start(plugin, environment: ["CRESCENT_FAKE__API_KEY": "k-123456",
                                                                         "CRESCENT_FAKE__URL": "http://127.0.0.1:1/x"])
        fromEnv.stop()
    }

    @Test(arguments: ["sms", "email", "push", "webhook", "calltask", "inapp"])
    func shippedPluginsLoad(_ name: String) throws {
        let plugin = try PluginLoader.load(folder: TestPlugin.repoRoot + "/plugins/" + name)
        #expect(plugin.manifest.channel == name)
        #expect(!plugin.fixtures.isEmpty)
    }

    @Test func didYouMeanFindsCloseKeys() {
        #expect(closest(to: "per_secnd", in: ["per_second", "burst"]) == "per_second")
        #expect(closest(to: "zzz", in: ["per_second", "burst"]) == nil)
    }
}
