@testable import CrescentChannels
import CrescentLua
import Crypto
import Foundation
import Testing

/// The shipped plugins against the local servers, as `crescent plugin test` runs them.
struct ShippedPluginTests {
    static let plugins = TestPlugin.repoRoot + "/plugins/"

    @Test func emailSpeaksSMTPToARealServer() async throws {
        let sink = try SMTPSink.start()
        defer { sink.shutdown() }
        var plugin = try PluginLoader.load(folder: Self.plugins + "email")
        plugin.manifest.allowedHosts = ["127.0.0.1"]
        plugin.manifest.allowedPrivateAddresses = ["127.0.0.1"]
        let runtime = try await PluginRuntime.start(plugin, settings: ["smtp_url": "smtp://127.0.0.1:\(sink.port)"],
                                                    environment: [:])
        defer { runtime.stop() }
        let dispatcher = ChannelDispatcher(ledger: InMemoryDeliveryLedger())
        try await dispatcher.register(runtime)
        let outcome = await dispatcher.send(plugin.fixtures[0])
        #expect(outcome.status == .sent)
        #expect(outcome.providerId?.hasPrefix("250 OK queued as sink-1") == true)
        let mail = try #require(sink.messages.first)
        #expect(mail.commands == ["EHLO", "MAIL", "RCPT", "DATA"])
        #expect(mail.to == ["li.wei@example.com"])
        #expect(mail.data.contains("Subject: Li Wei, your birthday gift"))
        // Dot-stuffing round trip: lines that start with "." arrive intact.
        #expect(mail.data.contains("\r\n.\r\n.a line that starts with a dot\r\nYour gift: a free car wash"))
        #expect(mail.data.contains("Message-ID: <run1-mail-4001@crescent>"))
    }

    @Test func smtpToAClosedPortIsAConnectionErrorAndRetried() async throws {
        var plugin = try PluginLoader.load(folder: Self.plugins + "email")
        plugin.manifest.allowedHosts = ["127.0.0.1"]
        plugin.manifest.allowedPrivateAddresses = ["127.0.0.1"]
        plugin.manifest.retry = .init(maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2)
        let runtime = try await PluginRuntime.start(plugin, settings: ["smtp_url": "smtp://127.0.0.1:1"], environment: [:])
        defer { runtime.stop() }
        let dispatcher = ChannelDispatcher(ledger: InMemoryDeliveryLedger())
        try await dispatcher.register(runtime)
        let outcome = await dispatcher.send(plugin.fixtures[0])
        #expect(outcome.status == .failed && outcome.attempts == 2)
        #expect(outcome.reason?.contains("cannot connect to 127.0.0.1:1") == true)
    }

    @Test func webhookSignsTheBody() async throws {
        let secret = "whsec-test-0123456789"
        let lines = try await PluginTestHarness.run(folder: Self.plugins + "webhook",
                                                    environment: ["CRESCENT_WEBHOOK__SIGNING_SECRET": secret])
        let output = lines.joined(separator: "\n")
        #expect(!output.contains(secret))
        let body = try #require(lines.first { $0.hasPrefix("     body: ") }).dropFirst("     body: ".count)
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        let hex = mac.map { String(format: "%02x", $0) }.joined()
        #expect(output.contains("X-Crescent-Signature: sha256=\(hex)"))
        #expect(output.contains("run1-hook-3001: sent"))
    }

    @Test(arguments: ["sms", "push", "email", "calltask", "inapp"])
    func fixturesAreSent(_ name: String) async throws {
        let lines = try await PluginTestHarness.run(folder: Self.plugins + name, environment: [:])
        let outcomes = lines.filter { $0.hasPrefix("run1-") }
        #expect(!outcomes.isEmpty)
        #expect(outcomes.allSatisfy { $0.contains(": sent after 1 attempt(s)") }, "\(lines.joined(separator: "\n"))")
        if name == "calltask" { #expect(lines.contains { $0.contains("task: ") && $0.contains("worn_tyre") }) }
        if name == "inapp" { #expect(lines.contains { $0.hasPrefix("  inbox 6001: ") }) }
    }

    @Test func jsonRoundTripsThroughTheHostLibrary() throws {
        let box = Sandbox()
        box.setGlobal("json") { $0.pushLibrary(functions: ["encode": HostLibraries.jsonEncode, "decode": HostLibraries.jsonDecode]) }
        let out = try box.run(source: "local t = json.decode('{\"a\":[1,2.5,true,null],\"b\":\"x\"}') return json.encode(t), t.a[3]", chunkName: "j.lua")
        #expect(out == [.string("{\"a\":[1,2.5,true],\"b\":\"x\"}"), .bool(true)])
    }
}
