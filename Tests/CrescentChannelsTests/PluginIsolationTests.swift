@testable import CrescentChannels
import CrescentCore
import CrescentLua
import Foundation
import Testing

/// One plugin must not read another's secrets, take its channel or reach what its fakes do not serve.
struct PluginIsolationTests {
    @Test func environmentNamesCannotCollideAcrossPluginsAndKeys() {
        // `sms_api` + `key` used to be CRESCENT_SMS_API_KEY, the `sms` plugin's api_key.
        let smsApiKey = ConfigValues.environmentName(plugin: "sms_api", key: "key")
        let smsKey = ConfigValues.environmentName(plugin: "sms", key: "api_key")
        #expect(smsApiKey == "CRESCENT_SMS_API__KEY")
        #expect(smsKey == "CRESCENT_SMS__API_KEY")
        // Every split of the same words gives a different name.
        let words = ["a", "b", "c", "d"]
        var names: Set<String> = []
        for cut in 1..<words.count {
            names.insert(ConfigValues.environmentName(plugin: words[..<cut].joined(separator: "_"),
                                                      key: words[cut...].joined(separator: "_")))
        }
        #expect(names.count == words.count - 1)
    }

    @Test func aPluginNamedLikeAnotherPluginsPrefixReadsOnlyItsOwnVariable() async throws {
        let plugin = try PluginLoader.load(folder: try TestPlugin.folder(
            name: "sms_api", manifest: TestPlugin.manifest(name: "sms_api").replacingOccurrences(of: "[config.api_key]", with: "[config.key]"),
            lua: "function send(m) return { status = \"sent\", provider_id = config.key == \"own-key-1\" and \"own\" or \"other\" } end"))
        let env = ["CRESCENT_SMS__API_KEY": TestPlugin.secret, "CRESCENT_SMS_API_KEY": TestPlugin.secret,
                   "CRESCENT_SMS_API__URL": "http://127.0.0.1:1/x"]
        do {
            _ = try await PluginRuntime.start(plugin, environment: env)
            Issue.record("sms_api started with the sms plugin's secret")
        } catch {
            #expect(error.description.contains("config.key: is required; set it in the plugin settings or CRESCENT_SMS_API__KEY "
                                               + "(CRESCENT_SMS_API_KEY is set but no longer read: rename it to CRESCENT_SMS_API__KEY)"))
        }
        let runtime = try await PluginRuntime.start(plugin, environment: env.merging(["CRESCENT_SMS_API__KEY": "own-key-1"]) { $1 })
        defer { runtime.stop() }
        let dispatcher = ChannelDispatcher(ledger: InMemoryDeliveryLedger())
        try await dispatcher.register(runtime)
        let outcome = await dispatcher.send(TestPlugin.message(1, channel: "sms_api"))
        #expect(outcome.providerId == "own")
    }

    @Test(arguments: ["SMS", "sms-api", "sms__api", "_sms", "sms_", "smś"])
    func pluginNamesThatCouldShareAVariableAreRefused(_ name: String) {
        let (manifest, problems) = PluginLoader.parseManifest(TestPlugin.manifest(name: name))
        #expect(manifest == nil)
        #expect(problems.contains { $0.key == "name" }, "\(problems)")
    }

    @Test func configKeysThatCouldShareAVariableAreRefused() {
        let text = TestPlugin.manifest() + "\n[config.API__key]\ntype = \"string\"\n[config.\"api-key\"]\ntype = \"string\"\n"
        let (_, problems) = PluginLoader.parseManifest(text)
        #expect(problems.map(\.key).sorted() == ["config.API__key", "config.api-key"])
        #expect(problems.allSatisfy { $0.message.contains("CRESCENT_<PLUGIN>__<KEY>") })
    }

    @Test func twoPluginsClaimingOneChannelIsAnErrorNamingBothFolders() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("crescent-claims-\(UUID().uuidString)").path
        for name in ["sms", "sms_backup"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(name)", withIntermediateDirectories: true)
            let manifest = TestPlugin.manifest(name: name).replacingOccurrences(of: "channel = \"\(name)\"", with: "channel = \"sms\"")
            try manifest.write(toFile: "\(root)/\(name)/manifest.toml", atomically: true, encoding: .utf8)
            try TestPlugin.httpLua.write(toFile: "\(root)/\(name)/plugin.lua", atomically: true, encoding: .utf8)
        }
        #expect {
            _ = try PluginDirectory.load(folder: root)
        } throws: { error in
            let text = "\(error)"
            return text.contains("channel \"sms\" is claimed by 2 plugins") && text.contains("\(root)/sms/manifest.toml")
                && text.contains("\(root)/sms_backup/manifest.toml")
        }
    }

    @Test func aDispatcherRefusesASecondPluginForTheSameChannel() async throws {
        let first = try await PluginRuntime.start(try PluginLoader.load(folder: try TestPlugin.folder()),
                                                  settings: ["url": "http://127.0.0.1:1/a", "api_key": "k-111111"], environment: [:])
        let second = try await PluginRuntime.start(try PluginLoader.load(folder: try TestPlugin.folder()),
                                                   settings: ["url": "http://127.0.0.1:1/b", "api_key": "k-222222"], environment: [:])
        defer { first.stop(); second.stop() }
        let dispatcher = ChannelDispatcher(ledger: InMemoryDeliveryLedger())
        try await dispatcher.register(first)
        try await dispatcher.register(first) // the same plugin again is harmless
        await #expect(throws: PluginLoadError.self) { try await dispatcher.register(second) }
        do { try await dispatcher.register(second) } catch {
            #expect(error.description.contains(first.plugin.folder) && error.description.contains(second.plugin.folder))
        }
    }

    @Test func underPluginTestOnlyTheFakesPortIsReachable() async throws {
        // Another local service the plugin should not reach, on a port of its own.
        let bystander = try FakeHTTPGateway.start()
        defer { bystander.shutdown() }
        let lua = """
        function send(m)
          http.request{ method = "POST", url = config.url, body = "ok" }
          http.request{ method = "POST", url = "http://127.0.0.1:\(bystander.port)/admin", body = config.api_key }
          return { status = "sent" }
        end
        """
        let remote = try LoopbackRemote.start(try PluginLoader.load(folder: try TestPlugin.folder(lua: lua)), environment: [:])
        defer { remote.shutdown() }
        #expect(remote.plugin.manifest.allowedHosts == ["127.0.0.1:\(remote.gateway!.port)"])
        let runtime = try await PluginRuntime.start(remote.plugin, settings: remote.settings, environment: [:])
        defer { runtime.stop() }
        let dispatcher = ChannelDispatcher(ledger: InMemoryDeliveryLedger())
        try await dispatcher.register(runtime)
        let outcome = await dispatcher.send(TestPlugin.message(3))
        #expect(outcome.status == .failed)
        #expect(outcome.reason?.contains("host \"127.0.0.1:\(bystander.port)\" is not in allowed_hosts") == true, "\(outcome)")
        #expect(remote.gateway?.requests.count == 1)
        #expect(bystander.requests.isEmpty)
    }
}

