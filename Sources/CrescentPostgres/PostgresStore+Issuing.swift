import CrescentCore
import CrescentPersistence
import Foundation
import PostgresNIO

/// Ledger reads, offer catalogs, redemptions and guard state.
extension PostgresStore {
    public func issueTotals(_ scope: IssueScope) throws -> IssueTotals {
        // Every key of the scope starts with its prefix; `C` collation makes the range exact.
        let (lo, hi) = (scope.keyPrefix, scope.keyPrefix + "\u{10FFFF}")
        return try pool.withSession { s in
            var t = IssueTotals()
            for row in try s.query("""
                SELECT channel, count(*) FROM deliveries
                WHERE idempotency_key COLLATE "C" >= \(lo) AND idempotency_key COLLATE "C" < \(hi) GROUP BY channel
                """) {
                let (channel, n) = try row.decode((String, Int64).self)
                t.issued += Int(n)
                t.issuedByChannel[channel, default: 0] += Int(n)
            }
            for row in try s.query("""
                SELECT reason, count(*) FROM suppressions
                WHERE idempotency_key COLLATE "C" >= \(lo) AND idempotency_key COLLATE "C" < \(hi) GROUP BY reason
                """) {
                let (reason, n) = try row.decode((String, Int64).self)
                t.suppressed[reason, default: 0] += Int(n)
            }
            return t
        }
    }

    public func playbookActivity() throws -> [String: PlaybookActivity] {
        try pool.withSession { s in
            var out: [String: PlaybookActivity] = [:]
            for row in try s.query("SELECT playbook, state, count(*) FROM deliveries GROUP BY playbook, state") {
                let (playbook, state, n) = try row.decode((String, String, Int64).self)
                out[playbook, default: PlaybookActivity()].issued += Int(n)
                out[playbook, default: PlaybookActivity()].deliveriesByState[state] = Int(n)
            }
            for row in try s.query("SELECT playbook, reason, count(*) FROM suppressions GROUP BY playbook, reason") {
                let (playbook, reason, n) = try row.decode((String, String, Int64).self)
                out[playbook, default: PlaybookActivity()].suppressed[reason] = Int(n)
            }
            return out
        }
    }

    public func offerVariables(id: Int64) throws -> [String: String] {
        guard let json = try pool.withSession({ s in
            try s.query("SELECT variables_json FROM offer_variables WHERE id = \(id)").first?.decode(String.self)
        }) else { return [:] }
        return try JSONDecoder().decode([String: String].self, from: Data(json.utf8))
    }

    public func internCouponSpec(_ spec: CouponSpec) throws -> Int64 {
        try pool.withSession { try Self.intern(spec, $0) }
    }

    public func couponCount() throws -> Int {
        try pool.withSession { Int(try $0.query("SELECT count(*) FROM coupon_ledger")[0].decode(Int64.self)) }
    }

    // MARK: - Catalogs (same spec or variables, same id: JSON with sorted keys, as on SQLite)

    static func intern(_ spec: CouponSpec, _ s: PostgresSession) throws -> Int64 {
        let json = try sortedJSON(spec)
        try s.execute("INSERT INTO coupon_specs(spec_json) VALUES (\(json)) ON CONFLICT (spec_json) DO NOTHING")
        return try s.query("SELECT id FROM coupon_specs WHERE spec_json = \(json)")[0].decode(Int64.self)
    }

    static func intern(variables: [String: String], _ s: PostgresSession) throws -> Int64 {
        let json = try sortedJSON(variables)
        try s.execute("INSERT INTO offer_variables(variables_json) VALUES (\(json)) ON CONFLICT (variables_json) DO NOTHING")
        return try s.query("SELECT id FROM offer_variables WHERE variables_json = \(json)")[0].decode(Int64.self)
    }

