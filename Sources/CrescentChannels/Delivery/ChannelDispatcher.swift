import CrescentCore
import Foundation

/// The end of one `send`: the last status, how many attempts it took, and why.
public struct DeliveryOutcome: Sendable, Equatable {
    public var status: DeliveryStatus
    public var attempts: Int
    /// Redacted of secrets.
    public var reason: String?
    public var providerId: String?

    public init(status: DeliveryStatus, attempts: Int, reason: String? = nil, providerId: String? = nil) {
        self.status = status; self.attempts = attempts; self.reason = reason; self.providerId = providerId
    }
}

/// Sends `ChannelMessage`s through channel plugins with retries, rate limits and idempotency.
///
/// - Retries timeouts, connection errors and 5xx with exponential backoff and full jitter;
///   never retries a 4xx, a plugin error or a sandbox stop.
/// - A token bucket per plugin limits every attempt, retries included.
/// - A message whose idempotency key already reached `sent` (per the ledger) is not sent again.
/// - Every attempt's outcome is recorded in the ledger with the channel code.
///
/// For example:
/// ```swift
/// let dispatcher = ChannelDispatcher(ledger: InMemoryDeliveryLedger())
/// await dispatcher.register(try await PluginRuntime.start(try PluginLoader.load(folder: "plugins/sms")))
/// let outcome = await dispatcher.send(message)   // .sent, .failed or .duplicate
/// ```
public actor ChannelDispatcher {
    private let ledger: any DeliveryLedger
    private let clock: any ChannelClock
    private var random: SeededRandom
    private var plugins: [String: PluginRuntime] = [:]
    private var buckets: [String: TokenBucket] = [:]
    private var inFlight: Set<String> = []

    /// - parameter seed: seeds the backoff jitter, so a test sees the same delays every run.
    public init(ledger: any DeliveryLedger, clock: any ChannelClock = SystemChannelClock(), seed: UInt64 = 1) {
        self.ledger = ledger
        self.clock = clock
        random = SeededRandom(seed: seed)
    }

    /// Routes messages for the plugin's channel code to it.
    /// - throws: `PluginLoadError` naming both folders when another plugin already serves the channel.
    public func register(_ runtime: PluginRuntime) throws(PluginLoadError) {
        let m = runtime.manifest
        if let other = plugins[m.channel], other !== runtime {
            throw PluginLoadError(problems: [
                PluginDirectory.claimProblem(channel: m.channel, folders: [other.plugin.folder, runtime.plugin.folder])])
        }
        plugins[m.channel] = runtime
        buckets[m.channel] = TokenBucket(perSecond: m.rateLimit.perSecond, burst: m.rateLimit.burst)
    }

    public var channels: [String] { plugins.keys.sorted() }

    /// Delivers one message and returns the final outcome; every attempt is in the ledger.
    ///
    /// A ledger that fails to record is reported in the outcome's reason rather than thrown,
    /// since the message may already have left.
    public func send(_ message: ChannelMessage) async -> DeliveryOutcome {
        guard let runtime = plugins[message.channel] else {
            let reason = "no plugin for channel \"\(message.channel)\"; loaded: \(channels.joined(separator: ", "))"
            return await finish(message, plugin: "-", .failed, attempt: 0, reason: reason)
        }
        let key = message.idempotencyKey
        // At most once: when the ledger cannot say whether the key was sent, it is not sent.
        let alreadySent: Bool
        do { alreadySent = try await ledger.wasSent(idempotencyKey: key) }
        catch {
            return await finish(message, plugin: runtime.manifest.name, .failed, attempt: 0,
                                reason: "not sent: the ledger could not tell whether idempotency key \(key) was already sent (\(error))")
        }
        if alreadySent || inFlight.contains(key) {
            let reason = alreadySent ? "idempotency key \(key) was already sent" : "idempotency key \(key) is being sent"
            return await finish(message, plugin: runtime.manifest.name, .duplicate, attempt: 0, reason: reason)
        }
        inFlight.insert(key)
        defer { inFlight.remove(key) }

        let policy = runtime.manifest.retry
        var backoff = Backoff(policy: policy, random: random)
        defer { random = backoff.random }
        var attempt = 0
        while true {
            attempt += 1
            let wait = buckets[message.channel]!.reserve(now: clock.now())
            await clock.sleep(seconds: wait)
            switch await runtime.attempt(message) {
            case .sent(let providerId):
                return await finish(message, plugin: runtime.manifest.name, .sent, attempt: attempt,
                                    reason: nil, providerId: providerId)
            case .permanent(let reason):
                return await finish(message, plugin: runtime.manifest.name, .failed, attempt: attempt, reason: reason)
            case .retryable(let reason) where attempt >= policy.maxAttempts:
                return await finish(message, plugin: runtime.manifest.name, .failed, attempt: attempt,
                                    reason: "gave up after \(attempt) attempt\(attempt == 1 ? "" : "s"): \(reason)")
            case .retryable(let reason):
                let delay = backoff.delay(afterAttempt: attempt)
                _ = await finish(message, plugin: runtime.manifest.name, .retried, attempt: attempt, reason: reason)
                await clock.sleep(seconds: delay)
            }
        }
    }

    private func finish(_ message: ChannelMessage, plugin: String, _ status: DeliveryStatus, attempt: Int,
                        reason: String?, providerId: String? = nil) async -> DeliveryOutcome {
        let redact = plugins[message.channel]?.redact ?? Redactor()
        let reason = reason.map { redact($0) }
        let record = DeliveryRecord(
            idempotencyKey: message.idempotencyKey, memberId: message.memberId, channel: message.channel,
            plugin: plugin, status: status, attempt: attempt, reason: reason, providerId: providerId,
            playbook: message.playbook, runId: message.runId, at: Date().timeIntervalSince1970)
        var outcome = DeliveryOutcome(status: status, attempts: attempt, reason: reason, providerId: providerId)
        do { try await ledger.record(record) }
        catch { outcome.reason = (reason.map { $0 + "; " } ?? "") + "the ledger could not record it: \(redact("\(error)"))" }
        return outcome
    }
}
