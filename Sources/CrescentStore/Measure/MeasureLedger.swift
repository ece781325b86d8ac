import CrescentCore
import GRDB

/// Which journeys `crescent measure` reads: one playbook or all, one run (entry key) or all,
/// and a window. Journeys entered in [since, until) are measured; their orders count from the
/// member's entry up to `until` (no end by default).
public struct MeasureScope: Hashable, Sendable {
    public var playbook: String?
    public var runId: String?
    public var since: Timestamp?
    public var until: Timestamp?

    public init(playbook: String? = nil, runId: String? = nil, since: Timestamp? = nil, until: Timestamp? = nil) {
        self.playbook = playbook; self.runId = runId; self.since = since; self.until = until
    }
}

/// One playbook's measured members and what its run paid, as the ledgers hold them.
public struct MeasuredPlaybook: Sendable {
    public var playbook: String
    public var members: [MeasuredMember]
    public var costs: RealisedCosts
}

/// Reads the ledgers `crescent measure` compares: who entered each playbook's journeys, which
/// of them the first guards held out (`holdout`, `control_group` suppressions), their orders
/// and redemptions after entry, and what the run paid (redeemed discounts, messages, points).
extension CrescentStore {
    public func measured(_ scope: MeasureScope) throws -> [MeasuredPlaybook] {
        try writer.read { db in
            let run = scope.runId, until = scope.until?.seconds
            // Each member's first entry in scope, per playbook.
            var entries: [String: [(member: Int64, since: Int64)]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT playbook, member_id, MIN(entered_at) AS since FROM journeys
                WHERE (?1 IS NULL OR playbook = ?1) AND (?2 IS NULL OR entry_key = ?2)
                  AND (?3 IS NULL OR entered_at >= ?3) AND (?4 IS NULL OR entered_at < ?4)
                GROUP BY playbook, member_id ORDER BY playbook, member_id
                """, arguments: [scope.playbook, run, scope.since?.seconds, until]) {
                entries[row["playbook"], default: []].append((row["member_id"], row["since"]))
            }
            var heldOut: [String: [Int64: String]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT playbook, member_id, reason FROM suppressions
                WHERE reason IN ('holdout', 'control_group') AND (?1 IS NULL OR playbook = ?1) AND (?2 IS NULL OR run_id = ?2)
                """, arguments: [scope.playbook, run]) {
                heldOut[row["playbook"], default: [:]][row["member_id"]] = row["reason"]
            }
            let orders = try db.makeStatement(sql: """
                SELECT count(*), coalesce(sum(amount), 0) FROM orders
                WHERE member_id = ?1 AND time >= ?2 AND (?3 IS NULL OR time < ?3)
                """)
            let redeemed = try db.makeStatement(sql: """
                SELECT count(*) FROM coupon_ledger
                WHERE member_id = ?1 AND state = 'redeemed' AND playbook = ?2 AND (?3 IS NULL OR run_id = ?3)
                  AND redeemed_at >= ?4 AND (?5 IS NULL OR redeemed_at < ?5)
                """)
            return try entries.keys.sorted().map { playbook in
                let held = heldOut[playbook] ?? [:]
                let members = try entries[playbook]!.map { e -> MeasuredMember in
                    let bought = try Row.fetchOne(orders, arguments: [e.member, e.since, until])!
                    let redemptions = try Int.fetchOne(redeemed, arguments: [e.member, playbook, run, e.since, until]) ?? 0
                    return MeasuredMember(memberId: e.member, arm: held[e.member] ?? "treated", orders: bought[0],
                                          revenue: Money(minorUnits: bought[1]), redemptions: redemptions)
                }
                return MeasuredPlaybook(playbook: playbook, members: members,
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
