@testable import CrescentChannels
import CrescentLua
import Foundation
import NIOSSL
import Testing

/// HTTPS and SMTP STARTTLS/AUTH against local servers with a throwaway CA, the send deadline,
/// and the address policy that stops server-side request forgery.
@Suite(.serialized) struct TransportSecurityTests {
    static let tlsManifest = TestPlugin.manifest(hosts: ["localhost"], privateAddresses: ["127.0.0.1", "::1"])

    static func httpsPlugin(_ gateway: FakeHTTPGateway, trust: TransportTLS) async throws -> (ChannelDispatcher, InMemoryDeliveryLedger, PluginRuntime) {
        let plugin = try PluginLoader.load(folder: try TestPlugin.folder(manifest: tlsManifest))
        let runtime = try await PluginRuntime.start(
            plugin, settings: ["url": "https://localhost:\(gateway.port)/send", "api_key": TestPlugin.secret],
            environment: [:], tls: trust)
        let ledger = InMemoryDeliveryLedger()
        let dispatcher = ChannelDispatcher(ledger: ledger)
        try await dispatcher.register(runtime)
        return (dispatcher, ledger, runtime)
    }

    // MARK: - HTTPS

    @Test func httpsToAServerTheTestCASignedIsSent() async throws {
        let certs = try TestCertificates()
        let gateway = try FakeHTTPGateway.start(tls: certs.serverContext)
        defer { gateway.shutdown() }
        let (dispatcher, _, runtime) = try await Self.httpsPlugin(gateway, trust: certs.clientTrust)
        defer { runtime.stop() }
        let outcome = await dispatcher.send(TestPlugin.message(1))
        #expect(outcome.status == .sent, "\(outcome)")
        #expect(outcome.providerId == "msg-1")
        #expect(gateway.requests.first?.header("Authorization") == "Bearer \(TestPlugin.secret)")
        #expect(gateway.requests.first?.header("Host") == "localhost:\(gateway.port)")
    }

    @Test func httpsIsVerifiedAgainstTheSystemRootsByDefault() async throws {
        // The same server, but the plugin trusts only the system roots: the handshake fails
        // and nothing (the secret least of all) is sent.
        let certs = try TestCertificates()
        let gateway = try FakeHTTPGateway.start(tls: certs.serverContext)
        defer { gateway.shutdown() }
        let (dispatcher, ledger, runtime) = try await Self.httpsPlugin(gateway, trust: .system)
        defer { runtime.stop() }
        let outcome = await dispatcher.send(TestPlugin.message(2))
        #expect(outcome.status == .failed, "\(outcome)")
        #expect(outcome.reason?.contains("http.request to localhost: connection failed") == true, "\(outcome.reason ?? "")")
        #expect(gateway.requests.isEmpty)
        #expect(await ledger.records.allSatisfy { !($0.reason ?? "").contains(TestPlugin.secret) })
    }

    @Test func httpsToACertificateForAnotherNameIsRefused() async throws {
        let certs = try TestCertificates(name: "sms-gateway.example.com")
        let gateway = try FakeHTTPGateway.start(tls: certs.serverContext)
        defer { gateway.shutdown() }
        let (dispatcher, _, runtime) = try await Self.httpsPlugin(gateway, trust: certs.clientTrust)
        defer { runtime.stop() }
        let outcome = await dispatcher.send(TestPlugin.message(3))
        #expect(outcome.status == .failed, "\(outcome)")
        #expect(gateway.requests.isEmpty)
    }

    // MARK: - SMTP STARTTLS and AUTH

    static func emailRuntime(_ sink: SMTPSink, trust: TransportTLS, user: String? = "crm",
                             password: String = "mail-Pa55-word") async throws -> (ChannelDispatcher, ChannelPlugin, PluginRuntime) {
        var plugin = try PluginLoader.load(folder: TestPlugin.repoRoot + "/plugins/email")
        plugin.manifest.allowedHosts = ["localhost"]
        plugin.manifest.allowedPrivateAddresses = ["127.0.0.1", "::1"]
        plugin.manifest.retry = .init(maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1)
        var settings = ["smtp_url": "smtp://localhost:\(sink.port)", "smtp_password": password]
        if let user { settings["smtp_username"] = user }
        let runtime = try await PluginRuntime.start(plugin, settings: settings, environment: [:], tls: trust)
        let dispatcher = ChannelDispatcher(ledger: InMemoryDeliveryLedger())
        try await dispatcher.register(runtime)
        return (dispatcher, plugin, runtime)
    }

