import CrescentChannels
import CrescentEngine
import CrescentLua
import Foundation

/// Sends a dry-run's rendered messages through the real plugin code against loopback fakes
/// (``LoopbackRemote``), so a broken plugin, a missing address or a message a provider would
/// refuse shows up before launch, with no side effects.
///
/// The fakes accept everything, so a failure here is the plugin's or the message's. The
/// plugins' rate limits are lifted (nothing real is behind the fake) and no ledger outlives
/// the call.
///
/// For example:
/// ```swift
/// let plugins = try PluginDirectory.load(folder: "plugins")
/// let summary = try await DryRunRouter.route(result.renderedMessages, playbook: "winback",
///                                            plugins: plugins) { byId[$0] }
/// ```
public enum DryRunRouter {
    public static func route(_ sample: RenderedSample, playbook: String, plugins: [ChannelPlugin],
                             settings: [String: [String: String]] = [:],
                             environment: [String: String] = ProcessInfo.processInfo.environment,
                             members: (Int64) -> MemberView?) async -> OutboxSummary {
        var summary = OutboxSummary()
        for channel in sample.byChannel.keys.sorted() {
            let messages = sample.byChannel[channel]!
            guard let plugin = plugins.first(where: { $0.manifest.channel == channel }) else {
                summary.byChannel[channel, default: ChannelTally()].unrouted = messages.count
                continue
            }
            summary.byChannel[channel] = await route(messages, through: plugin, playbook: playbook,
                                                     settings: settings[plugin.manifest.name] ?? [:],
                                                     environment: environment, members: members)
        }
        return summary
    }

    private static func route(_ messages: [RenderedMessage], through plugin: ChannelPlugin, playbook: String,
                              settings: [String: String], environment: [String: String],
                              members: (Int64) -> MemberView?) async -> ChannelTally {
        var tally = ChannelTally()
        let remote: LoopbackRemote
        let runtime: PluginRuntime
        let dispatcher = ChannelDispatcher(ledger: InMemoryDeliveryLedger())
        do {
            remote = try LoopbackRemote.start(plugin, settings: settings, environment: environment)
            var lifted = remote.plugin
            lifted.manifest.rateLimit = .init(perSecond: 100_000, burst: 100_000)
            runtime = try await PluginRuntime.start(lifted, settings: remote.settings, environment: environment)
        } catch {
            for _ in messages { tally.add(.failed, reason: "plugin \(plugin.manifest.name) did not start: \(error)") }
            return tally
        }
        defer { runtime.stop(); remote.shutdown() }
        do { try await dispatcher.register(runtime) } catch {
            for _ in messages { tally.add(.failed, reason: "plugin \(plugin.manifest.name): \(error)") }
            return tally
        }
        for m in messages {
            guard let view = members(m.memberId) else {
                tally.add(.failed, reason: "member \(m.memberId) is not in the population"); continue
            }
            switch Recipients.recipient(for: view.member, channel: m.channel) {
            case .failure(let why):
                tally.add(.failed, reason: why.description)
            case .success(var recipient):
                recipient.url = nil // a member's own webhook URL would leave the loopback
                let outcome = await dispatcher.send(ChannelMessage(
                    idempotencyKey: "dryrun/\(playbook)/\(m.step)/\(m.memberId)", memberId: m.memberId, channel: m.channel,
                    recipient: recipient, subject: m.subject, body: m.body, variables: m.variables,
                    playbook: playbook, runId: "dryrun"))
                tally.add(outcome.status, reason: outcome.reason.map { "member \(m.memberId): \($0)" })
            }
        }
        return tally
    }
}
