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
