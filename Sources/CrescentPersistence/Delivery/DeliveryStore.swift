import CrescentCore

/// The state of a `deliveries` row. Only a ``DeliveryStore`` moves it.
public enum DeliveryState: String, Sendable, CaseIterable {
    /// Issued, not sent yet: the outbox will send it.
    case pending
    case sent
    /// Given up, with the reason.
    case failed
}

/// Deliveries (one per issue, written `pending` by the journey batch), every attempt to send
/// them, and outbox claiming. The only owner of delivery states. The outbox's calls are
/// `async`: they run on the dispatcher's tasks and must not hold a thread while they wait.
public protocol DeliveryStore: AnyObject, Sendable {
    /// Up to `limit` pending deliveries after row `afterId`, in id order, optionally of one
    /// run and only of `playbooks`, claimed for `lease`: no other node is handed them while it
    /// holds. A store with one sender may ignore the lease.
    func claimPendingDeliveries(afterId: Int64, runId: String?, playbooks: [String], limit: Int,
                                lease: WorkLease) async throws -> [PendingDelivery]
    /// Members with a pending delivery (the live engine composes their messages).
    func pendingDeliveryMembers() throws -> Set<Int64>
    /// Records one attempt and the state change it causes, in one transaction: `sent` moves
    /// the delivery to sent; `failed` moves a PENDING one to failed with the reason (a late
    /// failure never demotes a sent one); `retried` and `duplicate` leave it as it is.
    func recordAttempt(_ record: DeliveryRecord) async throws
    /// True when `key` reached `sent` (an attempt or the delivery row): it must not be sent again.
    func wasSent(idempotencyKey key: String) async throws -> Bool
    /// Every attempt recorded for `key`, oldest first.
    func attempts(idempotencyKey key: String) throws -> [DeliveryRecord]
    /// How many deliveries are in `state`.
    func deliveryCount(state: DeliveryState) throws -> Int
}
