import CrescentChannels
import CrescentStore
import Foundation
import GRDB

/// The delivery ledger in the store: one `delivery_attempts` row per attempt, and the
/// `deliveries` row's state moved in the same transaction.
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
    public let store: CrescentStore

    public init(store: CrescentStore) { self.store = store }

    public func record(_ record: DeliveryRecord) async throws {
        try await store.writer.write { db in try Self.write(record, db) }
    }

    public func wasSent(idempotencyKey key: String) async throws -> Bool {
        try await store.writer.read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS(SELECT 1 FROM delivery_attempts WHERE idempotency_key = ?1 AND status = 'sent')
                    OR EXISTS(SELECT 1 FROM deliveries WHERE idempotency_key = ?1 AND state = 'sent')
                """, arguments: [key]) ?? false
        }
    }

    /// Every attempt recorded for `key`, oldest first.
    public func attempts(idempotencyKey key: String) throws -> [DeliveryRecord] {
        try store.writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT idempotency_key, member_id, channel, plugin, status, attempt, reason, provider_id,
                       playbook, run_id, at
                FROM delivery_attempts WHERE idempotency_key = ? ORDER BY id
                """, arguments: [key]).map { row in
                DeliveryRecord(idempotencyKey: row[0], memberId: row[1], channel: row[2], plugin: row[3],
                               status: DeliveryStatus(rawValue: row[4]) ?? .failed, attempt: row[5], reason: row[6],
                               providerId: row[7], playbook: row[8], runId: row[9], at: row[10])
            }
        }
    }

    /// Writes one attempt and the state change it causes; call inside a write.
    static func write(_ r: DeliveryRecord, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO delivery_attempts(idempotency_key, attempt, status, reason, provider_id, plugin, channel,
              member_id, playbook, run_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [r.idempotencyKey, r.attempt, r.status.rawValue, r.reason, r.providerId, r.plugin,
                             r.channel, r.memberId, r.playbook, r.runId, r.at])
        switch r.status {
        case .sent:
            try db.execute(sql: "UPDATE deliveries SET state = 'sent', reason = NULL WHERE idempotency_key = ?",
                           arguments: [r.idempotencyKey])
        case .failed:
            // Never demote a sent delivery: a late failure report must not undo a success.
            try db.execute(sql: "UPDATE deliveries SET state = 'failed', reason = ? WHERE idempotency_key = ? AND state = 'pending'",
                           arguments: [r.reason, r.idempotencyKey])
        case .retried, .duplicate:
            break
        }
    }
}
