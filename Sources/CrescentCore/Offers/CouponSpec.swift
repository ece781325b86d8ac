/// Everything a campaign says about one coupon: what it gives, where it applies,
/// how many may be claimed, and when it can be claimed and used.
///
/// Specs are plain values; the Lua API builds them from a marketer's table and
/// calls ``validate()`` before anything is issued.
///
/// For example, "50 off 299 on beauty, valid 14 days, 1 per member, 10 000 in stock":
/// ```swift
/// let spec = CouponSpec(
///     kind: .amountOff(Money(major: 50), minSpend: Money(major: 299)),
///     restrictions: CouponRestrictions(categories: ["beauty"]),
///     limits: ClaimLimits(perMemberPerCampaign: 1, stock: 10_000),
///     useWindow: .relative(validDays: 14),
///     type: "beauty_threshold")
/// try spec.validated()
/// ```
public struct CouponSpec: Hashable, Sendable, Codable {
    public var kind: CouponKind
    public var restrictions: CouponRestrictions
    public var limits: ClaimLimits
    /// Claims (issues) are accepted from this time on; nil = no start.
    public var claimFrom: Timestamp?
    /// Claims are accepted before this time; nil = no end.
    public var claimUntil: Timestamp?
    /// How long an issued coupon stays usable.
    public var useWindow: UseWindow
    /// An issued coupon cannot be used before this time (e.g. pre-issued for a sale day).
    public var usableFrom: Timestamp?
    /// The anti-harassment family: a member gets a coupon of one type at most once per period.
    public var type: String
    public var source: CouponSource
    /// The value reserved against the budget per issued coupon. Nil: the kind's face value.
    public var costPerIssue: Money?

    public init(kind: CouponKind, restrictions: CouponRestrictions = CouponRestrictions(),
                limits: ClaimLimits = ClaimLimits(), claimFrom: Timestamp? = nil,
                claimUntil: Timestamp? = nil, useWindow: UseWindow,
                usableFrom: Timestamp? = nil, type: String, source: CouponSource = .crm,
                costPerIssue: Money? = nil) {
        self.kind = kind; self.restrictions = restrictions; self.limits = limits
        self.claimFrom = claimFrom; self.claimUntil = claimUntil; self.useWindow = useWindow
        self.usableFrom = usableFrom; self.type = type; self.source = source
        self.costPerIssue = costPerIssue
    }

    /// The threshold that applies: the larger of the kind's and the restrictions' minimum spend.
    public var effectiveMinSpend: Money { max(kind.minSpend, restrictions.minSpend) }

    /// The value reserved against the budget for each coupon issued: `costPerIssue`,
    /// else the kind's face value, else zero.
    public var reservedValue: Money { costPerIssue ?? kind.faceValue ?? .zero }

    /// True when `time` lies inside the claim window.
    public func isClaimable(at time: Timestamp) -> Bool {
        if let claimFrom, time < claimFrom { return false }
        if let claimUntil, time >= claimUntil { return false }
        return true
    }
}
