/// A `pending` row of `deliveries`: who gets which playbook step's message on which channel.
public struct PendingDelivery: Sendable, Equatable {
    /// The row id; the outbox drains in id order.
    public var id: Int64
    public var idempotencyKey: String
    public var runId: String
    public var playbook: String
    /// Index in the playbook's steps (0 for a playbook without steps).
    public var step: Int
    public var memberId: Int64
    public var channel: String
    /// The issued offer's message variables (`{{coupon_value}}`, …); empty when none were recorded.
    public var offer: [String: String]

    public init(id: Int64 = 0, idempotencyKey: String, runId: String, playbook: String, step: Int = 0,
                memberId: Int64, channel: String, offer: [String: String] = [:]) {
        self.id = id; self.idempotencyKey = idempotencyKey; self.runId = runId; self.playbook = playbook
        self.step = step; self.memberId = memberId; self.channel = channel; self.offer = offer
    }
}
