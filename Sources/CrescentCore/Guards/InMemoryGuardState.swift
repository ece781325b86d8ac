/// Guard state held in memory: for dry-runs, simulations and tests.
///
/// Everything is keyed by `Int64` (member ids and ``GuardKey`` ids); each member has
/// one small array of facts, so a check costs one dictionary lookup and a short scan.
/// Copying the value gives an independent what-if state; nothing reaches a real store.
///
/// For example, a member who already holds 3 unused CRM coupons:
/// ```swift
/// var state = InMemoryGuardState()
/// state.setUnusedCRMCoupons(member: 42, count: 3)
/// state.recordSend(member: 42, channel: GuardKey("sms"), at: now)
/// ```
public struct InMemoryGuardState: GuardState, Sendable {
    /// One thing that happened to a member. Zero ids mean "not applicable".
    struct Fact: Sendable {
        var campaign: Int64
        var businessLine: Int64
        var couponType: Int64
        var channel: Int64
        var at: Int64
        var localDay: Int32
        var isClaim: Bool
        /// Pushed by CRM (counts for anti-harassment); false for self-claims and seeded facts.
        var isCRM: Bool = false
    }

    struct MemberFacts: Sendable {
        var unusedCRM = 0
        var facts: [Fact] = []
    }

    struct CampaignCounters: Sendable {
        var stock = 0
        var budget: Int64 = 0
    }

    private var members: [Int64: MemberFacts] = [:]
    private var campaigns: [Int64: CampaignCounters] = [:]

    /// Issues recorded, in order, when `keepsLog` is true (the dry-run's output).
    public private(set) var issues: [GuardIssue] = []
    public var keepsLog: Bool

    /// - parameters:
    ///   - keepsLog: keep every ``GuardIssue`` in ``issues``.
    ///   - expectedMembers: members to reserve room for.
    public init(keepsLog: Bool = true, expectedMembers: Int = 0) {
        self.keepsLog = keepsLog
        members.reserveCapacity(expectedMembers)
    }

    // MARK: - Seeding facts from history

    /// Sets how many unused CRM-issued coupons the member holds.
    public mutating func setUnusedCRMCoupons(member: Int64, count: Int) {
        members[member, default: MemberFacts()].unusedCRM = count
    }

    /// Starts a campaign's counters where the real store has them, so a dry-run of a
    /// running campaign cannot promise stock or budget already spent.
    public mutating func setReserved(campaign: GuardKey, stock: Int, budget: Money) {
        campaigns[campaign.id] = CampaignCounters(stock: stock, budget: budget.minorUnits)
    }

    /// Notes that one of the member's CRM coupons was redeemed or expired.
    public mutating func couponUsedOrExpired(member: Int64) {
        members[member, default: MemberFacts()].unusedCRM -= 1
        if members[member]!.unusedCRM < 0 { members[member]!.unusedCRM = 0 }
    }

    /// Notes a message sent outside the guards (counts towards frequency caps).
    public mutating func recordSend(member: Int64, channel: GuardKey, at: Timestamp) {
        append(member, Fact(campaign: 0, businessLine: 0, couponType: 0, channel: channel.id,
                            at: at.seconds, localDay: 0, isClaim: false))
    }

    /// Notes that `campaign` acted on the member in `businessLine` (for the overlap guard).
    public mutating func recordAction(member: Int64, businessLine: GuardKey, campaign: GuardKey,
                                      at: Timestamp) {
        append(member, Fact(campaign: campaign.id, businessLine: businessLine.id, couponType: 0,
                            channel: 0, at: at.seconds, localDay: 0, isClaim: false))
    }

    /// Notes that CRM issued the member a coupon of `couponType` at `at`.
    public mutating func recordCouponType(member: Int64, couponType: GuardKey, at: Timestamp) {
        append(member, Fact(campaign: 0, businessLine: 0, couponType: couponType.id, channel: 0,
                            at: at.seconds, localDay: 0, isClaim: false, isCRM: true))
    }

