import CrescentChannels
import CrescentLua
import Foundation

/// Builds throwaway plugin folders with fast timeouts, so fault tests finish in milliseconds.
enum TestPlugin {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static let secret = "sk-live-TOPSECRET-9f8e7d"

    /// The HTTP plugin used by the fault tests: posts to config.url, errors on any non-2xx.
    static let httpLua = """
    function send(message)
      local res = http.request{ method = "POST", url = config.url,
        headers = { ["Authorization"] = "Bearer " .. config.api_key, ["Content-Type"] = "application/json" },
        body = json.encode{ to = message.recipient.phone, text = message.body } }
      if res.status >= 300 then error("gateway answered " .. res.status .. ": " .. res.body) end
      return { status = "sent", provider_id = json.decode(res.body).id }
    end
    """

    static func manifest(name: String = "fake", perSecond: Double = 1000, burst: Int = 100, attempts: Int = 3,
                         requestMs: Int = 300, sendMs: Int = 5000, hosts: [String] = ["127.0.0.1"],
                         privateAddresses: [String] = ["127.0.0.1"]) -> String {
        """
        name = "\(name)"
        channel = "\(name)"
        allowed_hosts = [\(hosts.map { "\"\($0)\"" }.joined(separator: ", "))]
        allowed_private_addresses = [\(privateAddresses.map { "\"\($0)\"" }.joined(separator: ", "))]
        [rate_limit]
        per_second = \(perSecond)
        burst = \(burst)
        [retry]
        max_attempts = \(attempts)
        base_delay_ms = 5
        max_delay_ms = 40
        [timeouts]
        request_ms = \(requestMs)
        send_ms = \(sendMs)
        [limits]
        max_response_bytes = 4096
        [config.url]
        type = "url"
        required = true
        [config.api_key]
        type = "string"
        secret = true
        required = true
        """
    }

    /// Writes `plugin.lua` and `manifest.toml` into a fresh folder and loads it.
    static func folder(name: String = "fake", manifest: String? = nil, lua: String = httpLua) throws -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("crescent-plugin-\(UUID().uuidString)").appendingPathComponent(name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try (manifest ?? self.manifest(name: name)).write(to: dir.appendingPathComponent("manifest.toml"), atomically: true, encoding: .utf8)
        try lua.write(to: dir.appendingPathComponent("plugin.lua"), atomically: true, encoding: .utf8)
        return dir.path
    }

    /// A dispatcher with one started plugin pointed at `gateway`.
    static func dispatcher(gateway: FakeHTTPGateway, manifest: String? = nil, lua: String = httpLua,
                           limits: SandboxLimits? = nil, apiKey: String = secret)
        async throws -> (ChannelDispatcher, InMemoryDeliveryLedger, PluginRuntime) {
        let plugin = try PluginLoader.load(folder: try folder(manifest: manifest, lua: lua))
        let runtime = try await PluginRuntime.start(
            plugin, settings: ["url": "http://127.0.0.1:\(gateway.port)/send", "api_key": apiKey],
            environment: [:], limits: limits)
        let ledger = InMemoryDeliveryLedger()
        let dispatcher = ChannelDispatcher(ledger: ledger, seed: 42)
        try await dispatcher.register(runtime)
        return (dispatcher, ledger, runtime)
    }

    static func message(_ n: Int, channel: String = "fake") -> ChannelMessage {
        ChannelMessage(idempotencyKey: "key-\(n)", memberId: Int64(n), channel: channel,
                       recipient: .init(phone: "+86138000\(n)"), body: "hello \(n)", playbook: "test", runId: "r1")
    }
}
