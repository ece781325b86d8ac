import CrescentCore

/// Guard state backed by a store: the history of issues replayed into an
/// ``InMemoryGuardState``, plus the campaigns' reserved stock and budget.
///
/// Why replay rather than query per check: a batch run asks six questions per member;
/// answering them from memory keeps issuing above 50 000 members/s, and replaying the
/// same rows a live run writes makes a restarted run see exactly what an uninterrupted
/// one would have. Stock and budget are different: they are shared between processes, so a
/// store reads them inside the issuing transaction (``setReservation(campaign:stock:budget:)``)
/// and writes ``reservations`` back before it commits.
public struct StoreGuardState: GuardState {
    public var memory: InMemoryGuardState
    /// Campaign names by key id, for writing reservations back.
    private var campaignNames: [Int64: String] = [:]

    public init(memory: InMemoryGuardState) { self.memory = memory }

    /// Sets a campaign's reserved counters as the store holds them now.
    public mutating func setReservation(campaign name: String, stock: Int, budget: Money) {
        let k = GuardKey(name)
        campaignNames[k.id] = name
        memory.setReserved(campaign: k, stock: stock, budget: budget)
    }

    /// The reserved counters of every campaign set by ``setReservation(campaign:stock:budget:)``,
    /// as the batch leaves them: what the store writes back in the same transaction.
    public var reservations: [(campaign: String, stock: Int, budget: Money)] {
        campaignNames.sorted { $0.value < $1.value }.map { id, name in
            let k = GuardKey(name)
            precondition(k.id == id)
            return (name, memory.reservedStock(campaign: k), memory.reservedBudget(campaign: k))
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

/// One stored issue (a `deliveries` row) as the guards replay it, the same on every store.
public struct StoredIssueRow: Sendable {
    public var member: Int64
    public var campaign: String
    public var businessLine: String
    public var couponType: String?
    public var source: String?
    public var channel: String
    public var time: Int64
    public var localDay: Int64
    public var value: Int64
    public init(member: Int64, campaign: String, businessLine: String, couponType: String?, source: String?,
                channel: String, time: Int64, localDay: Int64, value: Int64) {
        self.member = member; self.campaign = campaign; self.businessLine = businessLine; self.couponType = couponType
        self.source = source; self.channel = channel; self.time = time; self.localDay = localDay; self.value = value
    }
}

extension StoreGuardState {
    /// Replays a stored issue into the history; `keys` caches the guard keys of the names seen.
    public mutating func replay(_ row: StoredIssueRow, keys: inout [String: GuardKey]) {
        func key(_ name: String) -> GuardKey {
            if let k = keys[name] { return k }
            let k = GuardKey(name); keys[name] = k; return k
        }
        memory.recordIssue(GuardIssue(
            member: row.member, campaign: key(row.campaign), businessLine: key(row.businessLine),
            couponType: row.couponType.map(key), source: CouponSource(rawValue: row.source ?? "crm") ?? .crm,
            channel: key(row.channel), at: Timestamp(seconds: row.time),
            localDay: Day(index: Int32(truncatingIfNeeded: row.localDay)), value: Money(minorUnits: row.value)))
    }
}
