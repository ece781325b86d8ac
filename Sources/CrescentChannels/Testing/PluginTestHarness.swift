import CrescentLua
import Foundation

/// Runs a plugin's fixture messages against a local fake remote side and reports what the
/// remote received and each outcome, with secrets redacted. Used by `crescent plugin test`.
public enum PluginTestHarness {
    /// Lines to print. Secret config values that the environment does not set get stand-ins
    /// (`test-<key>-…`), so the plugin can run without real credentials.
    public static func run(folder: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                           script: [FakeHTTPGateway.Fault] = []) async throws -> [String] {
        let remote = try LoopbackRemote.start(try PluginLoader.load(folder: folder), environment: environment, script: script)
        defer { remote.shutdown() }
        var plugin = remote.plugin
        let manifest = plugin.manifest
        let gateway = remote.gateway, sink = remote.sink
        let settings = remote.settings
        plugin.fixtures = plugin.fixtures.map { var m = $0; m.recipient.url = nil; return m }
        let sinks = ChannelSinks()
        let runtime = try await PluginRuntime.start(plugin, settings: settings, environment: environment, sinks: sinks)
        defer { runtime.stop() }
        let redact = runtime.redact
        let ledger = InMemoryDeliveryLedger()
        let dispatcher = ChannelDispatcher(ledger: ledger)
        try await dispatcher.register(runtime)

        var lines = ["plugin \(manifest.name) (channel \(manifest.channel)): \(plugin.fixtures.count) fixture message(s)"]
        if let gateway { lines.append("fake HTTP gateway on 127.0.0.1:\(gateway.port)") }
        if let sink { lines.append("SMTP sink on 127.0.0.1:\(sink.port)") }
        for message in plugin.fixtures {
            let before = gateway?.requests.count ?? 0, mailsBefore = sink?.messages.count ?? 0
            let outcome = await dispatcher.send(message)
            for r in gateway?.requests.dropFirst(before) ?? [] {
                lines.append("  -> \(r.method) \(r.path)")
                for (name, value) in r.headers.sorted(by: { $0.0.lowercased() < $1.0.lowercased() }) {
                    lines.append("     \(name): \(value)")
                }
                lines.append("     body: \(r.body)")
                lines.append("  <- \(r.status.map(String.init) ?? "no answer")")
            }
            for m in sink?.messages.dropFirst(mailsBefore) ?? [] {
                lines.append("  -> SMTP \(m.commands.joined(separator: " ")) from <\(m.from)> to \(m.to.map { "<\($0)>" }.joined(separator: ", "))")
                for line in m.data.components(separatedBy: "\r\n") { lines.append("     | \(line)") }
            }
            lines.append("\(message.idempotencyKey): \(outcome.status.rawValue) after \(outcome.attempts) attempt(s)"
                + (outcome.providerId.map { ", provider id \($0)" } ?? "") + (outcome.reason.map { ", reason: \($0)" } ?? ""))
        }
        for task in (sinks.tasks as? InMemoryTaskSink)?.tasks ?? [] { lines.append("  task: \(LuaValue.table(task))") }
        for message in plugin.fixtures {
            for item in (sinks.inbox as? InMemoryInboxSink)?.inbox(of: message.memberId) ?? [] {
                lines.append("  inbox \(message.memberId): \(LuaValue.table(item))")
            }
        }
        return lines.map { redact($0) }
    }
}
