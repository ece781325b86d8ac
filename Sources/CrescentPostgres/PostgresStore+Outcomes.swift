import CrescentCore
import CrescentPersistence
import PostgresNIO

/// ``OutcomeLedger`` (part of ``DataStore``) on PostgreSQL: the same reads as the SQLite store's `measured` and
/// `variantOutcomes`, in one repeatable-read snapshot. An optional filter is written
/// `(x::TYPE IS NULL OR column = x)` so the server knows each parameter's type.
extension PostgresStore {
    public func measured(_ scope: MeasureScope) throws -> [MeasuredPlaybook] {
        let (playbook, runId) = (scope.playbook, scope.runId)
        let (since, until) = (scope.since?.seconds, scope.until?.seconds)
        return try pool.transaction { s in
            try s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            var heldOut: [String: [Int64: String]] = [:]
            for row in try s.query("""
                SELECT playbook, member_id, reason FROM suppressions
                WHERE reason IN ('holdout', 'control_group') AND (\(playbook)::TEXT IS NULL OR playbook = \(playbook))
                  AND (\(runId)::TEXT IS NULL OR run_id = \(runId))
                """) {
                let (p, member, reason) = try row.decode((String, Int64, String).self)
                heldOut[p, default: [:]][member] = reason
            }
            // Treated members of an A/B test are each in their variant's arm.
            var variants: [String: [Int64: String]] = [:]
            for row in try s.query("""
                SELECT playbook, member_id, variant FROM deliveries
                WHERE variant IS NOT NULL AND (\(playbook)::TEXT IS NULL OR playbook = \(playbook))
                  AND (\(runId)::TEXT IS NULL OR run_id = \(runId))
                UNION
                SELECT playbook, member_id, variant FROM suppressions
                WHERE variant IS NOT NULL AND (\(playbook)::TEXT IS NULL OR playbook = \(playbook))
                  AND (\(runId)::TEXT IS NULL OR run_id = \(runId))
                """) {
                let (p, member, variant) = try row.decode((String, Int64, String).self)
                variants[p, default: [:]][member] = variant
            }
            // Each member's first entry in scope per playbook, with their orders and the
            // playbook's coupons they redeemed from then on.
            var members: [String: [MeasuredMember]] = [:]
            for row in try s.query("""
                WITH entered AS (
                  SELECT playbook, member_id, MIN(entered_at) AS since FROM journeys
                  WHERE (\(playbook)::TEXT IS NULL OR playbook = \(playbook)) AND (\(runId)::TEXT IS NULL OR entry_key = \(runId))
                    AND (\(since)::BIGINT IS NULL OR entered_at >= \(since)) AND (\(until)::BIGINT IS NULL OR entered_at < \(until))
                  GROUP BY playbook, member_id)
                SELECT e.playbook, e.member_id,
                  (SELECT count(*) FROM orders o
                   WHERE o.member_id = e.member_id AND o.time >= e.since AND (\(until)::BIGINT IS NULL OR o.time < \(until))),
                  (SELECT coalesce(sum(o.amount), 0)::BIGINT FROM orders o
                   WHERE o.member_id = e.member_id AND o.time >= e.since AND (\(until)::BIGINT IS NULL OR o.time < \(until))),
                  (SELECT count(*) FROM coupon_ledger c
                   WHERE c.member_id = e.member_id AND c.state = 'redeemed' AND c.playbook = e.playbook
                     AND (\(runId)::TEXT IS NULL OR c.run_id = \(runId)) AND c.redeemed_at >= e.since
                     AND (\(until)::BIGINT IS NULL OR c.redeemed_at < \(until)))
                FROM entered e ORDER BY e.playbook, e.member_id
                """) {
                let (p, member, orders, revenue, redemptions) = try row.decode((String, Int64, Int64, Int64, Int64).self)
                members[p, default: []].append(MeasuredMember(
                    memberId: member, arm: heldOut[p]?[member] ?? variants[p]?[member] ?? "treated", orders: Int(orders),
                    revenue: Money(minorUnits: revenue), redemptions: Int(redemptions)))
            }
            return try members.keys.sorted().map { p in
                MeasuredPlaybook(playbook: p, members: members[p]!, costs: try Self.costs(s, playbook: p, scope: scope))
            }
        }
    }

    /// What the playbook's runs in scope paid: discounts on redeemed coupons, messages issued
    /// (pending or sent, not failed) per channel, and points awarded.
    static func costs(_ s: PostgresSession, playbook: String, scope: MeasureScope) throws -> RealisedCosts {
        let runId = scope.runId
        let (since, until) = (scope.since?.seconds, scope.until?.seconds)
        let subsidy = try s.query("""
            SELECT coalesce(sum(discount_minor), 0)::BIGINT FROM coupon_ledger
            WHERE playbook = \(playbook) AND state = 'redeemed' AND (\(runId)::TEXT IS NULL OR run_id = \(runId))
              AND (\(since)::BIGINT IS NULL OR issued_at >= \(since)) AND (\(until)::BIGINT IS NULL OR redeemed_at < \(until))
            """)[0].decode(Int64.self)
        var messages: [String: Int] = [:]
        for row in try s.query("""
            SELECT channel, count(*) FROM deliveries
            WHERE playbook = \(playbook) AND state != 'failed' AND (\(runId)::TEXT IS NULL OR run_id = \(runId))
              AND (\(since)::BIGINT IS NULL OR time >= \(since)) AND (\(until)::BIGINT IS NULL OR time < \(until))
            GROUP BY channel
            """) {
            let (channel, n) = try row.decode((String, Int64).self)
            messages[channel] = Int(n)
        }
        let points = try s.query("""
            SELECT coalesce(sum(delta), 0)::BIGINT FROM points_ledger
            WHERE playbook = \(playbook) AND kind = 'earn' AND (\(runId)::TEXT IS NULL OR run_id = \(runId))
              AND (\(since)::BIGINT IS NULL OR time >= \(since)) AND (\(until)::BIGINT IS NULL OR time < \(until))
            """)[0].decode(Int64.self)
        return RealisedCosts(subsidy: Money(minorUnits: subsidy), messages: messages, points: Int(points))
    }

    public func variantOutcomes(playbook: String, runId: String?, windowDays: Int) throws -> [VariantOutcome] {
        let window = Int64(windowDays) * 86_400
        return try pool.withSession { s in
            try s.query("""
                WITH issued AS (
                  SELECT variant, member_id, min(time) AS first FROM deliveries
                  WHERE playbook = \(playbook) AND variant IS NOT NULL AND (\(runId)::TEXT IS NULL OR run_id = \(runId))
                  GROUP BY variant, member_id)
                SELECT i.variant, count(*),
                  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM coupon_ledger c WHERE c.member_id = i.member_id
                    AND c.playbook = \(playbook) AND c.variant = i.variant AND c.state = 'redeemed'
                    AND (\(runId)::TEXT IS NULL OR c.run_id = \(runId)))),
                  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM orders o WHERE o.member_id = i.member_id
                    AND o.time >= i.first AND o.time < i.first + \(window)))
                FROM issued i GROUP BY i.variant ORDER BY i.variant COLLATE "C"
                """).map { row in
                let (variant, members, redeemed, purchased) = try row.decode((String, Int64, Int64, Int64).self)
                return VariantOutcome(variant: variant, members: Int(members), redeemed: Int(redeemed), purchased: Int(purchased))
            }
        }
    }
}
