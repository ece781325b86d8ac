@testable import CrescentChannels
import CrescentLua
import Foundation
import Testing

/// A secret must not come back in any encoding the host prints.
struct RedactionTests {
    static let awkward = #"pa"ss\wo/rd+&= 9ü"#

    @Test(arguments: [
        ("raw", awkward),
        ("JSON-escaped", #"pa\"ss\\wo/rd+&= 9ü"#),
        ("JSON-escaped with escaped slashes", #"pa\"ss\\wo\/rd+&= 9ü"#),
        ("JSON-escaped ASCII only", #"pa\"ss\\wo/rd+&= 9\u00fc"#),
        ("percent-encoded", "pa%22ss%5Cwo%2Frd%2B%26%3D%209%C3%BC"),
        ("percent-encoded lowercase", "pa%22ss%5cwo%2frd%2b%26%3d%209%c3%bc"),
        ("form-encoded", "pa%22ss%5Cwo%2Frd%2B%26%3D+9%C3%BC"),
        ("base64", Data(awkward.utf8).base64EncodedString()),
    ])
    func everyEncodingIsRedacted(_ encoding: String, _ shown: String) {
        let redact = Redactor(secrets: [Self.awkward])
        let out = redact("gateway said: {\"token\":\"\(shown)\"} (end)")
        #expect(!out.contains(shown), "\(encoding) leaked: \(out)")
        #expect(out.contains("[redacted]") && out.hasPrefix("gateway said: ") && out.hasSuffix(" (end)"))
    }

    @Test(arguments: ["", "u:", "us:", "use:", "user:"])
    func base64OfTheSecretInsideALongerValueIsRedacted(_ prefix: String) {
        // Basic auth: base64("user:" + secret); the secret's alignment depends on the prefix.
        let secret = "sk-live-9f8e7d6c5b4a"
        let header = "Basic " + Data((prefix + secret + "@tail").utf8).base64EncodedString()
        let out = Redactor(secrets: [secret])("401: bad credentials \(header)")
        #expect(out.contains("[redacted]"), "\(out)")
        // What is left of the encoded secret is at most the few characters it shares with its
        // neighbours: the 20-byte secret took 26+ base64 characters, at most 2 survive each side.
        let payload = out.components(separatedBy: "Basic ").last ?? ""
        #expect(payload.count <= header.count - "Basic ".count - 26 + "[redacted]".count + 4, "\(out)")
        #expect(SecretEncodings.base64Cores(secret).allSatisfy { !out.contains($0) })
    }

    @Test func shortSecretsAndOrdinaryTextAreLeftAlone() {
        let redact = Redactor(secrets: ["abc", "longer-secret-value"])
        #expect(redact("abc and abcdef") == "abc and abcdef")
        #expect(redact("nothing secret here, Basic dXNlcjpwYXNz") == "nothing secret here, Basic dXNlcjpwYXNz")
    }

    @Test func aSecretWithQuotesAndBackslashesIsRedactedFromLedgerAndPluginTestOutput() async throws {
        let secret = #"k"ey\with"quotes\99"#
        // The gateway echoes the JSON body it got, in which the secret is escaped.
        let gateway = try FakeHTTPGateway.start(script: [.respond(401, body: LuaValue.table(["token": .string(secret)]).description)])
        defer { gateway.shutdown() }
        let plugin = try PluginLoader.load(folder: try TestPlugin.folder())
        let runtime = try await PluginRuntime.start(
            plugin, settings: ["url": "http://127.0.0.1:\(gateway.port)/send", "api_key": secret], environment: [:])
        defer { runtime.stop() }
        let ledger = InMemoryDeliveryLedger()
        let dispatcher = ChannelDispatcher(ledger: ledger)
        try await dispatcher.register(runtime)
        let outcome = await dispatcher.send(TestPlugin.message(5))
        #expect(outcome.status == .failed)
        #expect(outcome.reason?.contains("{\"token\":\"[redacted]\"}") == true, "\(outcome.reason ?? "")")
        for form in [secret, #"k\"ey\\with\"quotes\\99"#] {
            #expect(!(outcome.reason ?? "").contains(form))
            for record in await ledger.records { #expect(!(record.reason ?? "").contains(form)) }
        }

        // `plugin test` prints headers and bodies: the JSON-escaped form is redacted there too.
        let lines = try await PluginTestHarness.run(folder: TestPlugin.repoRoot + "/plugins/sms",
                                                    environment: ["CRESCENT_SMS__API_KEY": secret])
        let output = lines.joined(separator: "\n")
        #expect(!output.contains(secret) && !output.contains(#"k\"ey\\with"#))
        #expect(output.contains("Authorization: Bearer [redacted]"))
    }

    @Test func aSecretSentInAQueryStringIsRedactedFromTheError() async throws {
        let secret = "s3cret/with space&more"
        let gateway = try FakeHTTPGateway.start(script: [.respond(400, body: "bad request to /send?key=s3cret%2Fwith%20space%26more")])
        defer { gateway.shutdown() }
        let lua = """
        local function encode(s) return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end)) end
        function send(m)
          local res = http.request{ method = "GET", url = config.url .. "?key=" .. encode(config.api_key) }
          if res.status >= 300 then error("gateway answered " .. res.status .. ": " .. res.body) end
          return { status = "sent" }
        end
        """
        let (dispatcher, ledger, runtime) = try await TestPlugin.dispatcher(gateway: gateway, lua: lua, apiKey: secret)
        defer { runtime.stop() }
        let outcome = await dispatcher.send(TestPlugin.message(6))
        #expect(gateway.requests.first?.path == "/send?key=s3cret%2Fwith%20space%26more")
        #expect(outcome.reason?.contains("/send?key=[redacted]") == true, "\(outcome.reason ?? "")")
        #expect(await ledger.records.allSatisfy { !($0.reason ?? "").contains("s3cret%2F") })
    }
}
