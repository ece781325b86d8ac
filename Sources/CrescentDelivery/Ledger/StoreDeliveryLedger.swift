import CrescentChannels
import CrescentCore
import CrescentPersistence
import Foundation

/// The dispatcher's ledger in the store: every attempt recorded through the store's
/// ``DeliveryStore``, which moves the delivery's state in the same transaction.
///
/// - `sent` moves the delivery to `sent`; `failed` moves a pending one to `failed` with the
///   reason; `retried` and `duplicate` leave it as it is.
/// - ``wasSent(idempotencyKey:)`` reads the store, so a restarted process (or a second one)
///   never sends a key that already reached `sent`.
///
/// For example:
/// ```swift
/// let ledger = StoreDeliveryLedger(store: try CrescentStore(path: "crm.sqlite"))
/// let dispatcher = ChannelDispatcher(ledger: ledger)
/// ```
public final class StoreDeliveryLedger: DeliveryLedger {
    public let store: any DeliveryStore

    public init(store: any DeliveryStore) { self.store = store }

    public func record(_ record: DeliveryRecord) async throws {
        try await store.recordAttempt(record)
    }

    public func wasSent(idempotencyKey key: String) async throws -> Bool {
        try await store.wasSent(idempotencyKey: key)
    }

    /// Every attempt recorded for `key`, oldest first.
    public func attempts(idempotencyKey key: String) throws -> [DeliveryRecord] {
        try store.attempts(idempotencyKey: key)
    }
}
