/// One issue the guards let through, as recorded in guard state.
public struct GuardIssue: Hashable, Sendable {
    public var member: Int64
    public var campaign: GuardKey
    public var businessLine: GuardKey
    /// The coupon type; nil when the offer is not a coupon (points, content).
    public var couponType: GuardKey?
    public var source: CouponSource
    public var channel: GuardKey
    public var at: Timestamp
    /// The member's local day at `at`, which per-day claim limits count in.
    public var localDay: Day
    /// The value reserved against the campaign budget.
    public var value: Money

    public init(member: Int64, campaign: GuardKey, businessLine: GuardKey, couponType: GuardKey?,
                source: CouponSource, channel: GuardKey, at: Timestamp, localDay: Day, value: Money) {
        self.member = member; self.campaign = campaign; self.businessLine = businessLine
        self.couponType = couponType; self.source = source; self.channel = channel
        self.at = at; self.localDay = localDay; self.value = value
    }
}

/// The result of reserving one unit of stock and its value against a campaign.
public enum ReserveOutcome: Hashable, Sendable {
    case reserved
    case outOfStock
    case budgetExhausted
}

/// What the guards need to know about the past, and where issues are recorded.
///
/// The engine backs it with the store inside a transaction; dry-runs and tests use
/// ``InMemoryGuardState``, which never touches a real store. Keys are ``GuardKey``s,
/// so an implementation can index by `id` and still read `name`.
///
/// ``reserve(campaign:stock:budget:value:)`` must check and consume atomically:
/// it is what keeps stock and budget from being overspent.
public protocol GuardState {
    /// Coupons issued by CRM (not self-claimed) that the member holds unused and unexpired.
    func unusedCRMCoupons(member: Int64) -> Int
    /// When CRM last issued the member a coupon of `couponType` (self-claims excluded), if ever.
    func lastIssue(member: Int64, couponType: GuardKey) -> Timestamp?
    /// Messages pushed to the member on `channel` at or after `since`
    /// (``GuardKey/anyChannel`` counts every channel).
    func sends(member: Int64, channel: GuardKey, since: Timestamp) -> Int
    /// Coupons of `campaign` the member claimed on local day `day`.
    func claims(member: Int64, campaign: GuardKey, onLocalDay day: Day) -> Int
    /// Coupons of `campaign` the member claimed in total.
    func claims(member: Int64, campaign: GuardKey) -> Int
    /// True when another campaign than `campaign` acted on the member in `businessLine`
    /// at or after `since`.
    func actedInBusinessLine(member: Int64, businessLine: GuardKey, since: Timestamp,
                             otherThan campaign: GuardKey) -> Bool
    /// Units of the campaign's stock reserved so far.
    func reservedStock(campaign: GuardKey) -> Int
    /// Value of the campaign's budget reserved so far.
    func reservedBudget(campaign: GuardKey) -> Money
    /// Atomically reserves one unit and `value` if both fit within the limits (nil = unlimited).
    mutating func reserve(campaign: GuardKey, stock: Int?, budget: Money?, value: Money) -> ReserveOutcome
    /// Gives back one unit and `value`, e.g. when delivery failed after reserving.
    mutating func release(campaign: GuardKey, value: Money)
    /// Records an issue so later checks see it (claims, sends, unused coupons, overlap).
    mutating func recordIssue(_ issue: GuardIssue)
}

extension GuardState {
    /// Stock left under `limit`; nil when unlimited.
    public func stockRemaining(campaign: GuardKey, limit: Int?) -> Int? {
        limit.map { max(0, $0 - reservedStock(campaign: campaign)) }
    }

    /// Budget left under `limit`; nil when unlimited.
    public func budgetRemaining(campaign: GuardKey, limit: Money?) -> Money? {
        limit.map { max(.zero, $0 - reservedBudget(campaign: campaign)) }
    }
}
