import CrescentCore
import GRDB

/// Guard state backed by the store: the history of `deliveries` and `coupon_ledger`
/// replayed into an ``InMemoryGuardState``, plus `campaign_reservations`.
///
/// Why replay rather than query per check: a batch run asks six questions per member;
/// answering them from memory keeps issuing above 50 000 members/s, and replaying the
/// same rows a live run writes makes a restarted run see exactly what an uninterrupted
/// one would have. Stock and budget are different: they are shared between processes, so
/// ``refreshReservations(_:)`` reads them inside the issuing transaction and
/// ``saveReservations(_:)`` writes them back before it commits.
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
public struct StoreGuardState: GuardState {
    public var memory: InMemoryGuardState
    /// Campaign names by key id, for writing reservations back.
    private var campaignNames: [Int64: String] = [:]

    init(memory: InMemoryGuardState) { self.memory = memory }

    /// Replays the guard history: all members, or only `members` (a single claim).
    ///
    /// CRM coupons already redeemed, expired or past `valid_until` at `now` stop counting
    /// as unused.
    public static func load(_ db: Database, now: Timestamp, members: [Int64]? = nil,
                            expectedMembers: Int = 0) throws -> StoreGuardState {
        var state = StoreGuardState(memory: InMemoryGuardState(keepsLog: false, expectedMembers: expectedMembers))
        let filter = members.map { "WHERE member_id IN (\($0.map(String.init).joined(separator: ",")))" } ?? ""
        var keys: [String: GuardKey] = [:]
        func key(_ name: String) -> GuardKey {
            if let k = keys[name] { return k }
            let k = GuardKey(name); keys[name] = k; return k
        }
        let d = try RawStatement(db, """
            SELECT member_id, campaign, business_line, coupon_type, source, channel, time, local_day, value_minor
            FROM deliveries \(filter) ORDER BY id
            """)
        while try d.step(db) {
            state.memory.recordIssue(GuardIssue(
                member: d.int(0), campaign: key(d.text(1) ?? ""), businessLine: key(d.text(2) ?? ""),
                couponType: d.text(3).map(key), source: CouponSource(rawValue: d.text(4) ?? "crm") ?? .crm,
                channel: key(d.text(5) ?? ""), at: Timestamp(seconds: d.int(6)),
                localDay: Day(index: Int32(truncatingIfNeeded: d.int(7))), value: Money(minorUnits: d.int(8))))
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
    public mutating func refreshReservations(_ db: Database, campaigns: [String]) throws {
        for name in campaigns {
            let k = GuardKey(name)
            campaignNames[k.id] = name
            let row = try Row.fetchOne(db, sql: "SELECT stock, budget_minor FROM campaign_reservations WHERE campaign = ?",
                                       arguments: [name])
            memory.setReserved(campaign: k, stock: row?["stock"] ?? 0,
                               budget: Money(minorUnits: row?["budget_minor"] ?? 0))
        }
    }

    /// Writes the reserved counters of every refreshed campaign; same transaction as the issues.
    public func saveReservations(_ db: Database) throws {
        for (id, name) in campaignNames {
            let k = GuardKey(name)
            precondition(k.id == id)
            try db.execute(sql: """
                INSERT INTO campaign_reservations(campaign, stock, budget_minor) VALUES (?, ?, ?)
                ON CONFLICT(campaign) DO UPDATE SET stock = excluded.stock, budget_minor = excluded.budget_minor
                """, arguments: [name, memory.reservedStock(campaign: k), memory.reservedBudget(campaign: k).minorUnits])
        }
    }

    // MARK: - GuardState

    public func unusedCRMCoupons(member: Int64) -> Int { memory.unusedCRMCoupons(member: member) }
    public func lastIssue(member: Int64, couponType: GuardKey) -> Timestamp? {
        memory.lastIssue(member: member, couponType: couponType)
    }
    public func sends(member: Int64, channel: GuardKey, since: Timestamp) -> Int {
        memory.sends(member: member, channel: channel, since: since)
    }
    public func claims(member: Int64, campaign: GuardKey, onLocalDay day: Day) -> Int {
        memory.claims(member: member, campaign: campaign, onLocalDay: day)
    }
    public func claims(member: Int64, campaign: GuardKey) -> Int { memory.claims(member: member, campaign: campaign) }
    public func actedInBusinessLine(member: Int64, businessLine: GuardKey, since: Timestamp,
                                    otherThan campaign: GuardKey) -> Bool {
        memory.actedInBusinessLine(member: member, businessLine: businessLine, since: since, otherThan: campaign)
    }
    public func reservedStock(campaign: GuardKey) -> Int { memory.reservedStock(campaign: campaign) }
    public func reservedBudget(campaign: GuardKey) -> Money { memory.reservedBudget(campaign: campaign) }
    public mutating func reserve(campaign: GuardKey, stock: Int?, budget: Money?, value: Money) -> ReserveOutcome {
        memory.reserve(campaign: campaign, stock: stock, budget: budget, value: value)
    }
    public mutating func release(campaign: GuardKey, value: Money) { memory.release(campaign: campaign, value: value) }
    public mutating func recordIssue(_ issue: GuardIssue) { memory.recordIssue(issue) }
}
