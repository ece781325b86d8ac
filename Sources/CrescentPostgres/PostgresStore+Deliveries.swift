import CrescentCore
import CrescentPersistence
import Foundation
import PostgresNIO

/// The delivery ledger: one `delivery_attempts` row per attempt, and the `deliveries` row's
/// state moved in the same transaction. Pending deliveries are claimed per sender under a lease.
extension PostgresStore {
    public func claimPendingDeliveries(afterId: Int64, runId: String?, playbooks: [String], limit: Int,
                                       lease: WorkLease) async throws -> [PendingDelivery] {
        let now = clock()
        return try await pool.async { [self] in
            let ids = try claims.claimPendingDeliveries(afterId: afterId, runId: runId, playbooks: playbooks, limit: limit,
                                                        now: now, node: lease.node, leaseSeconds: lease.seconds)
            return try pendingDeliveries(ids: ids)
        }
    }

    /// The claimed rows with their offers' variables, in id order.
    func pendingDeliveries(ids: [Int64]) throws -> [PendingDelivery] {
        guard !ids.isEmpty else { return [] }
        let decoder = JSONDecoder()
        return try pool.withSession { s in
            try s.query("""
                SELECT d.id, d.idempotency_key, d.run_id, d.playbook, d.step, d.member_id, d.channel, o.variables_json
                FROM deliveries d LEFT JOIN offer_variables o ON o.id = d.offer_variables_id
                WHERE d.id = ANY(\(ids)) ORDER BY d.id
                """).map { row in
                let (id, key, runId, playbook, step, member, channel, json) =
                    try row.decode((Int64, String, String, String, Int64, Int64, String, String?).self)
                let offer = try json.map { try decoder.decode([String: String].self, from: Data($0.utf8)) } ?? [:]
                return PendingDelivery(id: id, idempotencyKey: key, runId: runId, playbook: playbook, step: Int(step),
                                       memberId: member, channel: channel, offer: offer)
            }
        }
    }

    public func pendingDeliveryMembers() throws -> Set<Int64> {
        try pool.withSession { s in
            Set(try s.query("SELECT member_id FROM deliveries WHERE state = 'pending'").map { try $0.decode(Int64.self) })
        }
    }

    public func recordAttempt(_ r: DeliveryRecord) async throws {
        try await pool.async { [self] in
            try pool.transaction { s in
                try s.execute("""
                    INSERT INTO delivery_attempts(idempotency_key, attempt, status, reason, provider_id, plugin, channel,
                      member_id, playbook, run_id, at)
                    VALUES (\(r.idempotencyKey), \(Int64(r.attempt)), \(r.status.rawValue), \(r.reason), \(r.providerId),
                      \(r.plugin), \(r.channel), \(r.memberId), \(r.playbook), \(r.runId), \(r.at))
                    """)
                switch r.status {
                case .sent:
                    try s.execute("""
                        UPDATE deliveries SET state = 'sent', reason = NULL, claimed_by = NULL, lease_until = NULL
                        WHERE idempotency_key = \(r.idempotencyKey)
                        """)
                case .failed:
                    // Never demote a sent delivery: a late failure report must not undo a success.
                    try s.execute("""
                        UPDATE deliveries SET state = 'failed', reason = \(r.reason), claimed_by = NULL, lease_until = NULL
                        WHERE idempotency_key = \(r.idempotencyKey) AND state = 'pending'
                        """)
                case .retried, .duplicate:
                    break
                }
            }
        }
    }

    public func wasSent(idempotencyKey key: String) async throws -> Bool {
        try await pool.async { [self] in
            try pool.withSession { s in
                try s.query("""
                    SELECT EXISTS(SELECT 1 FROM delivery_attempts WHERE idempotency_key = \(key) AND status = 'sent')
                        OR EXISTS(SELECT 1 FROM deliveries WHERE idempotency_key = \(key) AND state = 'sent')
                    """)[0].decode(Bool.self)
            }
        }
    }

    public func attempts(idempotencyKey key: String) throws -> [DeliveryRecord] {
        try pool.withSession { s in
            try s.query("""
                SELECT idempotency_key, member_id, channel, plugin, status, attempt, reason, provider_id, playbook, run_id, at
                FROM delivery_attempts WHERE idempotency_key = \(key) ORDER BY id
                """).map(Self.deliveryRecord)
        }
    }

    static func deliveryRecord(_ row: PostgresRow) throws -> DeliveryRecord {
        let (key, member, channel, plugin, status, attempt, reason, provider, playbook, runId, at) =
            try row.decode((String, Int64, String, String, String, Int64, String?, String?, String?, String?, Double).self)
        return DeliveryRecord(idempotencyKey: key, memberId: member, channel: channel, plugin: plugin,
                              status: DeliveryStatus(rawValue: status) ?? .failed, attempt: Int(attempt),
                              reason: reason, providerId: provider, playbook: playbook, runId: runId, at: at)
    }

    public func deliveryCount(state: DeliveryState) throws -> Int {
        try pool.withSession { s in
            Int(try s.query("SELECT count(*) FROM deliveries WHERE state = \(state.rawValue)")[0].decode(Int64.self))
        }
    }
}
