import CrescentCore
import CrescentPersistence
import GRDB

/// ``StoreGuardState`` read from and written to SQLite: the history of `deliveries` and
/// `coupon_ledger`, plus `campaign_reservations`.
///
/// For example:
/// ```swift
/// try store.writer.writeWithoutTransaction { db in
///     var state = try StoreGuardState.load(db, now: now)
///     try db.inTransaction(.immediate) {
///         try state.refreshReservations(db)
///         let d = pipeline.decide(member: m, at: now, state: &state)
///         try state.saveReservations(db)
///         return .commit
///     }
/// }
/// ```
extension StoreGuardState {
    /// Replays the guard history: all members, or only `members` (a single claim).
    ///
    /// CRM coupons already redeemed, expired or past `valid_until` at `now` stop counting
    /// as unused.
    static func load(_ db: Database, now: Timestamp, members: [Int64]? = nil,
                     expectedMembers: Int = 0) throws -> StoreGuardState {
        var state = StoreGuardState(memory: InMemoryGuardState(keepsLog: false, expectedMembers: expectedMembers))
        let filter = members.map { "WHERE member_id IN (\($0.map(String.init).joined(separator: ",")))" } ?? ""
        var keys: [String: GuardKey] = [:]
        let d = try RawStatement(db, """
            SELECT member_id, campaign, business_line, coupon_type, source, channel, time, local_day, value_minor
            FROM deliveries \(filter) ORDER BY id
            """)
        while try d.step(db) {
            state.replay(StoredIssueRow(member: d.int(0), campaign: d.text(1) ?? "", businessLine: d.text(2) ?? "",
                                        couponType: d.text(3), source: d.text(4), channel: d.text(5) ?? "",
                                        time: d.int(6), localDay: d.int(7), value: d.int(8)), keys: &keys)
        }
        let used = try RawStatement(db, """
            SELECT member_id FROM coupon_ledger
            \(filter.isEmpty ? "WHERE" : filter + " AND") source = 'crm'
              AND (state != 'issued' OR (valid_until IS NOT NULL AND valid_until <= \(now.seconds)))
            """)
        while try used.step(db) { state.memory.couponUsedOrExpired(member: used.int(0)) }
        return state
    }

    /// Reads the campaigns' reserved stock and budget; call inside the issuing transaction.
    mutating func refreshReservations(_ db: Database, campaigns: [String]) throws {
        for name in campaigns {
            let row = try Row.fetchOne(db, sql: "SELECT stock, budget_minor FROM campaign_reservations WHERE campaign = ?",
                                       arguments: [name])
            setReservation(campaign: name, stock: row?["stock"] ?? 0, budget: Money(minorUnits: row?["budget_minor"] ?? 0))
        }
    }

    /// Writes the reserved counters of every refreshed campaign; same transaction as the issues.
    func saveReservations(_ db: Database) throws {
        for r in reservations {
            try db.execute(sql: """
                INSERT INTO campaign_reservations(campaign, stock, budget_minor) VALUES (?, ?, ?)
                ON CONFLICT(campaign) DO UPDATE SET stock = excluded.stock, budget_minor = excluded.budget_minor
                """, arguments: [r.campaign, r.stock, r.budget.minorUnits])
        }
    }
}