    private mutating func append(_ member: Int64, _ fact: Fact) {
        members[member, default: MemberFacts()].facts.append(fact)
    }

    // MARK: - GuardState

    public func unusedCRMCoupons(member: Int64) -> Int { members[member]?.unusedCRM ?? 0 }

    public func lastIssue(member: Int64, couponType: GuardKey) -> Timestamp? {
        guard let facts = members[member]?.facts else { return nil }
        var last: Int64?
        for f in facts where f.isCRM && f.couponType == couponType.id { last = max(last ?? f.at, f.at) }
        return last.map(Timestamp.init(seconds:))
    }

    public func sends(member: Int64, channel: GuardKey, since: Timestamp) -> Int {
        guard let facts = members[member]?.facts else { return 0 }
        let any = channel.id == GuardKey.anyChannel.id
        var n = 0
        for f in facts where f.channel != 0 && (any || f.channel == channel.id) && f.at >= since.seconds {
            n += 1
        }
        return n
    }

    public func claims(member: Int64, campaign: GuardKey, onLocalDay day: Day) -> Int {
        guard let facts = members[member]?.facts else { return 0 }
        var n = 0
        for f in facts where f.isClaim && f.campaign == campaign.id && f.localDay == day.index { n += 1 }
        return n
    }

    public func claims(member: Int64, campaign: GuardKey) -> Int {
        guard let facts = members[member]?.facts else { return 0 }
        var n = 0
        for f in facts where f.isClaim && f.campaign == campaign.id { n += 1 }
        return n
    }

    public func actedInBusinessLine(member: Int64, businessLine: GuardKey, since: Timestamp,
                                    otherThan campaign: GuardKey) -> Bool {
        guard let facts = members[member]?.facts else { return false }
        return facts.contains {
            $0.businessLine == businessLine.id && $0.campaign != campaign.id && $0.at >= since.seconds
        }
    }

    public func reservedStock(campaign: GuardKey) -> Int { campaigns[campaign.id]?.stock ?? 0 }

    public func reservedBudget(campaign: GuardKey) -> Money {
        Money(minorUnits: campaigns[campaign.id]?.budget ?? 0)
    }

    public mutating func reserve(campaign: GuardKey, stock: Int?, budget: Money?,
                                 value: Money) -> ReserveOutcome {
        let c = campaigns[campaign.id] ?? CampaignCounters()
        if let stock, c.stock >= stock { return .outOfStock }
        if let budget, c.budget + value.minorUnits > budget.minorUnits { return .budgetExhausted }
        campaigns[campaign.id] = CampaignCounters(stock: c.stock + 1, budget: c.budget + value.minorUnits)
        return .reserved
    }

    public mutating func release(campaign: GuardKey, value: Money) {
        guard var c = campaigns[campaign.id] else { return }
        c.stock = max(0, c.stock - 1)
        c.budget = max(0, c.budget - value.minorUnits)
        campaigns[campaign.id] = c
    }

    public mutating func recordIssue(_ issue: GuardIssue) {
        // Self-claims are not messages: they count as claims, never as sends or actions.
        let pushed = issue.source == .crm
        let fact = Fact(campaign: issue.campaign.id, businessLine: pushed ? issue.businessLine.id : 0,
                        couponType: issue.couponType?.id ?? 0, channel: pushed ? issue.channel.id : 0,
                        at: issue.at.seconds, localDay: issue.localDay.index,
                        isClaim: issue.couponType != nil, isCRM: pushed)
        let crm = issue.couponType != nil && pushed
        // One lookup: modify in place through the defaulted subscript.
        modify(&members[issue.member, default: MemberFacts()]) {
            $0.facts.append(fact)
            if crm { $0.unusedCRM += 1 }
        }
        if keepsLog { issues.append(issue) }
    }
}

@inline(__always)
private func modify<T>(_ value: inout T, _ body: (inout T) -> Void) { body(&value) }