    @Test(arguments: [["PLAIN", "LOGIN"], ["LOGIN"]])
    func smtpUpgradesWithSTARTTLSThenAuthenticates(_ mechanisms: [String]) async throws {
        let certs = try TestCertificates()
        let sink = try SMTPSink.start(.init(tls: certs.serverContext, username: "crm", password: "mail-Pa55-word",
                                            mechanisms: mechanisms))
        defer { sink.shutdown() }
        let (dispatcher, plugin, runtime) = try await Self.emailRuntime(sink, trust: certs.clientTrust)
        defer { runtime.stop() }
        let outcome = await dispatcher.send(plugin.fixtures[0])
        #expect(outcome.status == .sent, "\(outcome)")
        let mail = try #require(sink.messages.first)
        #expect(mail.overTLS && mail.user == "crm")
        // The LOGIN exchange's username and password lines are not commands, so both read the same.
        #expect(mail.commands == ["EHLO", "STARTTLS", "EHLO", "AUTH", "MAIL", "RCPT", "DATA"], "\(mail.commands)")
        #expect(sink.refusals.isEmpty)
    }

    @Test func smtpCredentialsAreNeverSentWithoutTLS() async throws {
        // A server (or a man in the middle stripping STARTTLS) that offers no TLS.
        let sink = try SMTPSink.start(.init(username: "crm", password: "mail-Pa55-word"))
        defer { sink.shutdown() }
        let (dispatcher, plugin, runtime) = try await Self.emailRuntime(sink, trust: .system)
        defer { runtime.stop() }
        let outcome = await dispatcher.send(plugin.fixtures[0])
        #expect(outcome.status == .failed)
        #expect(outcome.reason?.contains("does not offer STARTTLS; the SMTP credentials are not sent in the clear") == true, "\(outcome)")
        #expect(sink.messages.isEmpty && sink.refusals.isEmpty)
    }