/// A ledger whose reads fail, as a locked or corrupt store would.
actor UnreadableLedger: DeliveryLedger {
    private(set) var records: [DeliveryRecord] = []
    struct ReadFailure: Error, CustomStringConvertible { var description: String { "database is locked" } }
    func record(_ record: DeliveryRecord) { records.append(record) }
    func wasSent(idempotencyKey: String) throws -> Bool { throw ReadFailure() }
}

struct AtMostOnceTests {
    @Test func aLedgerThatCannotSayWhetherAKeyWasSentStopsTheSend() async throws {
        let gateway = try FakeHTTPGateway.start()
        defer { gateway.shutdown() }
        let plugin = try PluginLoader.load(folder: try TestPlugin.folder())
        let runtime = try await PluginRuntime.start(
            plugin, settings: ["url": "http://127.0.0.1:\(gateway.port)/send", "api_key": TestPlugin.secret], environment: [:])
        defer { runtime.stop() }
        let ledger = UnreadableLedger()
        let dispatcher = ChannelDispatcher(ledger: ledger)
        try await dispatcher.register(runtime)
        let outcome = await dispatcher.send(TestPlugin.message(7))
        #expect(outcome.status == .failed && outcome.attempts == 0)
        #expect(outcome.reason?.contains("not sent: the ledger could not tell whether idempotency key key-7 was already sent (database is locked)") == true)
        #expect(gateway.requests.isEmpty)
        let records = await ledger.records
        #expect(records.map(\.status) == [.failed] && records.first?.idempotencyKey == "key-7")
    }
}
