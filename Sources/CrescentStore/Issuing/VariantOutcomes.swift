import CrescentCore
import CrescentPersistence
import GRDB

/// ``OutcomeLedger/variantOutcomes(playbook:runId:windowDays:)`` on SQLite.
extension CrescentStore {
    /// Per variant of `playbook` (those with a delivery; in name order), over one run or all.
    public func variantOutcomes(playbook: String, runId: String?, windowDays: Int) throws -> [VariantOutcome] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                WITH issued AS (
                  SELECT variant, member_id, min(time) AS first FROM deliveries
                  WHERE playbook = ?1 AND variant IS NOT NULL AND (?2 IS NULL OR run_id = ?2)
                  GROUP BY variant, member_id)
                SELECT i.variant AS variant, count(*) AS members,
                  sum(EXISTS (SELECT 1 FROM coupon_ledger c WHERE c.member_id = i.member_id AND c.playbook = ?1
                              AND c.variant = i.variant AND c.state = 'redeemed' AND (?2 IS NULL OR c.run_id = ?2))) AS redeemed,
                  sum(EXISTS (SELECT 1 FROM orders o WHERE o.member_id = i.member_id
                              AND o.time >= i.first AND o.time < i.first + ?3)) AS purchased
                FROM issued i GROUP BY i.variant ORDER BY i.variant
                """, arguments: [playbook, runId, Int64(windowDays) * 86_400]).map { row in
                VariantOutcome(variant: row["variant"], members: row["members"], redeemed: row["redeemed"],
                               purchased: row["purchased"])
            }
        }
    }
}
