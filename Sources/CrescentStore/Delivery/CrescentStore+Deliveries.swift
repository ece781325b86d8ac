import CrescentCore
import CrescentPersistence
import GRDB

/// The delivery ledger: one `delivery_attempts` row per attempt, and the `deliveries` row's
/// state moved in the same transaction. The only code that writes a delivery's state after
/// the issue wrote it `pending`.
extension CrescentStore {
    /// One engine sends from a SQLite file, so the lease is not recorded.
    public func claimPendingDeliveries(afterId: Int64, runId: String?, playbooks: [String], limit: Int,
                                       lease: WorkLease) async throws -> [PendingDelivery] {
        try await writer.read { db in
            try PendingDelivery.fetch(db, afterId: afterId, runId: runId, playbooks: playbooks, limit: limit)
        }
    }

    public func pendingDeliveryMembers() throws -> Set<Int64> {
        try writer.read { db in
            // Not DISTINCT: that makes SQLite walk the member index of every delivery instead
            // of the small partial index of pending ones.
            Set(try Int64.fetchAll(db, sql: "SELECT member_id FROM deliveries WHERE state = 'pending'"))
        }
    }

    public func recordAttempt(_ record: DeliveryRecord) async throws {
        try await writer.write { db in try Self.write(record, db) }
    }

    public func wasSent(idempotencyKey key: String) async throws -> Bool {
        try await writer.read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS(SELECT 1 FROM delivery_attempts WHERE idempotency_key = ?1 AND status = 'sent')
                    OR EXISTS(SELECT 1 FROM deliveries WHERE idempotency_key = ?1 AND state = 'sent')
                """, arguments: [key]) ?? false
        }
    }

    public func attempts(idempotencyKey key: String) throws -> [DeliveryRecord] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT idempotency_key, member_id, channel, plugin, status, attempt, reason, provider_id,
                       playbook, run_id, at
                FROM delivery_attempts WHERE idempotency_key = ? ORDER BY id
                """, arguments: [key]).map(Self.deliveryRecord)
        }
    }

    /// A `delivery_attempts` row selected as (key, member, channel, plugin, status, attempt,
    /// reason, provider id, playbook, run id, at).
    static func deliveryRecord(_ row: Row) -> DeliveryRecord {
        DeliveryRecord(idempotencyKey: row[0], memberId: row[1], channel: row[2], plugin: row[3],
                       status: DeliveryStatus(rawValue: row[4]) ?? .failed, attempt: row[5], reason: row[6],
                       providerId: row[7], playbook: row[8], runId: row[9], at: row[10])
    }

    public func deliveryCount(state: DeliveryState) throws -> Int {
        try writer.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM deliveries WHERE state = ?", arguments: [state.rawValue]) ?? 0
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
