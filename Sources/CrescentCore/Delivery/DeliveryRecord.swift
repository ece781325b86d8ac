/// What happened to one attempt (or one message) on a channel.
public enum DeliveryStatus: String, Sendable, Codable {
    /// The provider accepted the message.
    case sent
    /// The attempt failed and another will follow.
    case retried
    /// Given up: a permanent error, the attempts ran out, or the plugin broke its limits.
    case failed
    /// Not sent again: the idempotency key already reached `sent`.
    case duplicate
}

/// One line of the delivery ledger. Reasons are already redacted of secrets.
public struct DeliveryRecord: Sendable, Equatable, Codable {
    public var idempotencyKey: String
    public var memberId: Int64
    public var channel: String
    public var plugin: String
    public var status: DeliveryStatus
    /// 1-based attempt number this record is about.
    public var attempt: Int
    public var reason: String?
    public var providerId: String?
    public var playbook: String?
    public var runId: String?
    /// Seconds since 1970, from the dispatcher's clock.
    public var at: Double

    public init(idempotencyKey: String, memberId: Int64, channel: String, plugin: String, status: DeliveryStatus,
                attempt: Int, reason: String? = nil, providerId: String? = nil, playbook: String? = nil,
                runId: String? = nil, at: Double) {
        self.idempotencyKey = idempotencyKey; self.memberId = memberId; self.channel = channel; self.plugin = plugin
        self.status = status; self.attempt = attempt; self.reason = reason; self.providerId = providerId
        self.playbook = playbook; self.runId = runId; self.at = at
    }
}
