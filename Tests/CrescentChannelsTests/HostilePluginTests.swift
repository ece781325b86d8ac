@testable import CrescentChannels
import CrescentLua
import Foundation
import Testing

/// One hostile `send` from `Fixtures/hostile-plugins`: the first line names what the
/// failure reason must contain (`-- reason: text`). Every one must fail on its first attempt,
/// with nothing reaching the wire and no secret in the reason.
struct HostilePlugin: CustomTestStringConvertible, Sendable {
    let name: String
    let source: String
    let expectedReason: String

    var testDescription: String { name }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/hostile-plugins")

    static let all: [HostilePlugin] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".lua") }.sorted().map { name in
            let source = (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
            let header = source.split(separator: "\n").first.map(String.init) ?? ""
            return HostilePlugin(name: name, source: source,
                                 expectedReason: header.replacingOccurrences(of: "-- reason: ", with: ""))
        }
    }()

    /// Allow-lists every host the fixtures aim at, so what stops them is the check under test
    /// (wire syntax, address policy), not the allow list; only 127.0.0.1 is a private address
    /// the plugin may reach.
    static func manifest() -> String {
        TestPlugin.manifest(hosts: ["127.0.0.1", "127.0.0.2", "169.254.169.254", "10.1.2.3", "2130706434", "0.0.0.0"])
            + "\n[config.smtp_url]\ntype = \"url\"\nrequired = true\n"
    }
}

@Suite(.serialized) struct HostilePluginTests {
    @Test func corpusHasAtLeastFifteenPlugins() {
        #expect(HostilePlugin.all.count >= 15)
        #expect(HostilePlugin.all.allSatisfy { !$0.expectedReason.isEmpty && !$0.expectedReason.hasPrefix("--") })
    }

    @Test(arguments: HostilePlugin.all)
    func failsWithItsReasonAndNothingReachesTheWire(_ fixture: HostilePlugin) async throws {
        let gateway = try FakeHTTPGateway.start()
        let sink = try SMTPSink.start()
        defer { gateway.shutdown(); sink.shutdown() }
        let plugin = try PluginLoader.load(folder: try TestPlugin.folder(manifest: HostilePlugin.manifest(), lua: fixture.source))
        let runtime = try await PluginRuntime.start(plugin, settings: [
            "url": "http://127.0.0.1:\(gateway.port)/send", "api_key": TestPlugin.secret,
            "smtp_url": "smtp://127.0.0.1:\(sink.port)",
        ], environment: [:])
        defer { runtime.stop() }
        let ledger = InMemoryDeliveryLedger()
        let dispatcher = ChannelDispatcher(ledger: ledger)
        try await dispatcher.register(runtime)

        let outcome = await dispatcher.send(TestPlugin.message(1))
        #expect(outcome.status == .failed, "\(fixture.name): \(outcome)")
        #expect(outcome.attempts == 1, "\(fixture.name) is not worth a retry: \(outcome.reason ?? "")")
        #expect(outcome.reason?.contains(fixture.expectedReason) == true, "\(fixture.name): \(outcome.reason ?? "no reason")")
        #expect(outcome.reason?.contains("plugin.lua:") == true, "\(fixture.name) must name the plugin's line")
        #expect(!(outcome.reason ?? "").contains(TestPlugin.secret))
        #expect(gateway.requests.isEmpty, "\(fixture.name) reached the gateway")
        #expect(sink.messages.isEmpty && sink.refusals.isEmpty, "\(fixture.name) reached the SMTP server")
        #expect(await ledger.records.map(\.status) == [.failed])
    }
}
