import Foundation

/// A plugin pointed at a local fake of its remote side, so its real code runs with no side
/// effects: an SMTP sink for plugins with an `smtp_url`, else a fake HTTP gateway, on
/// 127.0.0.1 (random port). Every URL config key points at the fake, the allow list holds
/// only 127.0.0.1 on the fake's port, and secrets neither the settings nor the environment set get stand-ins
/// (`test-<key>-…`). Used by `crescent plugin test` and `crescent dryrun --plugins`.
///
/// For example:
/// ```swift
/// let remote = try LoopbackRemote.start(try PluginLoader.load(folder: "plugins/sms"))
/// defer { remote.shutdown() }
/// let runtime = try await PluginRuntime.start(remote.plugin, settings: remote.settings)
/// ```
public final class LoopbackRemote: @unchecked Sendable {
    /// The plugin with its allow list narrowed to the fake (127.0.0.1 on its port).
    public let plugin: ChannelPlugin
    /// `settings` as given, with URL keys and missing secrets replaced.
    public let settings: [String: String]
    public let gateway: FakeHTTPGateway?
    public let sink: SMTPSink?

    private init(plugin: ChannelPlugin, settings: [String: String], gateway: FakeHTTPGateway?, sink: SMTPSink?) {
        self.plugin = plugin; self.settings = settings; self.gateway = gateway; self.sink = sink
    }

    /// - parameter script: faults the fake gateway plays, in order (then it answers 200).
    public static func start(_ plugin: ChannelPlugin, settings given: [String: String] = [:],
                             environment: [String: String] = ProcessInfo.processInfo.environment,
                             script: [FakeHTTPGateway.Fault] = []) throws -> LoopbackRemote {
        var plugin = plugin
        let manifest = plugin.manifest
        let usesSMTP = manifest.config["smtp_url"] != nil
        let gateway = usesSMTP ? nil : try FakeHTTPGateway.start(script: script)
        let sink = usesSMTP ? try SMTPSink.start() : nil
        let port = gateway?.port ?? sink?.port ?? 0
        var settings = given
        for (key, spec) in manifest.config {
            if spec.type == .url {
                settings[key] = usesSMTP ? "smtp://127.0.0.1:\(port)" : "http://127.0.0.1:\(port)/\(manifest.name)/\(key)"
            } else if spec.secret, settings[key] == nil,
                      environment[ConfigValues.environmentName(plugin: manifest.name, key: key)] == nil {
                settings[key] = "test-\(key)-\(UUID().uuidString.prefix(8))"
            }
        }
        // The sink speaks no TLS, and credentials are only ever sent after STARTTLS: against
        // the fake the SMTP transport does not authenticate (an empty user turns AUTH off).
        if usesSMTP, manifest.config["smtp_username"] != nil { settings["smtp_username"] = "" }
        // Only the fake's own port: a plugin under test must not reach other local services.
        plugin.manifest.allowedHosts = ["127.0.0.1:\(port)"]
        plugin.manifest.allowedPrivateAddresses = ["127.0.0.1"]
        return LoopbackRemote(plugin: plugin, settings: settings, gateway: gateway, sink: sink)
    }

    /// Requests the gateway received plus messages the sink received.
    public var received: Int { (gateway?.requests.count ?? 0) + (sink?.messages.count ?? 0) }

    public func shutdown() { gateway?.shutdown(); sink?.shutdown() }
}
