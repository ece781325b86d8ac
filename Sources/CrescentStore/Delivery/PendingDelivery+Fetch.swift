import CrescentPersistence
import Foundation
import GRDB

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