    static func sortedJSON(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    // MARK: - Redemptions

    public func redeem(coupon id: Int64, order: Order, city: String?, shippingFee: Money, key: String?) throws -> RedeemOutcome {
        // The order id as the shop wrote it: "SO-2026-0001" and 17 can never share a key.
        let key = key ?? "redeem/\(id)/\(order.displayId)"
        return try pool.transaction { s in
            // The coupon row is locked first: a concurrent redemption of it waits, then sees it redeemed.
            guard let row = try s.query("""
                SELECT member_id, spec_id, issued_at, utc_offset_minutes, state, redeemed_order_id, redeemed_at,
                  channel, run_id, playbook FROM coupon_ledger WHERE id = \(id) FOR UPDATE
                """).first else { throw UnknownCoupon(id: id) }
            if let given = try s.query("SELECT discount_minor FROM coupon_events WHERE idempotency_key = \(key)").first {
                return .replayed(discount: Money(minorUnits: try given.decode(Int64?.self) ?? 0))
            }
            let (member, specId, issuedAt, offset, state, redeemedOrder, redeemedAt, channel, runId, playbook) =
                try row.decode((Int64, Int64?, Int64, Int64, String, Int64?, Int64?, String?, String, String).self)
            guard let specId, let json = try s.query("SELECT spec_json FROM coupon_specs WHERE id = \(specId)").first?
                .decode(String.self) else { throw UnknownCoupon(id: id) }
            let spec = try JSONDecoder().decode(CouponSpec.self, from: Data(json.utf8))
            let couponState: CouponState = switch state {
            case "redeemed": .redeemed(orderId: redeemedOrder ?? 0, at: Timestamp(seconds: redeemedAt ?? 0))
            case "expired": .expired
            default: .issued
            }
            let coupon = IssuedCoupon(spec: spec, memberId: member, issuedAt: Timestamp(seconds: issuedAt),
                                      utcOffsetMinutes: Int(offset), state: couponState)
            switch coupon.redeem(on: order, city: city, shippingFee: shippingFee) {
            case .failure(let refusal):
                if case .expired = refusal, couponState == .issued {
                    try s.execute("UPDATE coupon_ledger SET state = 'expired' WHERE id = \(id) AND state = 'issued'")
                    try s.execute("""
                        INSERT INTO coupon_events(idempotency_key, coupon_id, kind, member_id, channel, run_id, playbook, time)
                        VALUES (\("expire/\(id)"), \(id), 'expire', \(member), \(channel), \(runId), \(playbook), \(order.time.seconds))
                        ON CONFLICT (idempotency_key) DO NOTHING
                        """)
                }
                return .refused(refusal)
            case .success(let redemption):
                try s.execute("""
                    UPDATE coupon_ledger SET state = 'redeemed', redeemed_order_id = \(order.id),
                      redeemed_order_reference = \(order.reference), redeemed_at = \(order.time.seconds),
                      discount_minor = \(redemption.discount.minorUnits)
                    WHERE id = \(id)
                    """)
                try s.execute("""
                    INSERT INTO coupon_events(idempotency_key, coupon_id, kind, member_id, channel, run_id, playbook,
                      order_id, discount_minor, time)
                    VALUES (\(key), \(id), 'redeem', \(member), \(channel), \(runId), \(playbook), \(order.id),
                      \(redemption.discount.minorUnits), \(order.time.seconds))
                    """)
                return .redeemed(redemption)
            }
        }
    }

    @discardableResult
    public func expireCoupons(at now: Timestamp) throws -> Int {
        try pool.transaction { s in
            try s.execute("""
                INSERT INTO coupon_events(idempotency_key, coupon_id, kind, member_id, channel, run_id, playbook, time)
                SELECT 'expire/' || id, id, 'expire', member_id, channel, run_id, playbook, \(now.seconds)
                FROM coupon_ledger WHERE state = 'issued' AND valid_until <= \(now.seconds)
                ON CONFLICT (idempotency_key) DO NOTHING
                """)
            return try s.execute("UPDATE coupon_ledger SET state = 'expired' WHERE state = 'issued' AND valid_until <= \(now.seconds)")
        }
    }

    // MARK: - Guard state

    public func guardState(members: [Int64], campaigns: [String], at now: Timestamp) throws -> StoreGuardState {
        try pool.withSession { s in
            var state = try Self.loadGuardHistory(s, now: now, members: members)
            for row in try s.query("""
                SELECT campaign, stock, budget_minor FROM campaign_reservations WHERE campaign = ANY(\(campaigns))
                """) {
                let (campaign, stock, budget) = try row.decode((String, Int64, Int64).self)
                state.setReservation(campaign: campaign, stock: Int(stock), budget: Money(minorUnits: budget))
            }
            for c in campaigns where state.reservations.first(where: { $0.campaign == c }) == nil {
                state.setReservation(campaign: c, stock: 0, budget: .zero)
            }
            return state
        }
    }

    /// Replays the guard history of `members` (nil: everyone) into a ``StoreGuardState``, as
    /// the SQLite store does: every issue, and the CRM coupons no longer unused at `now`.
    static func loadGuardHistory(_ s: PostgresSession, now: Timestamp, members: [Int64]?) throws -> StoreGuardState {
        var state = StoreGuardState(memory: InMemoryGuardState(keepsLog: false, expectedMembers: members?.count ?? 0))
        let all = members == nil
        let only = members ?? []
        var keys: [String: GuardKey] = [:]
        // Two statements rather than `$1 OR member_id = ANY($2)`, which no index can serve.
        let issues: PostgresQuery = all ? """
            SELECT member_id, campaign, business_line, coupon_type, source, channel, time, local_day, value_minor
            FROM deliveries ORDER BY id
            """ : """
            SELECT member_id, campaign, business_line, coupon_type, source, channel, time, local_day, value_minor
            FROM deliveries WHERE member_id = ANY(\(only)) ORDER BY id
            """
        for row in try s.query(issues) {
            let (member, campaign, line, type, source, channel, time, day, value) =
                try row.decode((Int64, String, String, String?, String, String, Int64, Int64, Int64).self)
            state.replay(StoredIssueRow(member: member, campaign: campaign, businessLine: line, couponType: type,
                                        source: source, channel: channel, time: time, localDay: day, value: value),
                         keys: &keys)
        }
        let spent = """
            source = 'crm' AND (state <> 'issued' OR (valid_until IS NOT NULL AND valid_until <= \(now.seconds)))
            """
        let used: PostgresQuery = all ? "SELECT member_id FROM coupon_ledger WHERE \(unescaped: spent)"
            : "SELECT member_id FROM coupon_ledger WHERE member_id = ANY(\(only)) AND \(unescaped: spent)"
        for row in try s.query(used) {
            state.memory.couponUsedOrExpired(member: try row.decode(Int64.self))
        }
        return state
    }
}