    @Test func plaintextInjectedBeforeTheTLSHandshakeEndsTheDialogue() async throws {
        let certs = try TestCertificates()
        let sink = try SMTPSink.start(.init(tls: certs.serverContext, username: "crm", password: "mail-Pa55-word",
                                            injectedAfterSTARTTLS: "250 AUTH PLAIN"))
        defer { sink.shutdown() }
        let (dispatcher, plugin, runtime) = try await Self.emailRuntime(sink, trust: certs.clientTrust)
        defer { runtime.stop() }
        let outcome = await dispatcher.send(plugin.fixtures[0])
        #expect(outcome.status == .failed && outcome.attempts == 1)
        #expect(outcome.reason?.contains("STARTTLS with localhost failed: the server sent data before the TLS handshake") == true,
                "\(outcome)")
        #expect(sink.messages.isEmpty)
    }

    @Test func aChunkedReplyIsReassembledAndCappedAcrossChunks() async throws {
        let gateway = try FakeHTTPGateway.start(script: [
            .chunked(200, parts: ["{\"id\":", "\"msg-", "chunked\"}"]),
            .chunked(200, parts: Array(repeating: String(repeating: "x", count: 1000), count: 5)),
        ])
        defer { gateway.shutdown() }
        let (dispatcher, _, runtime) = try await TestPlugin.dispatcher(gateway: gateway)
        defer { runtime.stop() }
        let first = await dispatcher.send(TestPlugin.message(12))
        #expect(first.status == .sent && first.providerId == "msg-chunked", "\(first)")
        // 5 × 1000 bytes against max_response_bytes = 4096.
        let second = await dispatcher.send(TestPlugin.message(13))
        #expect(second.status == .failed && second.reason?.contains("larger than 4096 bytes") == true, "\(second)")
    }

    @Test func aRedirectIsNotFollowed() async throws {
        let gateway = try FakeHTTPGateway.start(script: [.respond(302, body: "see http://169.254.169.254/")])
        defer { gateway.shutdown() }
        let (dispatcher, _, runtime) = try await TestPlugin.dispatcher(gateway: gateway)
        defer { runtime.stop() }
        let outcome = await dispatcher.send(TestPlugin.message(11))
        #expect(outcome.status == .failed && outcome.reason?.contains("gateway answered 302") == true, "\(outcome)")
        #expect(gateway.requests.count == 1)
    }

    @Test func aRefusedPasswordIsAPermanentFailureThatDoesNotLeakIt() async throws {
        let certs = try TestCertificates()
        let sink = try SMTPSink.start(.init(tls: certs.serverContext, username: "crm", password: "the-right-one"))
        defer { sink.shutdown() }
        let (dispatcher, plugin, runtime) = try await Self.emailRuntime(sink, trust: certs.clientTrust, password: "wrong-Pa55-word")
        defer { runtime.stop() }
        let outcome = await dispatcher.send(plugin.fixtures[0])
        #expect(outcome.status == .failed && outcome.attempts == 1)
        #expect(outcome.reason?.contains("server replied 535") == true, "\(outcome)")
        #expect(!(outcome.reason ?? "").contains("wrong-Pa55-word"))
        #expect(sink.messages.isEmpty)
    }

    @Test func aMemberAddressWithCRLFNeverReachesTheSMTPDialogue() async throws {
        let sink = try SMTPSink.start()
        defer { sink.shutdown() }
        var plugin = try PluginLoader.load(folder: TestPlugin.repoRoot + "/plugins/email")
        plugin.manifest.allowedHosts = ["127.0.0.1"]
        plugin.manifest.allowedPrivateAddresses = ["127.0.0.1"]
        let runtime = try await PluginRuntime.start(plugin, settings: ["smtp_url": "smtp://127.0.0.1:\(sink.port)"], environment: [:])
        defer { runtime.stop() }
        let dispatcher = ChannelDispatcher(ledger: InMemoryDeliveryLedger())
        try await dispatcher.register(runtime)
        for (n, address) in ["victim@example.com\r\nRSET", "victim@example.com\nRCPT TO:<spy@example.org>",
                             "victim@example.com\rDATA", "victim@example.com> NOTIFY=NEVER"].enumerated() {
            var message = plugin.fixtures[0]
            message.idempotencyKey = "crlf-\(n)"
            message.recipient.email = address
            let outcome = await dispatcher.send(message)
            #expect(outcome.status == .failed && outcome.attempts == 1, "\(address.debugDescription): \(outcome)")
            #expect(outcome.reason?.contains("to must be an e-mail address") == true)
        }
        // "\r\n" is one Character, so a check over Characters for "\n" misses it: the check reads bytes.
        #expect(!"victim@example.com\r\nRSET".contains(where: { $0 == "\n" }))
        #expect(sink.messages.isEmpty && sink.refusals.isEmpty)
    }

    @Test func dotStuffingEndsEveryLineWithCRLFAndLeavesNoBareCROrLF() {
        let wire = String(decoding: SMTPClient.dotStuffed("a\rb\nc\r\n.d\r\r\n.\n"), as: UTF8.self)
        #expect(wire == "a\r\nb\r\nc\r\n..d\r\n\r\n..\r\n")
    }

    // MARK: - The send deadline

    @Test func sendMsBoundsARetryLoopAcrossHostCalls() async throws {
        let gateway = try FakeHTTPGateway.start(script: Array(repeating: .hang, count: 60))
        defer { gateway.shutdown() }
        let lua = """
        function send(m)
          local last
          for i = 1, 50 do
            local ok, err = pcall(http.request, { method = "POST", url = config.url, body = "x" })
            if ok then return { status = "sent" } end
            last = err
          end
          error(last)
        end
        """
        // The sandbox's own deadline is far away: what stops the loop is the transports' check.
        let limits = SandboxLimits(instructions: 20_000_000, memoryBytes: 16 << 20, seconds: 30)
        let manifest = TestPlugin.manifest(attempts: 1, requestMs: 300, sendMs: 1000)
        let (dispatcher, _, runtime) = try await TestPlugin.dispatcher(gateway: gateway, manifest: manifest, lua: lua, limits: limits)
        defer { runtime.stop() }
        let started = Date()
        let outcome = await dispatcher.send(TestPlugin.message(8))
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed < 1.8, "the send ran \(elapsed) s against send_ms = 1000")
        #expect(outcome.status == .failed)
        #expect(outcome.reason?.contains("timeouts.send_ms (1000 ms) of plugins/fake is used up") == true, "\(outcome)")
        #expect(gateway.requests.count <= 4)
    }

    @Test func aRequestEndsWhenTheSendDoesEvenWithALongerRequestTimeout() async throws {
        let gateway = try FakeHTTPGateway.start(script: [.hang])
        defer { gateway.shutdown() }
        let limits = SandboxLimits(instructions: 20_000_000, memoryBytes: 16 << 20, seconds: 30)
        let manifest = TestPlugin.manifest(attempts: 1, requestMs: 5000, sendMs: 500)
        let (dispatcher, _, runtime) = try await TestPlugin.dispatcher(gateway: gateway, manifest: manifest, limits: limits)
        defer { runtime.stop() }
        let started = Date()
        let outcome = await dispatcher.send(TestPlugin.message(9))
        #expect(Date().timeIntervalSince(started) < 1.3)
        #expect(outcome.status == .failed && outcome.reason?.contains("timed out after") == true, "\(outcome)")
    }

    // MARK: - Addresses

    @Test(arguments: [
        ("127.0.0.1", "a loopback"), ("10.0.0.5", "a private"), ("172.31.255.1", "a private"), ("192.168.1.1", "a private"),
        ("169.254.169.254", "the cloud metadata service's"), ("169.254.10.1", "a link-local"), ("100.64.0.1", "a shared"),
        ("0.0.0.0", "an unspecified"), ("::1", "a loopback"), ("fe80::1", "a link-local"), ("fd00:ec2::254", "the cloud metadata"),
        ("fc00::7", "a unique local"), ("::ffff:169.254.169.254", "the cloud metadata"), ("::ffff:10.0.0.1", "a private"),
        ("64:ff9b::a00:1", "a private"), ("2002:7f00:1::", "a loopback"), ("224.0.0.251", "a multicast"),
    ])
    func restrictedAddressesAreRefusedByDefault(_ text: String, _ kind: String) throws {
        let why = AddressPolicy(allowed: []).refusal(try #require(IPAddress(text)))
        #expect(why?.contains(kind) == true, "\(text): \(why ?? "allowed")")
    }

    @Test(arguments: ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "172.32.0.1"])
    func publicAddressesAreAllowed(_ text: String) throws {
        #expect(AddressPolicy(allowed: []).refusal(try #require(IPAddress(text))) == nil)
    }

    @Test func theManifestAllowsExactlyTheBlocksItLists() throws {
        let policy = AddressPolicy(allowed: ["10.1.0.0/16", "127.0.0.1"].compactMap(AddressBlock.init))
        #expect(policy.refusal(IPAddress("10.1.200.3")!) == nil)
        #expect(policy.refusal(IPAddress("127.0.0.1")!) == nil)
        #expect(policy.refusal(IPAddress("::ffff:127.0.0.1")!) == nil)
        #expect(policy.refusal(IPAddress("10.2.0.1")!) != nil)
        #expect(policy.refusal(IPAddress("127.0.0.2")!) != nil)
        let (_, problems) = PluginLoader.parseManifest(TestPlugin.manifest(privateAddresses: ["10.0.0.0/33", "gateway.internal", "10.0.0.0/8"]))
        #expect(problems.map(\.key) == ["allowed_private_addresses[1]", "allowed_private_addresses[2]"])
    }

    @Test func aNameOnTheAllowListIsCheckedByTheAddressItResolvesTo() async throws {
        // `localhost` is allow-listed by name, but without allowed_private_addresses its
        // addresses (127.0.0.1, ::1) are refused before any connection.
        let gateway = try FakeHTTPGateway.start()
        defer { gateway.shutdown() }
        let manifest = TestPlugin.manifest(hosts: ["localhost"], privateAddresses: [])
        let plugin = try PluginLoader.load(folder: try TestPlugin.folder(manifest: manifest))
        let runtime = try await PluginRuntime.start(
            plugin, settings: ["url": "http://localhost:\(gateway.port)/send", "api_key": TestPlugin.secret], environment: [:])
        defer { runtime.stop() }
        let dispatcher = ChannelDispatcher(ledger: InMemoryDeliveryLedger())
        try await dispatcher.register(runtime)
        let outcome = await dispatcher.send(TestPlugin.message(10))
        #expect(outcome.status == .failed && outcome.attempts == 1)
        #expect(outcome.reason?.contains("localhost resolves to") == true && outcome.reason?.contains("a loopback address") == true,
                "\(outcome)")
        #expect(gateway.requests.isEmpty)
    }
}
