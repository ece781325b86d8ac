import CrescentLua

/// One message to deliver through a channel plugin.
///
/// The idempotency key identifies the message across retries and restarts: the dispatcher
/// never sends a key again once it reached `sent`, and HTTP plugins pass it on as the
/// `Idempotency-Key` header so the provider can drop duplicates too.
public struct ChannelMessage: Sendable, Codable, Equatable {
    public var idempotencyKey: String
    public var memberId: Int64
    /// The channel code (`sms`, `email`, …); it picks the plugin.
    public var channel: String
    public var recipient: Recipient
    public var subject: String?
    public var body: String
    /// Values a plugin may substitute into `{{name}}` placeholders.
    public var variables: [String: String]
    public var playbook: String?
    public var runId: String?

    public init(idempotencyKey: String, memberId: Int64, channel: String, recipient: Recipient,
                subject: String? = nil, body: String, variables: [String: String] = [:],
                playbook: String? = nil, runId: String? = nil) {
        self.idempotencyKey = idempotencyKey; self.memberId = memberId; self.channel = channel
        self.recipient = recipient; self.subject = subject; self.body = body; self.variables = variables
        self.playbook = playbook; self.runId = runId
    }

    /// Where the message goes; which field is set depends on the channel.
    public struct Recipient: Sendable, Codable, Equatable {
        public var phone: String?
        public var email: String?
        public var device: String?
        public var url: String?
        /// The member id, for in-app inboxes and call tasks.
        public var member: Int64?
        public init(phone: String? = nil, email: String? = nil, device: String? = nil,
                    url: String? = nil, member: Int64? = nil) {
            self.phone = phone; self.email = email; self.device = device; self.url = url; self.member = member
        }
    }

    enum CodingKeys: String, CodingKey {
        case idempotencyKey = "idempotency_key", memberId = "member_id", channel, recipient, subject, body
        case variables, playbook, runId = "run_id"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        idempotencyKey = try c.decode(String.self, forKey: .idempotencyKey)
        memberId = try c.decode(Int64.self, forKey: .memberId)
        channel = try c.decode(String.self, forKey: .channel)
        recipient = try c.decodeIfPresent(Recipient.self, forKey: .recipient) ?? Recipient()
        subject = try c.decodeIfPresent(String.self, forKey: .subject)
        body = try c.decode(String.self, forKey: .body)
        variables = try c.decodeIfPresent([String: String].self, forKey: .variables) ?? [:]
        playbook = try c.decodeIfPresent(String.self, forKey: .playbook)
        runId = try c.decodeIfPresent(String.self, forKey: .runId)
    }

    /// The table `send(message)` receives.
    var luaValue: LuaValue {
        var r: [String: LuaValue] = [:]
        if let v = recipient.phone { r["phone"] = .string(v) }
        if let v = recipient.email { r["email"] = .string(v) }
        if let v = recipient.device { r["device"] = .string(v) }
        if let v = recipient.url { r["url"] = .string(v) }
        if let v = recipient.member { r["member"] = .int(v) }
        var t: [String: LuaValue] = [
            "idempotency_key": .string(idempotencyKey), "member_id": .int(memberId), "channel": .string(channel),
            "recipient": .table(r), "body": .string(body), "variables": .table(variables.mapValues { .string($0) }),
        ]
        if let subject { t["subject"] = .string(subject) }
        if let playbook { t["playbook"] = .string(playbook) }
        if let runId { t["run_id"] = .string(runId) }
        return .table(t)
    }
}
