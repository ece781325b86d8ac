import CrescentCore
import CrescentPersistence
import GRDB

/// Reads the ledgers `crescent measure` compares: who entered each playbook's journeys, which
/// of them the first guards held out (`holdout`, `control_group` suppressions), their orders
/// and redemptions after entry, and what the run paid (redeemed discounts, messages, points).
extension CrescentStore {
    public func measured(_ scope: MeasureScope) throws -> [MeasuredPlaybook] {
        try writer.read { db in
            let args: StatementArguments = [scope.playbook, scope.runId, scope.since?.seconds, scope.until?.seconds]
            var heldOut: [String: [Int64: String]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT playbook, member_id, reason FROM suppressions
                WHERE reason IN ('holdout', 'control_group') AND (?1 IS NULL OR playbook = ?1) AND (?2 IS NULL OR run_id = ?2)
                """, arguments: [scope.playbook, scope.runId]) {
                heldOut[row["playbook"], default: [:]][row["member_id"]] = row["reason"]
            }
            // Treated members of an A/B test are each in their variant's arm.
            var variants: [String: [Int64: String]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT playbook, member_id, variant FROM deliveries
                WHERE variant IS NOT NULL AND (?1 IS NULL OR playbook = ?1) AND (?2 IS NULL OR run_id = ?2)
                UNION
                SELECT playbook, member_id, variant FROM suppressions
                WHERE variant IS NOT NULL AND (?1 IS NULL OR playbook = ?1) AND (?2 IS NULL OR run_id = ?2)
                """, arguments: [scope.playbook, scope.runId]) {
                variants[row["playbook"], default: [:]][row["member_id"]] = row["variant"]
            }
            // Each member's first entry in scope per playbook, with their orders and the
            // playbook's coupons they redeemed from then on (both served by member indexes).
            var members: [String: [MeasuredMember]] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                WITH entered AS (
                  SELECT playbook, member_id, MIN(entered_at) AS since FROM journeys
                  WHERE (?1 IS NULL OR playbook = ?1) AND (?2 IS NULL OR entry_key = ?2)
                    AND (?3 IS NULL OR entered_at >= ?3) AND (?4 IS NULL OR entered_at < ?4)
                  GROUP BY playbook, member_id)
                SELECT e.playbook, e.member_id,
                  (SELECT count(*) FROM orders o
                   WHERE o.member_id = e.member_id AND o.time >= e.since AND (?4 IS NULL OR o.time < ?4)) AS orders,
                  (SELECT coalesce(sum(o.amount), 0) FROM orders o
                   WHERE o.member_id = e.member_id AND o.time >= e.since AND (?4 IS NULL OR o.time < ?4)) AS revenue,
                  (SELECT count(*) FROM coupon_ledger c
                   WHERE c.member_id = e.member_id AND c.state = 'redeemed' AND c.playbook = e.playbook
                     AND (?2 IS NULL OR c.run_id = ?2) AND c.redeemed_at >= e.since
                     AND (?4 IS NULL OR c.redeemed_at < ?4)) AS redemptions
                FROM entered e ORDER BY e.playbook, e.member_id
                """, arguments: args)
            while let row = try rows.next() {
                let playbook: String = row["playbook"], member: Int64 = row["member_id"]
                members[playbook, default: []].append(MeasuredMember(
                    memberId: member, arm: heldOut[playbook]?[member] ?? variants[playbook]?[member] ?? "treated", orders: row["orders"],
                    revenue: Money(minorUnits: row["revenue"]), redemptions: row["redemptions"]))
            }
            return try members.keys.sorted().map { playbook in
                MeasuredPlaybook(playbook: playbook, members: members[playbook]!,
                                 costs: try Self.costs(db, playbook: playbook, scope: scope))
            }
        }
    }

    /// What the playbook's runs in scope paid: discounts on redeemed coupons, messages issued
    /// (pending or sent, not failed) per channel, and points awarded.
    static func costs(_ db: Database, playbook: String, scope: MeasureScope) throws -> RealisedCosts {
        let args: StatementArguments = [playbook, scope.runId, scope.since?.seconds, scope.until?.seconds]
        let subsidy = try Int64.fetchOne(db, sql: """
            SELECT coalesce(sum(discount_minor), 0) FROM coupon_ledger
            WHERE playbook = ?1 AND state = 'redeemed' AND (?2 IS NULL OR run_id = ?2)
              AND (?3 IS NULL OR issued_at >= ?3) AND (?4 IS NULL OR redeemed_at < ?4)
            """, arguments: args) ?? 0
        var messages: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT channel, count(*) AS n FROM deliveries
            WHERE playbook = ?1 AND state != 'failed' AND (?2 IS NULL OR run_id = ?2)
              AND (?3 IS NULL OR time >= ?3) AND (?4 IS NULL OR time < ?4)
            GROUP BY channel
            """, arguments: args) { messages[row["channel"]] = row["n"] }
        let points = try Int.fetchOne(db, sql: """
            SELECT coalesce(sum(delta), 0) FROM points_ledger
            WHERE playbook = ?1 AND kind = 'earn' AND (?2 IS NULL OR run_id = ?2)
              AND (?3 IS NULL OR time >= ?3) AND (?4 IS NULL OR time < ?4)
            """, arguments: args) ?? 0
        return RealisedCosts(subsidy: Money(minorUnits: subsidy), messages: messages, points: points)
    }
}
