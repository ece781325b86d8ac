import Foundation
import GRDB

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

extension PendingDelivery {
    /// Up to `limit` pending deliveries after row `afterId`, in id order, optionally of one
    /// run and only of the named playbooks.
    static func fetch(_ db: Database, afterId: Int64, runId: String?, playbooks: [String], limit: Int) throws -> [PendingDelivery] {
        var sql = """
            SELECT d.id, d.idempotency_key, d.run_id, d.playbook, d.step, d.member_id, d.channel, o.variables_json
            FROM deliveries d LEFT JOIN offer_variables o ON o.id = d.offer_variables_id
            WHERE d.state = 'pending' AND d.id > ?
            """
        var args: [any DatabaseValueConvertible] = [afterId]
        if let runId { sql += " AND d.run_id = ?"; args.append(runId) }
        sql += " AND d.playbook IN (\(playbooks.map { _ in "?" }.joined(separator: ",")))"
        args += playbooks
        sql += " ORDER BY d.id LIMIT ?"
        args.append(limit)
        let decoder = JSONDecoder()
        return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map { row in
            let json: String? = row[7]
            let offer = try json.map { try decoder.decode([String: String].self, from: Data($0.utf8)) } ?? [:]
            return PendingDelivery(id: row[0], idempotencyKey: row[1], runId: row[2], playbook: row[3], step: row[4],
                                   memberId: row[5], channel: row[6], offer: offer)
        }
    }
}
